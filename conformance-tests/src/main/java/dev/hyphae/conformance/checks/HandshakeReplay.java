package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.conformance.Response;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.Unsupported;
import dev.hyphae.conformance.model.ForgedResponder;
import dev.hyphae.conformance.model.Transcript;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How the runner plays the handshake of a {@code handshake} or {@code framing} case with the adapter on both sides, and
 * the stream of a {@code framing} case: each message goes to its receiver as the case's {@code delivered} member says
 * (HY-VEC-046), a forged message 2 is made in answer to the message 1 that the initiator actually wrote (HY-VEC-047),
 * and the frames are encrypted under the keys of the transcript that the two sides actually exchanged (HY-VEC-048). So
 * an implementation that lays out its handshake payloads otherwise than the vector's producer gets the same judgement
 * as one that copies the producer's bytes. A case without those members is played as the vector recorded it, which
 * asks those bytes of both sides (HY-VEC-037, HY-VEC-045); a framing case with {@code delivered} but without
 * {@code frames} asks them too, for its recorded stream (HY-VEC-051).
 */
final class HandshakeReplay {

    private HandshakeReplay() {
    }

    /** What a replayed handshake did. */
    static final class Run {
        /** The message that each side wrote, in order. */
        final List<String> written = new ArrayList<>();
        /** The message that each receiver read, in order. */
        final List<String> delivered = new ArrayList<>();
        String initiator;
        String responder;
        JsonNode initiatorOutcome;
        JsonNode responderOutcome;
        /** The refusal, with the message that the refusing side sent, if it sent one. */
        Response error;
        String failingSide;
        int atMessage;
    }

    /** Whether the case says how each message is delivered, so that the runner asks the bytes of its producer of nobody. */
    static boolean live(JsonNode v) {
        return v.path("delivered").isArray();
    }

    /**
     * Plays a case's handshake with the adapter on both sides. With {@code relayOwn}, each side reads the message that the
     * other side wrote; otherwise each reads what the case's {@code delivered} says, or, in a case without it, the
     * vector's message where the vector gives one.
     */
    static Run replay(JsonNode v, boolean relayOwn) {
        Run run = new Run();
        JsonNode started = Sut.result(Sut.handshakeStart("initiator", v.path("initiator")), "handshakeStart of the initiator");
        run.initiator = started.path("handshake").asText();
        run.written.add(started.path("message").asText());
        run.responder = Sut.result(Sut.handshakeStart("responder", v.path("responder")), "handshakeStart of the responder")
                .path("handshake").asText();
        JsonNode messages = v.path("messages");
        JsonNode plan = v.path("delivered");
        for (int k = 0; k < 3; k++) {
            String receiver = k % 2 == 0 ? "responder" : "initiator";
            String delivered;
            if (relayOwn || !live(v)) {
                if (k >= run.written.size() && k >= messages.size()) {
                    break;
                }
                delivered = (relayOwn || k >= messages.size()) && k < run.written.size() ? run.written.get(k) : messages.get(k).asText();
            } else {
                if (k >= plan.size()) {
                    break;
                }
                delivered = deliver(v, plan.get(k), k, run);
            }
            run.delivered.add(delivered);
            Response r = Sut.supported(Sut.handshakeRead(receiver.equals("responder") ? run.responder : run.initiator,
                    Sut.bytes(delivered)), "handshakeRead");
            if (!r.isResult()) {
                // A refusal stops the replay at the side whose check failed (HY-VEC-026); a message it sent with the
                // refusal (HY-HS-006) is judged by the caller, not delivered as if the handshake went on.
                run.error = r;
                run.failingSide = receiver;
                run.atMessage = k + 1;
                return run;
            }
            JsonNode result = r.result();
            if (result.hasNonNull("message")) {
                run.written.add(result.path("message").asText());
            }
            if (result.path("complete").asBoolean()) {
                if (receiver.equals("initiator")) {
                    run.initiatorOutcome = result.path("outcome");
                } else {
                    run.responderOutcome = result.path("outcome");
                }
            }
        }
        if (run.initiatorOutcome == null || run.responderOutcome == null) {
            throw new AssertionError("the handshake neither completed nor failed: messages written " + run.written);
        }
        return run;
    }

    /** HY-VEC-046, HY-VEC-047: the message {@code k} (from 0) that its receiver reads, as {@code how} describes it. */
    private static String deliver(JsonNode v, JsonNode how, int k, Run run) {
        String writer = k % 2 == 0 ? "initiator" : "responder";
        if (how.asText().equals("written") || how.has("truncatedBy")) {
            if (k >= run.written.size()) {
                throw new AssertionError("the " + writer + " wrote no message " + (k + 1) + " to deliver; messages written " + run.written);
            }
            byte[] own = Sut.bytes(run.written.get(k));
            int cut = how.path("truncatedBy").asInt(0);
            return Sut.hex(Arrays.copyOf(own, Math.max(0, own.length - cut)));
        }
        if (how.asText().equals("recorded")) {
            return v.path("messages").get(k).asText();
        }
        JsonNode reply = how.path("reply");
        if (k == 1 && reply.isObject()) {
            JsonNode responder = v.path("responder");
            try {
                return Sut.hex(ForgedResponder.reply(Sut.bytes(responder.path("staticPrivateKey")),
                        Sut.bytes(responder.path("ephemeralPrivateKey")), Sut.bytes(run.written.get(0)), reply.path("protocol").asText(),
                        reply.path("zeroEphemeral").asBoolean(), Sut.bytes(reply.path("payload"))));
            } catch (java.security.GeneralSecurityException | dev.hyphae.noise.NoiseException | RuntimeException e) {
                throw new AssertionError("the initiator's message 1 " + run.written.get(0) + " cannot be answered with the forged "
                        + "message 2 of the case, " + reply + ": " + e.getMessage(), e);
            }
        }
        throw new Unsupported("message " + (k + 1) + " is delivered as " + how + ", which this runner does not implement");
    }

    /** HY-VEC-027: after the handshake, the responder's channel delivers the expected messages, then refuses with the error. */
    static void framing(JsonNode v) {
        Run run = replay(v, false);
        if (run.error != null) {
            if (!live(v)) {
                // HY-VEC-045: the recorded stream is encrypted under the keys of the recorded transcript; a side that wrote
                // other bytes than the vector's message made its peer read a recorded message that answers another one.
                JsonNode messages = v.path("messages");
                for (int k = 0; k < Math.min(messages.size(), run.written.size()); k++) {
                    if (!messages.get(k).asText().equals(run.written.get(k))) {
                        throw new AssertionError("not judgeable: message " + (k + 1) + " that the " + (k % 2 == 0 ? "initiator" : "responder")
                                + " wrote, " + run.written.get(k) + ", differs in its bytes from the vector's, under whose transcript the "
                                + "stream is encrypted (HY-VEC-045); then the " + run.failingSide + " refused message " + run.atMessage
                                + " with " + run.error.describe());
                    }
                }
            }
            throw new AssertionError("the handshake of the case failed: the " + run.failingSide + " refused message " + run.atMessage
                    + " with " + run.error.describe());
        }
        if (live(v) && !v.has("frames")) {
            recordedTranscript(v, run);
        }
        byte[] stream = v.has("frames") && live(v) ? stream(v, run) : Sut.bytes(v.path("stream"));
        JsonNode r = Sut.result(Sut.channelReceive(run.responder, v.path("receiveFrameSize").asInt(), stream), "channelReceive");
        JsonNode expected = v.path("expectedMessages");
        if (!expected.equals(r.path("messages"))) {
            throw new AssertionError("delivered " + r.path("messages") + ", expected " + expected);
        }
        JsonNode error = r.path("error");
        if (v.has("error")) {
            if (!error.isObject() || error.path("code").asInt() != v.path("error").path("code").asInt()) {
                throw new AssertionError("expected the rest of the stream refused with " + v.path("error") + ", got " + error);
            }
        } else if (error.isObject()) {
            throw new AssertionError("refused a valid stream: " + error);
        }
    }

    /**
     * HY-VEC-051: a case played live without {@code frames} can give the channel only the recorded {@code stream}, which is
     * encrypted under the keys of the recorded transcript; unless the sides exchanged exactly the recorded messages, no
     * channel could read it, and the case judges nothing.
     */
    private static void recordedTranscript(JsonNode v, Run run) {
        JsonNode messages = v.path("messages");
        for (int k = 0; k < Math.max(messages.size(), run.delivered.size()); k++) {
            String recorded = messages.path(k).asText("");
            String exchanged = k < run.delivered.size() ? run.delivered.get(k) : "";
            if (!recorded.equals(exchanged)) {
                throw new AssertionError("not judgeable: the case has no frames, so its recorded stream is encrypted under the "
                        + "keys of the recorded transcript, and message " + (k + 1) + " that the sides exchanged, "
                        + (exchanged.isEmpty() ? "none" : exchanged) + ", differs in its bytes from the vector's, "
                        + (recorded.isEmpty() ? "none" : recorded) + " (HY-VEC-051)");
            }
        }
    }

    /**
     * HY-VEC-048: the case's {@code frames}, encrypted under the initiator's sending key of the transcript that the two
     * sides exchanged, which the runner computes with the case's keys.
     */
    private static byte[] stream(JsonNode v, Run run) {
        List<byte[]> transcript = run.delivered.stream().map(Sut::bytes).toList();
        JsonNode i = v.path("initiator");
        JsonNode r = v.path("responder");
        byte[] key;
        try {
            key = Transcript.sessionKeys(Sut.bytes(i.path("staticPrivateKey")), Sut.bytes(i.path("ephemeralPrivateKey")),
                    Sut.bytes(r.path("staticPrivateKey")), Sut.bytes(r.path("ephemeralPrivateKey")), transcript)[0];
        } catch (IllegalArgumentException e) {
            throw new AssertionError("the handshake completed, but its messages " + run.delivered + " are not a handshake of the case's "
                    + "keys: " + e.getMessage());
        }
        return Transcript.frames(v.path("frames"), key);
    }
}
