package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.ProtocolException;
import dev.hyphae.conformance.Counterexamples;
import dev.hyphae.conformance.Response;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.model.SelectionReader;
import dev.hyphae.model.handshake.Negotiation;

import java.util.List;

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
        String refusal = "a refusal of message " + v.path("atMessage").asInt() + " by the " + v.path("failingSide").asText() + " with "
                + code + " " + v.path("error").path("name").asText();
        JsonNode messages = v.path("messages");
        // A case played as recorded, whose forged message 2 is not the responder's own answer to messages[0].
        boolean initiatorReadAForgedReply = !HandshakeReplay.live(v) && messages.size() >= 2 && (run.error == null || run.atMessage >= 2)
                && run.written.size() >= 2 && !messages.get(1).asText().equals(run.written.get(1));
        if (initiatorReadAForgedReply && !messages.get(0).asText().equals(run.written.get(0))) {
            // HY-VEC-037: the forged message 2 answers the vector's message 1. An initiator whose own message 1 differs
            // has another transcript and fails to decrypt it whatever it checks, so its refusal proves nothing. (When
            // messages[0] itself is tampered, the responder's genuine answer failing at the initiator is the point.)
            // The detail starts with "not judgeable", as every case that could not be judged does (HY-VEC-037).
            throw new Counterexamples.Failure("not judgeable: the recorded message 2 answers another message 1\nthe same keys and "
                    + "offer give the same message 1 byte for byte (HY-VEC-037), so that the initiator can read the case's recorded "
                    + "message 2" + input(v) + "\nexpected: the initiator's message 1 " + messages.get(0).asText() + ", then "
                    + refusal + "\nactual: message 1 " + run.written.get(0) + ", then " + outcome(run), List.of("HY-VEC-037"));
        }
        if (run.error == null || run.error.code() != code || !run.failingSide.equals(v.path("failingSide").asText())
                || run.atMessage != v.path("atMessage").asInt()) {
            throw new AssertionError("an invalid handshake is refused by the side, at the message and with the code of the case"
                    + input(v) + "\nexpected: " + refusal + "\nactual: " + outcome(run));
        }
        if (!v.path("reported").asBoolean()) {
            if (run.error.message() != null) {
                throw new Counterexamples.Failure("a side that refuses with a code that ends the handshake without a word sends no "
                        + "message after its refusal (HY-VEC-036)" + input(v) + "\nexpected: " + refusal + ", and no message"
                        + "\nactual: the refusal, then the message " + run.error.message(), List.of("HY-VEC-036"));
            }
            return;
        }
        expectReported(v, run, code);
    }

    /** The input line of a failure: the case's messages, as it delivers them to the two sides that the adapter plays. */
    private static String input(JsonNode v) {
        return "\ninput: the messages " + v.path("messages") + ", delivered " + v.path("delivered") + ", to the adapter as both sides";
    }

    /** How a replayed handshake ended, for a failure's actual line. */
    private static String outcome(HandshakeReplay.Run run) {
        return run.error == null ? "the handshake completed"
                : "a refusal of message " + run.atMessage + " by the " + run.failingSide + " with " + run.error.describe();
    }

    /**
     * HY-VEC-036: the responder's own message 2 reports the refusal. The suite reads it as the case's initiator, whose
     * transcript holds the message 1 that the responder read; and when that is the message 1 that the adapter's
     * initiator wrote, the adapter's initiator reads it too, and must end with the code that HY-HS-007 makes of the
     * reported one.
     */
    private static void expectReported(JsonNode v, HandshakeReplay.Run run, int code) {
        String law = "a responder that refuses message 1 with a code that it reports sends message 2, an error Selection that "
                + "holds that code alone (HY-VEC-036)";
        String expected = "\nexpected: a message 2 whose Selection holds the error " + code + " and nothing else";
        if (run.error.message() == null) {
            throw new Counterexamples.Failure(law + input(v) + expected + "\nactual: the refusal with " + code + ", and no message 2",
                    List.of("HY-VEC-036"));
        }
        String first = run.delivered.get(0);
        JsonNode initiator = v.path("initiator");
        try {
            SelectionReader.Reply reply = SelectionReader.read(Sut.bytes(initiator.path("staticPrivateKey")),
                    Sut.bytes(initiator.path("ephemeralPrivateKey")), Sut.bytes(first), Sut.bytes(run.error.message()));
            if (reply.error() != code) {
                throw new Counterexamples.Failure(law + input(v) + expected + "\nactual: message 2 " + run.error.message() + ", whose "
                        + "Selection " + (reply.error() == 0 ? "selects a version" : "reports " + reply.error()), List.of("HY-VEC-036"));
            }
            if (reply.otherFields()) {
                // HY-HS-006, HY-HS-017: an error Selection holds the error alone.
                throw new Counterexamples.Failure(law + input(v) + expected + "\nactual: message 2 " + run.error.message() + ", whose "
                        + "Selection also holds a version, capabilities, a certificate or a max_frame_size", List.of("HY-VEC-036"));
            }
        } catch (ProtocolException e) {
            throw new Counterexamples.Failure(law + input(v) + expected + "\nactual: message 2 " + run.error.message() + ", which the "
                    + "case's initiator cannot read: " + e.getMessage(), List.of("HY-VEC-036"));
        }
        if (!run.written.get(0).equals(first)) {
            return;
        }
        Response r = Sut.supported(Sut.handshakeRead(run.initiator, Sut.bytes(run.error.message())), "handshakeRead");
        int ends = Negotiation.initiatorEndsWith(code);
        if (!r.isError() || r.code() != ends || r.message() != null) {
            throw new Counterexamples.Failure("an initiator that reads a reported refusal ends the handshake with the code that "
                    + "HY-HS-007 makes of it, and sends nothing (HY-VEC-036)\ninput: the responder's message 2 " + run.error.message()
                    + ", which reports " + code + ", after message 1 " + first + "\nexpected: a refusal with " + ends
                    + " and no message\nactual: " + r.describe(), List.of("HY-VEC-036"));
        }
    }
}
