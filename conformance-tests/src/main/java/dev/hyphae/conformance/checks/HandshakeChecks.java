package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.conformance.Advisory;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Suite;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.Response;
import dev.hyphae.conformance.model.ForgedInitiator;
import dev.hyphae.conformance.model.ForgedResponder;
import dev.hyphae.conformance.model.SelectionReader;
import dev.hyphae.conformance.model.HandshakeSide;
import dev.hyphae.handshake.Certificate;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.spec.Requirement;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Handshake scenarios with the suite as the adapter's peer, and as an attacker between the two: an altered offer
 * (a downgrade attempt), an altered or truncated message, a low-order key, certificates that are forged, of
 * another key or expired, and a peer that nobody trusts.
 */
@Checks(Profile.HANDSHAKE)
class HandshakeChecks {

    private static final Ed25519PrivateKeyParameters ACME = HandshakeSide.organisation("acme");

    @BeforeEach
    void claimed() {
        Sut.requireProfile(Profile.HANDSHAKE);
    }

    private static void expectRefusal(Exchange x, int at, ErrorCode code, String what) {
        if (x.adapterError == null || x.adapterError.code() != code.value() || x.adapterFailedAt != at) {
            throw new AssertionError(what + ": expected the adapter to refuse message " + at + " with " + code.value() + " " + code
                    + "\n" + x.describe());
        }
    }

    /**
     * The downgrade attempt: an attacker replaces the adapter's offer of 1.0 and 1.1 with an offer of 1.0 alone,
     * made with the same keys. The responder selects 1.0; the adapter, whose transcript holds its real offer,
     * cannot decrypt the reply.
     */
    @Test
    @Requirement({"HY-VER-005", "HY-HS-009"})
    void anOfferAlteredInTransitIsDetected() throws ProtocolException {
        HandshakeSide[] p = HandshakeSide.pair();
        p[0].versions = List.of(ProtocolVersion.V1_0, new ProtocolVersion(1, 1));
        p[1].versions = List.of(ProtocolVersion.V1_0, new ProtocolVersion(1, 1));
        HandshakeSide weaker = HandshakeSide.named("device");
        weaker.versions = List.of(ProtocolVersion.V1_0);
        byte[] forged = weaker.initiator().start();
        Exchange x = Exchange.adapterInitiates(p[0], p[1], Exchange.FAITHFUL, (k, m) -> {
            if (Arrays.equals(m, forged)) {
                throw new AssertionError("the adapter's offer of 1.0 and 1.1 is the same message as an offer of 1.0 alone");
            }
            return forged;
        });
        expectRefusal(x, 2, ErrorCode.HANDSHAKE_FAILED, "after a downgraded offer");
    }

    @Test
    @Requirement({"HY-HS-009", "HY-VER-005"})
    void aSelectionAlteredInTransitIsDetected() {
        HandshakeSide[] p = HandshakeSide.pair();
        Exchange x = Exchange.adapterInitiates(p[0], p[1], (k, m) -> {
            byte[] changed = m.clone();
            changed[changed.length - 1] ^= 0x01;
            return changed;
        }, Exchange.FAITHFUL);
        expectRefusal(x, 2, ErrorCode.HANDSHAKE_FAILED, "after one bit of message 2 flipped");
    }

    @Test
    @Requirement({"HY-HS-009"})
    void aTruncatedConfirmationIsRefused() {
        HandshakeSide[] p = HandshakeSide.pair();
        Exchange x = Exchange.adapterResponds(p[0], p[1], (k, m) -> k == 3 ? Arrays.copyOf(m, m.length - 1) : m);
        expectRefusal(x, 3, ErrorCode.HANDSHAKE_FAILED, "after message 3 lost its last byte");
    }

    /**
     * The adapter's responder refuses an offer of version 2.0 alone with UNSUPPORTED_VERSION, and an offer of version
     * 1.0 with the unknown capability 7 marked critical with UNSUPPORTED_CAPABILITY, each reported in message 2: the
     * suite reads that message as the initiator, and its Selection holds the error and no other field (HY-HS-017).
     */
    @Test
    @Requirement("HY-HS-017")
    void anErrorSelectionHoldsTheErrorAlone() throws ProtocolException {
        HandshakeSide[] p = HandshakeSide.pair();
        byte[][] offers = {ForgedInitiator.firstMessage(p[0], List.of(new ProtocolVersion(2, 0)), new int[0], Set.of(), 0),
                ForgedInitiator.firstMessage(p[0], List.of(new ProtocolVersion(1, 0)), new int[] {7}, Set.of(7), 0)};
        int[] codes = {ErrorCode.UNSUPPORTED_VERSION.value(), ErrorCode.UNSUPPORTED_CAPABILITY.value()};
        for (int k = 0; k < offers.length; k++) {
            String offer = k == 0 ? "version 2.0 alone" : "version 1.0 and the unknown capability 7 marked critical";
            String handle = Sut.result(Sut.handshakeStart("responder", p[1].json(false)), "handshakeStart").path("handshake").asText();
            Response r = Sut.supported(Sut.handshakeRead(handle, offers[k]), "handshakeRead");
            if (!r.isError() || r.code() != codes[k] || r.message() == null) {
                throw new AssertionError("an offer of " + offer + ": expected a refusal with " + codes[k] + " reported in message 2, got "
                        + r.describe());
            }
            SelectionReader.Reply reply = SelectionReader.read(p[0].staticPrivate, p[0].ephemeralPrivate, offers[k], Sut.bytes(r.message()));
            if (reply.otherFields()) {
                throw new AssertionError("an offer of " + offer + ": the adapter's message 2 reports " + reply.error() + " in a Selection "
                        + "that also holds a version, capabilities, a certificate or a max_frame_size: " + r.message());
            }
        }
    }

    /**
     * A responder whose Selection reports a code of scope delta, a code the registry does not list, or a Private Use
     * code: the adapter's initiator ends with HANDSHAKE_FAILED and sends nothing.
     */
    @Test
    @Requirement({"HY-HS-015", "HY-HS-007"})
    void aSelectionErrorWithoutSessionScopeEndsWithHandshakeFailed() throws ProtocolException {
        for (int error : new int[] {ErrorCode.ACCESS_DENIED.value(), 299, 60001}) {
            HandshakeSide[] p = HandshakeSide.pair();
            JsonNode started = Sut.result(Sut.handshakeStart("initiator", p[0].json(true)), "handshakeStart");
            byte[] second = new ForgedResponder(p[1]).answerWithError(Sut.bytes(started.path("message")), error);
            Response r = Sut.supported(Sut.handshakeRead(started.path("handshake").asText(), second), "handshakeRead");
            if (!r.isError() || r.code() != ErrorCode.HANDSHAKE_FAILED.value() || r.message() != null) {
                throw new AssertionError("a Selection reporting error " + error + ": expected a refusal with 200 HANDSHAKE_FAILED and no "
                        + "message, got " + r.describe());
            }
        }
    }

    /**
     * A responder whose ephemeral key in message 2 is the all-zero point, and whose message is otherwise consistent with
     * it: {@code ee} is all zeros on both sides and {@code s} and the payload are encrypted under it, so an initiator that
     * omitted the check of HY-HS-016 would decrypt the message, accept its Selection and send message 3.
     */
    @Test
    @Requirement({"HY-HS-016", "HY-HS-009"})
    void aLowOrderResponderKeyIsRefused() throws GeneralSecurityException {
        HandshakeSide[] p = HandshakeSide.pair();
        JsonNode started = Sut.result(Sut.handshakeStart("initiator", p[0].json(true)), "handshakeStart");
        byte[] second = ForgedResponder.answerWithZeroEphemeral(p[1].staticPrivate, p[1].ephemeralPrivate,
                Sut.bytes(started.path("message")), ProtocolVersion.V1_0, List.of());
        Response r = Sut.supported(Sut.handshakeRead(started.path("handshake").asText(), second), "handshakeRead");
        if (!r.isError() || r.code() != ErrorCode.HANDSHAKE_FAILED.value() || r.message() != null) {
            throw new AssertionError("a message 2 whose ephemeral key is the all-zero point, encrypted under the all-zero ee: "
                    + "expected a refusal with 200 HANDSHAKE_FAILED and no message 3, got " + r.describe()
                    + (r.message() == null ? "" : " with message " + r.message()));
        }
    }

    @Test
    @Requirement({"HY-HS-009", "HY-HS-016"})
    void aLowOrderEphemeralKeyIsRefused() {
        HandshakeSide[] p = HandshakeSide.pair();
        Exchange x = Exchange.adapterResponds(p[0], p[1], (k, m) -> {
            byte[] changed = m.clone();
            Arrays.fill(changed, 0, KeyPair.LENGTH, (byte) 0);
            return changed;
        });
        expectRefusal(x, 1, ErrorCode.HANDSHAKE_FAILED, "after the initiator's ephemeral key was replaced by the all-zero point");
        if (x.adapterError.message() != null) {
            throw new AssertionError("the adapter refused a low-order key and still sent message 2");
        }
    }

    /**
     * Two sides, initiator and responder; side {@code subject} holds a certificate from the organisation "Acme",
     * and the other side trusts it only through Acme.
     */
    private static HandshakeSide[] certified(int subject) {
        HandshakeSide[] p = HandshakeSide.pair();
        HandshakeSide certifiedSide = p[subject];
        HandshakeSide verifier = p[1 - subject];
        verifier.trustedPeers.clear();
        verifier.trustedOrganisations.add(ACME.generatePublicKey().getEncoded());
        certifiedSide.certificate = Certificate.issue(ACME, "Acme", certifiedSide.publicKey(), HandshakeSide.NOW - HandshakeSide.DAY,
                HandshakeSide.NOW + 30 * HandshakeSide.DAY);
        return p;
    }

    @Test
    @Requirement({"HY-AUTH-001", "HY-AUTH-002"})
    void anOrganisationCertificateIdentifiesThePeer() {
        for (boolean adapterInitiates : List.of(true, false)) {
            // The model presents the certificate; the adapter trusts its organisation alone.
            HandshakeSide[] p = certified(adapterInitiates ? 1 : 0);
            Exchange x = adapterInitiates ? Exchange.adapterInitiates(p[0], p[1], Exchange.FAITHFUL, Exchange.FAITHFUL)
                    : Exchange.adapterResponds(p[0], p[1], Exchange.FAITHFUL);
            HandshakeSide model = p[adapterInitiates ? 1 : 0];
            if (x.adapterOutcome == null || !"Acme".equals(x.adapterOutcome.path("remoteOrganisation").asText())
                    || !Sut.hex(model.publicKey()).equals(x.adapterOutcome.path("remoteStaticKey").asText())) {
                throw new AssertionError("as " + (adapterInitiates ? "initiator" : "responder") + ", expected to admit the peer as "
                        + "certified by Acme, with its static key\n" + x.describe());
            }
        }
    }

    @Test
    @Requirement({"HY-AUTH-003"})
    void aCertificateWithABadSignatureIsRefused() {
        for (boolean adapterInitiates : List.of(true, false)) {
            HandshakeSide[] p = certified(adapterInitiates ? 1 : 0);
            HandshakeSide model = p[adapterInitiates ? 1 : 0];
            Certificate good = model.certificate;
            byte[] signature = good.signature();
            signature[0] ^= 1;
            model.certificate = new Certificate(good.organisationKey(), good.subjectKey(), good.organisation(), good.notBefore(),
                    good.notAfter(), signature);
            Exchange x = adapterInitiates ? Exchange.adapterInitiates(p[0], p[1], Exchange.FAITHFUL, Exchange.FAITHFUL)
                    : Exchange.adapterResponds(p[0], p[1], Exchange.FAITHFUL);
            expectRefusal(x, adapterInitiates ? 2 : 3, ErrorCode.BAD_CERTIFICATE, "a certificate with one bit of its signature flipped");
        }
    }

    @Test
    @Requirement({"HY-AUTH-003"})
    void aCertificateOfAnotherKeyIsRefused() {
        HandshakeSide[] p = certified(0);
        // The model, as initiator, presents a genuine certificate that Acme issued for somebody else's key.
        p[0].certificate = Certificate.issue(ACME, "Acme", HandshakeSide.named("somebody else").publicKey(),
                HandshakeSide.NOW - HandshakeSide.DAY, HandshakeSide.NOW + HandshakeSide.DAY);
        Exchange x = Exchange.adapterResponds(p[0], p[1], Exchange.FAITHFUL);
        expectRefusal(x, 3, ErrorCode.BAD_CERTIFICATE, "a certificate of another static key");
    }

    @Test
    @Requirement({"HY-AUTH-004"})
    void anExpiredCertificateIsRefused() {
        HandshakeSide[] p = certified(0);
        p[1].now = HandshakeSide.NOW + 31 * HandshakeSide.DAY;
        Exchange x = Exchange.adapterResponds(p[0], p[1], Exchange.FAITHFUL);
        expectRefusal(x, 3, ErrorCode.CERTIFICATE_EXPIRED, "a certificate whose Not After has passed");
    }

    @Test
    @Requirement({"HY-AUTH-005", "HY-AUTH-006"})
    void anUntrustedResponderLearnsNothing() {
        HandshakeSide[] p = HandshakeSide.pair();
        p[0].trustedPeers.clear();
        Exchange x = Exchange.adapterInitiates(p[0], p[1], Exchange.FAITHFUL, Exchange.FAITHFUL);
        expectRefusal(x, 2, ErrorCode.UNKNOWN_PEER, "a responder the adapter does not trust");
        if (x.adapterError.message() != null) {
            throw new AssertionError("the adapter refused an untrusted responder and still sent message 3, which reveals its static key");
        }
    }

    @Test
    @Requirement({"HY-AUTH-005"})
    void anUntrustedInitiatorIsRefused() {
        HandshakeSide[] p = HandshakeSide.pair();
        p[1].trustedPeers.clear();
        Exchange x = Exchange.adapterResponds(p[0], p[1], Exchange.FAITHFUL);
        expectRefusal(x, 3, ErrorCode.UNKNOWN_PEER, "an initiator the adapter does not trust");
    }

    /**
     * The suite, as a responder that runs the real handshake but selects what it likes, answers the adapter's
     * offer; the adapter, as initiator, must check the selection against its offer.
     */
    private static void expectTheSelectionRefused(ProtocolVersion version, List<Integer> capabilities, String what) throws ProtocolException {
        HandshakeSide[] p = HandshakeSide.pair();
        p[0].versions = List.of(new ProtocolVersion(1, 1));
        p[0].capabilities = new TreeSet<>(List.of(1));
        JsonNode started = Sut.result(Sut.handshakeStart("initiator", p[0].json(true)), "handshakeStart");
        byte[] second = new ForgedResponder(p[1]).answer(Sut.bytes(started.path("message")), version, capabilities);
        Response r = Sut.supported(Sut.handshakeRead(started.path("handshake").asText(), second), "handshakeRead");
        if (!r.isError() || r.code() != ErrorCode.PROTOCOL_VIOLATION.value()) {
            throw new AssertionError("offered version 1.1 and capability 1, selected " + what + ": expected a refusal with 2 "
                    + "PROTOCOL_VIOLATION, got " + r.describe());
        }
        if (r.message() != null) {
            throw new AssertionError("the adapter refused the selection and still sent message 3");
        }
    }

    /** Accepting a version it never offered is how an initiator lets a responder downgrade it. */
    @Test
    @Requirement({"HY-VER-004", "HY-HS-008"})
    void aSelectionOfAVersionNotOfferedIsRefused() throws ProtocolException {
        expectTheSelectionRefused(ProtocolVersion.V1_0, List.of(1), "version 1.0");
    }

    @Test
    @Requirement({"HY-VER-027", "HY-HS-008"})
    void aSelectionOfACapabilityNotOfferedIsRefused() throws ProtocolException {
        expectTheSelectionRefused(new ProtocolVersion(1, 1), List.of(1, 2), "capabilities 1 and 2");
    }

    @Test
    @Requirement({"HY-VER-028"})
    void capabilityZeroInASelectionIsRefused() throws ProtocolException {
        expectTheSelectionRefused(new ProtocolVersion(1, 1), List.of(0), "capability 0");
    }

    /**
     * A responder whose prologue is not the 18 bytes "hyphae/handshake/1" has another transcript: its message 2,
     * with a selection the adapter would accept, cannot authenticate at an initiator that uses the right prologue.
     */
    @Test
    @Requirement({"HY-HS-001", "HY-HS-009"})
    void aPeerWithAnotherPrologueIsRefused() throws ProtocolException {
        HandshakeSide[] p = HandshakeSide.pair();
        JsonNode started = Sut.result(Sut.handshakeStart("initiator", p[0].json(true)), "handshakeStart");
        byte[] second = new ForgedResponder(p[1], "hyphae/handshake/2".getBytes(StandardCharsets.US_ASCII))
                .answer(Sut.bytes(started.path("message")), ProtocolVersion.V1_0, List.of());
        Response r = Sut.supported(Sut.handshakeRead(started.path("handshake").asText(), second), "handshakeRead");
        if (!r.isError() || r.code() != ErrorCode.HANDSHAKE_FAILED.value()) {
            throw new AssertionError("a message 2 made with the prologue hyphae/handshake/2: expected a refusal with 200 "
                    + "HANDSHAKE_FAILED, got " + r.describe());
        }
    }

    /** HY-VER-001: a peer of version M.n also supports every M.k before it, by the versions it claims in hello. */
    @Test
    @Advisory
    @Requirement({"HY-VER-001"})
    void everyEarlierMinorVersionIsSupported() {
        List<String> claimed = Suite.current().hello().protocolVersions();
        List<String> missing = new ArrayList<>();
        for (String v : claimed) {
            String[] parts = v.split("\\.");
            for (int k = 0; k < Integer.parseInt(parts[1]); k++) {
                if (!claimed.contains(parts[0] + "." + k)) {
                    missing.add(parts[0] + "." + k);
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new AssertionError("claims " + claimed + " but not " + missing);
        }
    }
}
