package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.ProtocolException;
import dev.hyphae.conformance.Response;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.model.SelectionReader;
import dev.hyphae.model.handshake.Negotiation;

/**
 * The cases of the area {@code handshake} (chapter "Test vectors"): a valid case is judged by {@link ValidHandshakes}; an
 * invalid one is replayed by {@link HandshakeReplay}, and what the side that refuses sends is judged here. Part of
 * {@link VectorRunner}.
 */
final class HandshakeCases {

    private HandshakeCases() {
    }

    /**
     * HY-VEC-025, HY-VEC-026 and HY-VEC-036: the adapter plays both sides, each receiving its message as the case
     * delivers it (HY-VEC-046); the suite relays, and judges what a side that refuses sends (HY-CONF-023).
     */
    static void run(JsonNode v) {
        if (v.path("result").asText().equals("valid")) {
            ValidHandshakes.judge(v);
            return;
        }
        HandshakeReplay.Run run = HandshakeReplay.replay(v, false);
        int code = v.path("error").path("code").asInt();
        JsonNode messages = v.path("messages");
        // A case played as recorded, whose forged message 2 is not the responder's own answer to messages[0].
        boolean initiatorReadAForgedReply = !HandshakeReplay.live(v) && messages.size() >= 2 && (run.error == null || run.atMessage >= 2)
                && run.written.size() >= 2 && !messages.get(1).asText().equals(run.written.get(1));
        if (initiatorReadAForgedReply && !messages.get(0).asText().equals(run.written.get(0))) {
            // HY-VEC-037: the forged message 2 answers the vector's message 1. An initiator whose own message 1 differs
            // has another transcript and fails to decrypt it whatever it checks, so its refusal proves nothing. (When
            // messages[0] itself is tampered, the responder's genuine answer failing at the initiator is the point.)
            throw new AssertionError("not judgeable: the initiator's message 1 " + run.written.get(0) + " differs from the vector's "
                    + messages.get(0).asText() + ", so it cannot read the recorded message 2 (HY-VEC-037: the same keys and offer give "
                    + "the same message 1 byte for byte); "
                    + (run.error == null ? "the handshake completed" : "the " + run.failingSide + " refused message " + run.atMessage
                    + " with " + run.error.describe()));
        }
        if (run.error == null) {
            throw new AssertionError("the handshake completed; expected the " + v.path("failingSide").asText() + " to refuse message "
                    + v.path("atMessage").asInt() + " with " + code);
        }
        if (run.error.code() != code || !run.failingSide.equals(v.path("failingSide").asText())
                || run.atMessage != v.path("atMessage").asInt()) {
            throw new AssertionError("the " + run.failingSide + " refused message " + run.atMessage + " with " + run.error.describe()
                    + "; expected the " + v.path("failingSide").asText() + " to refuse message " + v.path("atMessage").asInt()
                    + " with " + code + " " + v.path("error").path("name").asText());
        }
        if (!v.path("reported").asBoolean()) {
            if (run.error.message() != null) {
                throw new AssertionError("the " + run.failingSide + " refused message " + run.atMessage + " with " + code
                        + ", which ends the handshake without a word, and still sent " + run.error.message());
            }
            return;
        }
        expectReported(v, run, code);
    }

    /**
     * HY-VEC-036: the responder's own message 2 reports the refusal. The suite reads it as the case's initiator, whose
     * transcript holds the message 1 that the responder read; and when that is the message 1 that the adapter's
     * initiator wrote, the adapter's initiator reads it too, and must end with the code that HY-HS-007 makes of the
     * reported one.
     */
    private static void expectReported(JsonNode v, HandshakeReplay.Run run, int code) {
        if (run.error.message() == null) {
            throw new AssertionError("the responder refused message 1 with " + code + " and sent no message 2 to report it");
        }
        String first = run.delivered.get(0);
        JsonNode initiator = v.path("initiator");
        try {
            SelectionReader.Reply reply = SelectionReader.read(Sut.bytes(initiator.path("staticPrivateKey")),
                    Sut.bytes(initiator.path("ephemeralPrivateKey")), Sut.bytes(first), Sut.bytes(run.error.message()));
            if (reply.error() != code) {
                throw new AssertionError("the responder refused message 1 with " + code + ", but its message 2 "
                        + (reply.error() == 0 ? "selects a version" : "reports " + reply.error()) + ": " + run.error.message());
            }
            if (reply.otherFields()) {
                // HY-HS-006, HY-HS-017: an error Selection holds the error alone.
                throw new AssertionError("the responder's message 2 reports " + code + " in a Selection that also holds a version, "
                        + "capabilities, a certificate or a max_frame_size: " + run.error.message());
            }
        } catch (ProtocolException e) {
            throw new AssertionError("the responder's message 2, " + run.error.message() + ", cannot be read as the initiator of the "
                    + "case: " + e.getMessage());
        }
        if (!run.written.get(0).equals(first)) {
            return;
        }
        Response r = Sut.supported(Sut.handshakeRead(run.initiator, Sut.bytes(run.error.message())), "handshakeRead");
        int ends = Negotiation.initiatorEndsWith(code);
        if (!r.isError() || r.code() != ends || r.message() != null) {
            throw new AssertionError("the initiator read the responder's report of " + code + " and answered " + r.describe()
                    + "; expected a refusal with " + ends + " and no message");
        }
    }
}
