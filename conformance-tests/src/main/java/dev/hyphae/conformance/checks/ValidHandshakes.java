package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.model.HandshakeContent;
import dev.hyphae.conformance.model.Model;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** How the runner judges a valid {@code handshake} case: by the content of the messages, not their bytes. */
final class ValidHandshakes {

    private ValidHandshakes() {
    }

    /**
     * A valid case (HY-VEC-025, HY-VEC-043, HY-VEC-044): each side reads the other side's own messages, not the
     * recorded ones, so that the layout of its peer's buffers is not asked of it; each message must hold what the
     * vector's holds, read with the case's keys, whatever its bytes; the outcomes must be the vector's, and the
     * handshake hash the one of the transcript that the sides exchanged, which is the vector's when every message
     * equals the vector's byte for byte.
     */
    static void judge(JsonNode v) {
        HandshakeReplay.Run run = HandshakeReplay.replay(v, true);
        if (run.error != null) {
            throw new AssertionError("the " + run.failingSide + " refused message " + run.atMessage + ", written by the other side: "
                    + run.error.describe());
        }
        JsonNode messages = v.path("messages");
        if (run.written.size() != messages.size()) {
            throw new AssertionError("the sides wrote " + run.written.size() + " messages, the vector has " + messages.size());
        }
        List<byte[]> recorded = new ArrayList<>();
        List<byte[]> own = new ArrayList<>();
        boolean sameBytes = true;
        for (int k = 0; k < messages.size(); k++) {
            recorded.add(Sut.bytes(messages.get(k)));
            own.add(Sut.bytes(run.written.get(k)));
            sameBytes &= messages.get(k).asText().equals(run.written.get(k));
        }
        JsonNode initiator = v.path("initiator");
        JsonNode responder = v.path("responder");
        byte[][] keys = {Sut.bytes(initiator.path("staticPrivateKey")), Sut.bytes(initiator.path("ephemeralPrivateKey")),
                Sut.bytes(responder.path("staticPrivateKey")), Sut.bytes(responder.path("ephemeralPrivateKey"))};
        HandshakeContent.Read expected = HandshakeContent.read(keys[0], keys[1], keys[2], keys[3], recorded);
        HandshakeContent.Read actual;
        try {
            actual = HandshakeContent.read(keys[0], keys[1], keys[2], keys[3], own);
        } catch (IllegalArgumentException e) {
            throw new AssertionError(e.getMessage() + "; the messages written: " + run.written);
        }
        for (int k = 0; k < messages.size(); k++) {
            if (!expected.contents().get(k).equals(actual.contents().get(k))) {
                throw new AssertionError("message " + (k + 1) + " holds " + actual.contents().get(k) + "; the vector's holds "
                        + expected.contents().get(k) + " (compared by content, HY-VEC-043)");
            }
        }
        String hash = sameBytes ? v.path("expected").path("handshakeHash").asText() : HexFormat.of().formatHex(actual.handshakeHash());
        JsonNode outcome = v.path("expected");
        // The initiator's peer is the responder, and the other way round (the chapter "Test vectors" tabulates the names).
        expectOutcome(run.initiatorOutcome, outcome, hash, outcome.path("responderOrganisation"), "the initiator");
        expectOutcome(run.responderOutcome, outcome, hash, outcome.path("initiatorOrganisation"), "the responder");
    }

    /**
     * The outcome of one side of a valid case: the version and capabilities of {@code expected}, the handshake hash
     * {@code hash} (HY-VEC-044), and the peer's organisation.
     */
    private static void expectOutcome(JsonNode outcome, JsonNode expected, String hash, JsonNode organisation, String side) {
        if (!outcome.path("version").asText().equals(expected.path("version").asText())
                || !outcome.path("capabilities").equals(expected.path("capabilities"))
                || !outcome.path("handshakeHash").asText().equals(hash)
                || !outcome.path("remoteOrganisation").equals(organisation.isMissingNode() ? Model.JSON.nullNode() : organisation)) {
            throw new AssertionError(side + "'s outcome is " + outcome + "; expected version " + expected.path("version").asText()
                    + ", capabilities " + expected.path("capabilities") + ", handshake hash " + hash
                    + " and remoteOrganisation " + organisation);
        }
    }

}
