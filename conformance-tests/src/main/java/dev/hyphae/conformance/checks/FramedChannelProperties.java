package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.ShareOfTries;
import dev.hyphae.conformance.SuiteSettingsHook;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.model.HandshakeSide;
import dev.hyphae.framing.FramedChannel;
import dev.hyphae.framing.FramingLimits;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Generated properties of the Handshake profile for the framed channel after a handshake: the adapter's channel, as a
 * receiver, delivers what the model's channel sent, and refuses what an attacker changed as the model's channel does.
 * The suite is the sender here, so the sender's rules of framing are the vectors' and the Peer profile's to check.
 */
@Checks(Profile.HANDSHAKE)
@AddLifecycleHook(SuiteSettingsHook.class)
class FramedChannelProperties {

    private static final HexFormat HEX = HexFormat.of();

    /** Where a handshake between two sides that the reference implementation plays stops, or null when it completes. */
    record Stop(String side, int at, ErrorCode code) {
    }

    private static Stop modelRun(HandshakeSide i, HandshakeSide r, HyphaeHandshake.Result[] results) {
        HyphaeHandshake.Initiator initiator = i.initiator();
        HyphaeHandshake.Responder responder = r.responder();
        byte[] third;
        try {
            byte[] second = responder.onOffer(initiator.start());
            try {
                third = initiator.onSelection(second);
            } catch (ProtocolException e) {
                return new Stop("initiator", 2, e.code());
            }
        } catch (ProtocolException e) {
            return new Stop("responder", 1, e.code());
        }
        try {
            responder.onConfirmation(third);
        } catch (ProtocolException e) {
            return new Stop("responder", 3, e.code());
        }
        results[0] = initiator.result();
        results[1] = responder.result();
        return null;
    }

    @Provide
    Arbitrary<List<byte[]>> messages() {
        return Arbitraries.integers().between(0, 3000).flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n))
                .list().ofMinSize(1).ofMaxSize(4);
    }

    /**
     * An intact stream: after a handshake, the adapter's channel delivers every message that the model's channel sent, whole
     * and in order, whatever the sizes of its frames, and refuses nothing. It shares the tries of the property that once
     * checked intact and damaged streams together; a damaged stream has more ways to go wrong, so it takes two thirds.
     */
    @Property
    @ShareOfTries(3)
    @Requirement("HY-FRAME-015")
    void aFramedChannelDeliversEveryMessageSent(@ForAll("messages") List<byte[]> messages,
                                               @ForAll @IntRange(min = 1024, max = 4096) int frameSize) throws Exception {
        Received r = receive(messages, frameSize, -1);
        r.expect("a receiver reassembles each message from the fragments of its frames, in the order they arrive, up to the frame "
                + "that sets FIN, whatever the sizes of the fragments");
    }

    /**
     * A stream with one bit flipped: the adapter's channel delivers the messages before the damage, nothing of the message
     * that the damaged frame belongs to, and refuses the frame with the code of the first step of HY-FRAME-019 whose
     * condition holds, as the model's channel does. The three rules stand or fall together: which message is delivered
     * and which code ends the channel both follow from where the frame's processing stops.
     */
    @Property
    @ShareOfTries(value = 3, parts = 2)
    @Requirement({"HY-FRAME-016", "HY-FRAME-019", "HY-FRAME-020"})
    void aDamagedFrameIsRefusedAndNothingOfItsMessageDelivered(@ForAll("messages") List<byte[]> messages,
                                                               @ForAll @IntRange(min = 1024, max = 4096) int frameSize,
                                                               @ForAll @IntRange(min = 0, max = 1 << 20) int flipAt) throws Exception {
        Received r = receive(messages, frameSize, flipAt);
        r.expect("a receiver delivers no part of a message before it has authenticated the frame that sets FIN, refuses a frame "
                + "with the error of the first step of its processing whose condition holds, and then delivers nothing of the "
                + "message it was reassembling");
    }

    /** What the adapter's channel and the model's delivered from one stream, and how each ended. */
    private record Received(String input, List<String> want, ErrorCode wantError, List<String> got, JsonNode error) {

        void expect(String law) {
            String expected = "messages " + abbreviate(want) + ", " + (wantError == null ? "no refusal" : "then a refusal with "
                    + wantError.value() + " " + wantError);
            String actual = "messages " + abbreviate(got) + ", " + (error.isObject() ? "then the refusal " + error : "no refusal");
            boolean refusalAgrees = wantError == null ? !error.isObject() : error.isObject() && error.path("code").asInt() == wantError.value();
            if (!got.equals(want) || !refusalAgrees) {
                throw new AssertionError(law + "\ninput: " + input + "\nexpected: " + expected + "\nactual: " + actual);
            }
        }
    }

    /**
     * Completes a handshake with the adapter as responder, sends {@code messages} on the model's channel in frames of
     * {@code frameSize}, flips bit 0x01 of byte {@code flipAt} of the stream unless it is negative, and gives the stream to
     * the adapter's channel and to a model channel with the same keys.
     */
    private static Received receive(List<byte[]> messages, int frameSize, int flipAt) throws Exception {
        Sut.requireProfile(Profile.HANDSHAKE);
        HandshakeSide[] sides = HandshakeSide.pair();
        Exchange x = Exchange.adapterResponds(sides[0], sides[1], Exchange.FAITHFUL);
        if (x.adapterOutcome == null) {
            throw new AssertionError("the handshake did not complete:\n" + x.describe());
        }
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        FramedChannel sender = new FramedChannel(new ByteArrayInputStream(new byte[0]), stream, x.modelResult.sender(),
                x.modelResult.receiver(), frameSize, frameSize);
        for (byte[] m : messages) {
            sender.send(m);
        }
        byte[] bytes = stream.toByteArray();
        int flipped = flipAt < 0 ? -1 : flipAt % bytes.length;
        if (flipped >= 0) {
            bytes[flipped] ^= 0x01;
        }
        // The model's responder, from a handshake of the same fixed keys, has the adapter's keys if the adapter conforms.
        HyphaeHandshake.Result[] model = new HyphaeHandshake.Result[2];
        if (modelRun(sides[0], sides[1], model) != null) {
            throw new IllegalStateException("the model's own handshake failed");
        }
        FramedChannel receiver = new FramedChannel(new ByteArrayInputStream(bytes), new ByteArrayOutputStream(), model[1].sender(),
                model[1].receiver(), FramingLimits.MAX_FRAME_SIZE, frameSize);
        List<String> want = new ArrayList<>();
        ErrorCode wantError = null;
        while (true) {
            try {
                want.add(HEX.formatHex(receiver.receive()));
            } catch (java.io.EOFException end) {
                break;
            } catch (ProtocolException e) {
                wantError = e.code();
                break;
            }
        }
        JsonNode r = Sut.result(Sut.channelReceive(x.handle, frameSize, bytes), "channelReceive");
        List<String> got = new ArrayList<>();
        r.path("messages").forEach(m -> got.add(m.asText()));
        String input = messages.size() + " messages sent in frames of at most " + frameSize + " bytes"
                + (flipped < 0 ? "" : ", bit 0x01 of byte " + flipped + " flipped") + ", stream " + HEX.formatHex(bytes);
        return new Received(input, want, wantError, got, r.path("error"));
    }

    private static String abbreviate(List<String> hex) {
        return hex.stream().map(h -> h.length() > 40 ? h.substring(0, 40) + "...(" + h.length() / 2 + " bytes)" : h).toList().toString();
    }
}
