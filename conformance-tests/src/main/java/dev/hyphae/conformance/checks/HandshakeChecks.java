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
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.spec.Requirement;
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
 * (a downgrade attempt), an altered or truncated message, a low-order key, a forged Selection. Who is admitted, by
 * certificate or trust, is {@link AuthenticationChecks}'.
 */
@Checks(Profile.HANDSHAKE)
class HandshakeChecks {

    @BeforeEach
    void claimed() {
        Sut.requireProfile(Profile.HANDSHAKE);
    }

    /**
     * The adapter refused message {@code at} with {@code code}, or the check fails stating {@code law}, the {@code input} (what
     * the suite did), the refusal expected, what the adapter did, and the messages exchanged.
     */
    static void expectRefusal(Exchange x, int at, ErrorCode code, String law, String input) {
        if (x.adapterError == null || x.adapterError.code() != code.value() || x.adapterFailedAt != at) {
            throw new AssertionError(law + "\ninput: " + input + "\nexpected: the adapter refuses message " + at + " with "
                    + code.value() + " " + code + "\nactual: " + (x.adapterError != null ? "it refused message " + x.adapterFailedAt
                    + " with " + x.adapterError.describe() : x.adapterOutcome != null ? "it completed the handshake"
                    : "it did not refuse") + "\nthe exchange:\n" + x.describe());
        }
    }

    /** The adapter sent nothing with its refusal, or the check fails stating {@code law}, the input and the message sent. */
    static void expectNothingSent(Response refusal, String law, String input) {
        if (refusal.message() != null) {
            throw new AssertionError(law + "\ninput: " + input + "\nexpected: a refusal and no message\nactual: "
                    + refusal.describe() + ", and the message " + refusal.message());
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
        expectRefusal(x, 2, ErrorCode.HANDSHAKE_FAILED, "the handshake's transcript covers the offer, so that an offer altered in "
                + "transit fails the handshake", "the adapter, as initiator, offers 1.0 and 1.1; an attacker replaces the offer with "
                + "one of 1.0 alone, made with the same keys, which the responder answers");
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
        expectRefusal(x, 2, ErrorCode.HANDSHAKE_FAILED, "a handshake message that fails to authenticate ends the handshake with "
                + "HANDSHAKE_FAILED", "the adapter, as initiator, receives the responder's message 2 with the last bit of its last "
                + "byte flipped");
    }

    @Test
    @Requirement({"HY-HS-009"})
    void aTruncatedConfirmationIsRefused() {
        HandshakeSide[] p = HandshakeSide.pair();
        Exchange x = Exchange.adapterResponds(p[0], p[1], (k, m) -> k == 3 ? Arrays.copyOf(m, m.length - 1) : m);
        expectRefusal(x, 3, ErrorCode.HANDSHAKE_FAILED, "a handshake message that fails to authenticate ends the handshake with "
                + "HANDSHAKE_FAILED", "the adapter, as responder, receives the initiator's message 3 without its last byte");
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
            String law = "a Selection that reports an error holds the error alone: no version, capabilities, certificate or "
                    + "max_frame_size";
            String input = "the adapter, as responder, reads an offer of " + offer + ": " + Sut.hex(offers[k]);
            if (!r.isError() || r.code() != codes[k] || r.message() == null) {
                throw new AssertionError(law + "\ninput: " + input + "\nexpected: a refusal with " + codes[k] + ", reported in message 2"
                        + "\nactual: " + r.describe() + (r.isError() && r.message() == null ? ", and no message 2" : ""));
            }
            SelectionReader.Reply reply = SelectionReader.read(p[0].staticPrivate, p[0].ephemeralPrivate, offers[k], Sut.bytes(r.message()));
            if (reply.otherFields()) {
                throw new AssertionError(law + "\ninput: " + input + "\nexpected: a message 2 whose Selection holds the error "
                        + codes[k] + " alone\nactual: the message 2 " + r.message() + ", whose Selection reports " + reply.error()
                        + " and holds other fields too");
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
                throw new AssertionError("an initiator that reads a Selection reporting an error whose scope in the registry is not "
                        + "session ends with HANDSHAKE_FAILED and sends nothing\ninput: the adapter, as initiator, reads a message 2 "
                        + "whose Selection reports the error " + error + ": " + Sut.hex(second) + "\nexpected: a refusal with 200 "
                        + "HANDSHAKE_FAILED and no message\nactual: " + r.describe() + (r.message() == null ? "" : ", and the message "
                        + r.message()));
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
            throw new AssertionError("an initiator refuses a responder's ephemeral key of low order with HANDSHAKE_FAILED, and sends "
                    + "no message 3\ninput: the adapter, as initiator, reads a message 2 whose ephemeral key is the all-zero point, "
                    + "encrypted under the all-zero ee: " + Sut.hex(second) + "\nexpected: a refusal with 200 HANDSHAKE_FAILED and no "
                    + "message\nactual: " + r.describe() + (r.message() == null ? "" : ", and the message " + r.message()));
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
        String law = "a responder refuses an initiator's ephemeral key of low order with HANDSHAKE_FAILED, and sends no message 2";
        String input = "the adapter, as responder, reads a message 1 whose ephemeral key is replaced by the all-zero point";
        expectRefusal(x, 1, ErrorCode.HANDSHAKE_FAILED, law, input);
        expectNothingSent(x.adapterError, law, input);
    }

    /**
     * The suite, as a responder that runs the real handshake but selects what it likes, answers the adapter's
     * offer; the adapter, as initiator, must check the selection against its offer.
     */
    private static void expectTheSelectionRefused(ProtocolVersion version, List<Integer> capabilities, String what, String law)
            throws ProtocolException {
        HandshakeSide[] p = HandshakeSide.pair();
        p[0].versions = List.of(new ProtocolVersion(1, 1));
        p[0].capabilities = new TreeSet<>(List.of(1));
        JsonNode started = Sut.result(Sut.handshakeStart("initiator", p[0].json(true)), "handshakeStart");
        byte[] second = new ForgedResponder(p[1]).answer(Sut.bytes(started.path("message")), version, capabilities);
        Response r = Sut.supported(Sut.handshakeRead(started.path("handshake").asText(), second), "handshakeRead");
        String input = "the adapter, as initiator, offers version 1.1 and capability 1; the suite's Selection selects " + what + ": "
                + Sut.hex(second);
        if (!r.isError() || r.code() != ErrorCode.PROTOCOL_VIOLATION.value()) {
            throw new AssertionError(law + "\ninput: " + input + "\nexpected: a refusal with 2 PROTOCOL_VIOLATION\nactual: "
                    + r.describe());
        }
        expectNothingSent(r, law, input);
    }

    /** Accepting a version it never offered is how an initiator lets a responder downgrade it. */
    @Test
    @Requirement({"HY-VER-004", "HY-HS-008"})
    void aSelectionOfAVersionNotOfferedIsRefused() throws ProtocolException {
        expectTheSelectionRefused(ProtocolVersion.V1_0, List.of(1), "version 1.0", "an initiator refuses with PROTOCOL_VIOLATION a "
                + "Selection of a version that it did not offer, and sends no message 3");
    }

    @Test
    @Requirement({"HY-VER-027", "HY-HS-008"})
    void aSelectionOfACapabilityNotOfferedIsRefused() throws ProtocolException {
        expectTheSelectionRefused(new ProtocolVersion(1, 1), List.of(1, 2), "capabilities 1 and 2", "an initiator refuses with "
                + "PROTOCOL_VIOLATION a Selection of a capability that it did not offer, and sends no message 3");
    }

    @Test
    @Requirement({"HY-VER-028"})
    void capabilityZeroInASelectionIsRefused() throws ProtocolException {
        expectTheSelectionRefused(new ProtocolVersion(1, 1), List.of(0), "capability 0", "an initiator refuses with "
                + "PROTOCOL_VIOLATION a Selection that lists the capability 0, which no one may select, and sends no message 3");
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
            throw new AssertionError("the prologue of the handshake is the 18 bytes hyphae/handshake/1, so that a peer with another "
                    + "prologue fails to authenticate\ninput: the adapter, as initiator, reads a message 2 made with the prologue "
                    + "hyphae/handshake/2 and a Selection that it would accept: " + Sut.hex(second) + "\nexpected: a refusal with 200 "
                    + "HANDSHAKE_FAILED\nactual: " + r.describe());
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
            throw new AssertionError("a peer that supports the version M.n supports every M.k with k < n\ninput: the versions that "
                    + "hello claims\nexpected: also " + missing + "\nactual: " + claimed);
        }
    }
}
