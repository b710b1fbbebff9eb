package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.ProtocolException;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Response;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.model.HandshakeSide;
import dev.hyphae.conformance.model.OtherLayout;
import dev.hyphae.handshake.Certificate;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.spec.Requirement;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeSet;

/**
 * Handshakes in which the suite, as the adapter's peer, writes its payloads in another valid layout than the
 * reference's ({@link OtherLayout}): every field that holds its default written out, {@code max_frame_size} left out,
 * fields and objects in another order. Every other handshake check, and every vector, meets the adapter with payloads
 * laid out as the reference lays out its own, which a reader that has met only its own writer, or the reference's,
 * reads by chance; these checks make sure that it reads what the payload says (HY-HS-018).
 */
@Checks(Profile.HANDSHAKE)
class HandshakeLayoutChecks {

    private static final Ed25519PrivateKeyParameters ACME = HandshakeSide.organisation("acme");

    @BeforeEach
    void claimed() {
        Sut.requireProfile(Profile.HANDSHAKE);
    }

    /**
     * Two sides that offer and support 1.0 and 1.1 and capabilities 1 and 2 (the initiator) and 2 and 3 (the
     * responder); the suite's side, {@code suite}, presents a certificate of Acme, which the adapter's side trusts
     * alone. The handshake gives 1.1 and capability 2.
     */
    private static HandshakeSide[] sides(int suite) {
        HandshakeSide[] p = HandshakeSide.pair();
        for (HandshakeSide s : p) {
            s.versions = List.of(ProtocolVersion.V1_0, new ProtocolVersion(1, 1));
        }
        p[0].capabilities = new TreeSet<>(List.of(1, 2));
        p[1].capabilities = new TreeSet<>(List.of(2, 3));
        p[1 - suite].trustedPeers.clear();
        p[1 - suite].trustedOrganisations.add(ACME.generatePublicKey().getEncoded());
        p[suite].certificate = Certificate.issue(ACME, "Acme", p[suite].publicKey(), HandshakeSide.NOW - HandshakeSide.DAY,
                HandshakeSide.NOW + 30 * HandshakeSide.DAY);
        return p;
    }

    @Test
    @Requirement({"HY-HS-018", "HY-HS-003", "HY-HS-011"})
    void aResponderReadsAnOfferAndAConfirmationInAnotherLayout() throws ProtocolException {
        HandshakeSide[] p = sides(0);
        OtherLayout.Peer suite = new OtherLayout.Peer(p[0], true);
        String handle = Sut.result(Sut.handshakeStart("responder", p[1].json(false)), "handshakeStart").path("handshake").asText();
        byte[] first = suite.start();
        Response r = Sut.supported(Sut.handshakeRead(handle, first), "handshakeRead of message 1");
        if (!r.isResult()) {
            throw new AssertionError("an offer of 1.0 and 1.1 and capabilities 1 and 2, laid out otherwise than the reference's "
                    + "(defaults written out, max_frame_size left out, fields in another order): refused with " + r.describe()
                    + "\nmessage 1: " + Sut.hex(first));
        }
        byte[] third = suite.onSelection(Sut.bytes(r.result().path("message")));
        r = Sut.supported(Sut.handshakeRead(handle, third), "handshakeRead of message 3");
        if (!r.isResult()) {
            throw new AssertionError("a Confirmation with Acme's certificate, laid out otherwise than the reference's: refused with "
                    + r.describe() + "\nmessage 3: " + Sut.hex(third));
        }
        expectOutcome(r.result(), p[0], suite, "the responder");
    }

    @Test
    @Requirement({"HY-HS-018", "HY-HS-003", "HY-HS-011"})
    void anInitiatorReadsASelectionInAnotherLayout() throws ProtocolException {
        HandshakeSide[] p = sides(1);
        OtherLayout.Peer suite = new OtherLayout.Peer(p[1], false);
        JsonNode started = Sut.result(Sut.handshakeStart("initiator", p[0].json(true)), "handshakeStart");
        byte[] second = suite.onOffer(Sut.bytes(started.path("message")));
        Response r = Sut.supported(Sut.handshakeRead(started.path("handshake").asText(), second), "handshakeRead of message 2");
        if (!r.isResult()) {
            throw new AssertionError("a Selection of 1.1 and capability 2 with Acme's certificate, laid out otherwise than the "
                    + "reference's (defaults written out, max_frame_size left out, fields in another order): refused with "
                    + r.describe() + "\nmessage 2: " + Sut.hex(second));
        }
        suite.onConfirmation(Sut.bytes(r.result().path("message")));
        expectOutcome(r.result(), p[1], suite, "the initiator");
    }

    /** The adapter completed with 1.1, capability 2, the suite's side as Acme's, and the hash of the transcript. */
    private static void expectOutcome(JsonNode result, HandshakeSide suiteSide, OtherLayout.Peer suite, String role) {
        JsonNode outcome = result.path("outcome");
        String hash = Sut.hex(suite.handshakeHash());
        if (!result.path("complete").asBoolean() || !outcome.path("version").asText().equals("1.1")
                || !outcome.path("capabilities").toString().equals("[\"2\"]") || !outcome.path("remoteOrganisation").asText().equals("Acme")
                || !outcome.path("remoteStaticKey").asText().equals(Sut.hex(suiteSide.publicKey()))
                || !outcome.path("handshakeHash").asText().equals(hash)) {
            throw new AssertionError(role + " read payloads laid out otherwise than the reference's and completed with " + result
                    + "; expected version 1.1, capabilities [\"2\"], remoteOrganisation Acme, remoteStaticKey "
                    + Sut.hex(suiteSide.publicKey()) + " and handshakeHash " + hash + "; the suite read " + suite.read);
        }
    }
}
