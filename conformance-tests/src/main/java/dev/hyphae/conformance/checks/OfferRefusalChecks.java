package dev.hyphae.conformance.checks;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Response;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.model.ForgedInitiator;
import dev.hyphae.conformance.model.HandshakeSide;
import dev.hyphae.conformance.model.SelectionReader;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

/**
 * The adapter's responder and the message 1 that it refuses, the suite as an initiator that offers what it likes: an
 * offer that fails verification (checks 1 to 3 of HY-HS-012) is refused with MALFORMED_MESSAGE and without a word, and
 * one that fails negotiation (checks 4 to 6) with the code of the first check that fails, reported in message 2. Each
 * check judges one of these rules, on offers that also break the others, so that a responder that checks in another
 * order fails the check of the rule it put first.
 */
@Checks(Profile.HANDSHAKE)
class OfferRefusalChecks {

    @BeforeEach
    void claimed() {
        Sut.requireProfile(Profile.HANDSHAKE);
    }

    /**
     * The suite, as an initiator that offers what it likes, sends the adapter's responder an offer it cannot verify: a
     * frame size below 1024 (this check), or a capability listed twice (the next). The responder refuses it with
     * MALFORMED_MESSAGE. Each offer also holds version 2.0 alone, capability 0 and the unknown capability 7 marked critical,
     * which checks 4 to 6 of HY-HS-012 refuse with a reported code: a responder that negotiates before it verifies the
     * payload answers with one of those. That it then says nothing more is {@link #aMalformedOfferEndsTheHandshakeWithoutAWord}'s.
     */
    @Test
    @Requirement({"HY-HS-011", "HY-HS-012"})
    void anOfferOfAFrameSizeBelowTheMinimumIsMalformed() {
        HandshakeSide[] p = HandshakeSide.pair();
        byte[] first = ForgedInitiator.firstMessage(p[0], List.of(new ProtocolVersion(2, 0)), new int[] {0, 7}, Set.of(7), 512);
        expectMalformed(p[1], first, "a max_frame_size from 1 to 1023 ends the handshake with MALFORMED_MESSAGE, a check of message 1 "
                + "made before any check of its negotiation", "a max_frame_size of 512");
    }

    @Test
    @Requirement({"HY-HS-003", "HY-HS-012"})
    void anOfferThatListsACapabilityTwiceIsMalformed() {
        HandshakeSide[] p = HandshakeSide.pair();
        byte[] first = ForgedInitiator.firstMessage(p[0], List.of(new ProtocolVersion(2, 0)), new int[] {0, 1, 1, 7}, Set.of(7), 0);
        expectMalformed(p[1], first, "a handshake payload that lists one capability twice ends the handshake with MALFORMED_MESSAGE, a "
                + "check of message 1 made before any check of its negotiation", "capability 1 listed twice");
    }

    /** The adapter's responder refuses {@code first}, which breaks a rule of verification and three of negotiation, with 100. */
    private static void expectMalformed(HandshakeSide responder, byte[] first, String law, String malformed) {
        String handle = Sut.result(Sut.handshakeStart("responder", responder.json(false)), "handshakeStart").path("handshake").asText();
        Response r = Sut.supported(Sut.handshakeRead(handle, first), "handshakeRead");
        if (!r.isError() || r.code() != ErrorCode.MALFORMED_MESSAGE.value()) {
            throw new AssertionError(law + "\ninput: message 1 " + Sut.hex(first) + ", with " + malformed + ", which also offers "
                    + "2.0 alone, capability 0 and the unknown capability 7 marked critical\nexpected: a refusal with 100 MALFORMED_MESSAGE"
                    + "\nactual: " + r.describe());
        }
    }

    /**
     * The same two offers: whatever the code of its refusal, the responder sends no message 2 after a refusal by the checks
     * 1 to 3 of HY-HS-012, and the adapter's answer to {@code handshakeRead} says so by having no {@code message}.
     */
    @Test
    @Requirement({"HY-HS-013", "HY-CONF-023"})
    void aMalformedOfferEndsTheHandshakeWithoutAWord() {
        HandshakeSide[] p = HandshakeSide.pair();
        List<ProtocolVersion> unsupported = List.of(new ProtocolVersion(2, 0));
        for (byte[] first : List.of(ForgedInitiator.firstMessage(p[0], unsupported, new int[] {0, 7}, Set.of(7), 512),
                ForgedInitiator.firstMessage(p[0], unsupported, new int[] {0, 1, 1, 7}, Set.of(7), 0))) {
            String handle = Sut.result(Sut.handshakeStart("responder", p[1].json(false)), "handshakeStart").path("handshake").asText();
            Response r = Sut.supported(Sut.handshakeRead(handle, first), "handshakeRead");
            if (!r.isError() || r.message() != null) {
                throw new AssertionError("a responder that refuses message 1 by the checks 1 to 3 of HY-HS-012 ends the handshake and "
                        + "closes the connection without a word\ninput: message 1 " + Sut.hex(first) + ", with a max_frame_size of 512 or "
                        + "capability 1 listed twice\nexpected: a refusal and no message 2\nactual: " + r.describe()
                        + (r.message() == null ? "" : " with message 2 " + r.message()));
            }
        }
    }

    /**
     * Offers that break several rules of negotiation: capability 0, no version in common and an unknown capability marked
     * critical. The adapter's responder refuses each for the first of the checks 4 to 6 of HY-HS-012 that fails (capability
     * 0 before the version, the version before the critical capability), and its own message 2, which the suite reads as
     * the initiator, reports exactly that code.
     */
    @Test
    @Requirement({"HY-HS-012", "HY-HS-014"})
    void aRefusedOfferIsReportedWithTheCodeOfTheFirstCheckThatFails() {
        HandshakeSide[] p = HandshakeSide.pair();
        for (RefusedOffer o : RefusedOffer.all(p[0])) {
            Response r = read(p, o);
            String law = "a responder checks message 1 in the order of HY-HS-012 and ends the handshake with the code of the first check "
                    + "that fails, the only code it puts in the Selection's error\ninput: an offer of " + o.what() + ", message 1 " + Sut.hex(o.message());
            if (!r.isError() || r.code() != o.code()) {
                throw new AssertionError(law + "\nexpected: a refusal with " + o.code() + "\nactual: " + r.describe());
            }
            SelectionReader.Reply reply = reply(p, o, r);
            if (reply != null && reply.error() != o.code()) {
                throw new AssertionError(law + "\nexpected: a message 2 that reports " + o.code() + "\nactual: a message 2 that reports "
                        + reply.error() + ": " + r.message());
            }
        }
    }

    /**
     * The same offers, well-formed, refused for a reason that is reported: the responder sends a message 2 whose Selection
     * holds the code in its error, and the adapter gives it in its answer's {@code message}.
     */
    @Test
    @Requirement({"HY-HS-006", "HY-HS-013", "HY-CONF-023"})
    void aRefusalOfAWellFormedOfferIsReportedInMessageTwo() {
        HandshakeSide[] p = HandshakeSide.pair();
        for (RefusedOffer o : RefusedOffer.all(p[0])) {
            Response r = read(p, o);
            String law = "a responder that refuses a well-formed offer for a reason that is reported sends a message 2 whose Selection "
                    + "holds the error code, then ends the handshake\ninput: an offer of " + o.what() + ", message 1 " + Sut.hex(o.message());
            if (!r.isError() || r.message() == null) {
                throw new AssertionError(law + "\nexpected: a refusal with a message 2\nactual: " + r.describe());
            }
            SelectionReader.Reply reply = reply(p, o, r);
            if (reply == null) {
                throw new AssertionError(law + "\nexpected: a message 2 that the initiator reads\nactual: a message 2 " + r.message()
                        + " that cannot be read");
            }
            if (reply.error() == 0) {
                throw new AssertionError(law + "\nexpected: a message 2 whose Selection holds an error\nactual: one with no error: "
                        + r.message());
            }
        }
    }

    /** An offer that the checks 4 to 6 of HY-HS-012 refuse, and the code of the first that fails. */
    private record RefusedOffer(String what, byte[] message, int code) {

        static List<RefusedOffer> all(HandshakeSide initiator) {
            return List.of(new RefusedOffer("capability 0 and version 2.0 alone",
                            ForgedInitiator.firstMessage(initiator, List.of(new ProtocolVersion(2, 0)), new int[] {0}, Set.of(), 0),
                            ErrorCode.PROTOCOL_VIOLATION.value()),
                    new RefusedOffer("version 2.0 alone and the unknown capability 7 marked critical",
                            ForgedInitiator.firstMessage(initiator, List.of(new ProtocolVersion(2, 0)), new int[] {7}, Set.of(7), 0),
                            ErrorCode.UNSUPPORTED_VERSION.value()));
        }
    }

    private static Response read(HandshakeSide[] p, RefusedOffer o) {
        String handle = Sut.result(Sut.handshakeStart("responder", p[1].json(false)), "handshakeStart").path("handshake").asText();
        return Sut.supported(Sut.handshakeRead(handle, o.message()), "handshakeRead");
    }

    /** The Selection of the adapter's message 2, read as the initiator reads it, or null when there is none or it cannot be read. */
    private static SelectionReader.Reply reply(HandshakeSide[] p, RefusedOffer o, Response r) {
        if (r.message() == null) {
            return null;
        }
        try {
            return SelectionReader.read(p[0].staticPrivate, p[0].ephemeralPrivate, o.message(), Sut.bytes(r.message()));
        } catch (ProtocolException e) {
            return null;
        }
    }
}
