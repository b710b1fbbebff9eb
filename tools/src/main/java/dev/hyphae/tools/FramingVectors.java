package dev.hyphae.tools;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.conformance.model.Transcript;
import dev.hyphae.framing.FramedChannel;
import dev.hyphae.framing.FramingLimits;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The framing vectors: after the handshake of two sides of fixed keys ({@link HandshakeVectors}), the
 * responder's framed channel receives {@code stream}, delivers {@code expectedMessages} and, in an invalid case,
 * refuses the rest with {@code error}. {@code stream} is encrypted under the keys of the recorded transcript, and
 * {@code frames} describes it frame by frame, so that a runner can encrypt it again under the keys of the handshake
 * that it actually ran (HY-VEC-048). Every case is replayed against the reference implementation before it is
 * written, and its {@code frames} must make its {@code stream}.
 */
final class FramingVectors {

    private static final HexFormat HEX = HexFormat.of();

    private FramingVectors() {
    }

    /** Generates the framing vectors into {@code out}. */
    static void generate(VectorWriter out) throws Exception {
        HandshakeVectors.Side[] p = HandshakeVectors.pair();
        HandshakeVectors.Run run = HandshakeVectors.run(p[0], p[1], null);
        int size = FramingLimits.MIN_FRAME_SIZE;
        byte[] message = new byte[2500];
        for (int i = 0; i < message.length; i++) {
            message[i] = (byte) i;
        }
        byte[] stream = frames(p, size, message);
        List<Map<String, Object>> three = sealed(p, stream);
        framingCase(out, "framing_message_across_three_frames", "A 2500-byte message in 1024-byte frames: three fragments, FIN on the last.",
                p, run, size, stream, three, List.of(message), null, "HY-FRAME-002", "HY-FRAME-012", "HY-FRAME-015");

        byte[] one = frames(p, size, new byte[] {1, 2, 3});
        Map<String, Object> first = sealed(p, one).get(0);
        framingCase(out, "framing_replayed_frame", "The same frame twice: the second fails to authenticate under the next nonce.",
                p, run, size, concat(one, one), List.of(first, first), List.of(new byte[] {1, 2, 3}), ErrorCode.FRAME_AUTHENTICATION_FAILED,
                "HY-FRAME-010", "HY-FRAME-019", "HY-FRAME-023");

        byte[] two = frames(p, size, new byte[] {1}, new byte[] {2});
        int half = two.length / 2;
        List<Map<String, Object>> pair = sealed(p, two);
        framingCase(out, "framing_reordered_frames", "Two frames delivered in the opposite order.", p, run, size,
                concat(Arrays.copyOfRange(two, half, two.length), Arrays.copyOf(two, half)), List.of(pair.get(1), pair.get(0)), List.of(),
                ErrorCode.FRAME_AUTHENTICATION_FAILED, "HY-FRAME-010", "HY-FRAME-019", "HY-FRAME-023");

        byte[] big = frames(p, 4096, new byte[3000]);
        framingCase(out, "framing_frame_larger_than_announced", "A 3017-byte frame to a receiver whose maximum is 1024.", p, run, size,
                big, sealed(p, big), List.of(), ErrorCode.FRAME_TOO_LARGE, "HY-FRAME-003", "HY-FRAME-019");

        byte[] flipped = frames(p, size, new byte[] {9, 9, 9});
        Map<String, Object> tagFlipped = new LinkedHashMap<>(sealed(p, flipped).get(0));
        tagFlipped.put("xorAt", flipped.length - 1);
        tagFlipped.put("xorMask", 0x40);
        flipped[flipped.length - 1] ^= 0x40;
        framingCase(out, "framing_tag_bit_flipped", "One bit of a frame's authentication tag flipped.", p, run, size, flipped,
                List.of(tagFlipped), List.of(), ErrorCode.FRAME_AUTHENTICATION_FAILED, "HY-FRAME-023", "HY-FRAME-016");

        // BAD_FRAME: a frame or stream that breaks the chapter, refused by a step of HY-FRAME-019 other than step 5,
        // and so never with FRAME_AUTHENTICATION_FAILED (HY-FRAME-023). The two forged frames authenticate.
        byte[] shortFrame = new byte[2 + FramingLimits.FRAME_OVERHEAD - 1];
        shortFrame[1] = (byte) (FramingLimits.FRAME_OVERHEAD - 1);
        framingCase(out, "framing_frame_shorter_than_overhead", "A frame of 16 bytes, one less than FRAME_OVERHEAD: step 3 refuses it.",
                p, run, size, shortFrame, List.of(Map.of("raw", HEX.formatHex(shortFrame))), List.of(), ErrorCode.BAD_FRAME,
                "HY-FRAME-019", "HY-FRAME-023");

        byte[] unknownFlag = {(byte) 0x81, 7};
        framingCase(out, "framing_unknown_flag", "A frame that authenticates but sets the flag 0x80 beside FIN: step 7 refuses it.",
                p, run, size, forged(p, unknownFlag), List.of(frame(0, unknownFlag)), List.of(), ErrorCode.BAD_FRAME, "HY-FRAME-004",
                "HY-FRAME-019", "HY-FRAME-023");

        framingCase(out, "framing_empty_fragment_without_fin", "A frame that authenticates and carries an empty fragment without FIN.",
                p, run, size, forged(p, new byte[] {0}), List.of(frame(0, new byte[] {0})), List.of(), ErrorCode.BAD_FRAME, "HY-FRAME-019",
                "HY-FRAME-021", "HY-FRAME-023");

        byte[] whole = frames(p, size, new byte[] {1, 2, 3});
        List<Map<String, Object>> wholeFrames = sealed(p, whole);
        framingCase(out, "framing_stream_ends_inside_length", "The stream ends after the first byte of a frame's Length field.",
                p, run, size, Arrays.copyOf(whole, 1), cut(p, wholeFrames, 1), List.of(), ErrorCode.BAD_FRAME, "HY-FRAME-019",
                "HY-FRAME-022", "HY-FRAME-023");

        framingCase(out, "framing_stream_ends_inside_frame", "The stream ends one byte before the end of a frame's Ciphertext.",
                p, run, size, Arrays.copyOf(whole, whole.length - 1), cut(p, wholeFrames, whole.length - 1), List.of(), ErrorCode.BAD_FRAME,
                "HY-FRAME-019", "HY-FRAME-022", "HY-FRAME-023");

        framingCase(out, "framing_stream_ends_inside_message", "The stream ends after the first of the three frames of a message.",
                p, run, size, Arrays.copyOf(stream, 2 + size), cut(p, three, 2 + size), List.of(), ErrorCode.BAD_FRAME, "HY-FRAME-019",
                "HY-FRAME-022", "HY-FRAME-023");
    }

    /** A member of a case's {@code frames}: the frame that carries {@code plaintext}, sealed with the nonce {@code nonce}. */
    private static Map<String, Object> frame(long nonce, byte[] plaintext) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("nonce", nonce);
        f.put("plaintext", HEX.formatHex(plaintext));
        return f;
    }

    /**
     * The {@code frames} of a stream of whole frames that an initiator's channel wrote after a fresh handshake of
     * {@code p}: each frame's plaintext, read back with the responder's receiving key, and its nonce, counted from 0.
     */
    private static List<Map<String, Object>> sealed(HandshakeVectors.Side[] p, byte[] stream) throws Exception {
        HandshakeVectors.Run run = HandshakeVectors.run(p[0], p[1], null);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int at = 0; at < stream.length; ) {
            int length = (stream[at] & 0xff) << 8 | stream[at + 1] & 0xff;
            byte[] plaintext = run.responder().receiver().decryptWithAd(new byte[0], Arrays.copyOfRange(stream, at + 2, at + 2 + length));
            out.add(frame(out.size(), plaintext));
            at += 2 + length;
        }
        return out;
    }

    /** The first {@code length} bytes of the stream of {@code frames}: the frames before the cut, the one it falls in kept in part. */
    private static List<Map<String, Object>> cut(HandshakeVectors.Side[] p, List<Map<String, Object>> frames, int length) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        int at = 0;
        for (Map<String, Object> f : frames) {
            int size = stream(p, List.of(f)).length;
            if (at + size <= length) {
                out.add(f);
            } else if (at < length) {
                Map<String, Object> part = new LinkedHashMap<>(f);
                part.put("keep", length - at);
                out.add(part);
            }
            at += size;
        }
        return out;
    }

    /** The stream that {@code frames} describe, under the keys of the handshake of {@code p}: what a runner builds (HY-VEC-048). */
    private static byte[] stream(HandshakeVectors.Side[] p, List<Map<String, Object>> frames) throws Exception {
        HandshakeVectors.Run run = HandshakeVectors.run(p[0], p[1], null);
        byte[] key = Transcript.sessionKeys(p[0].staticPrivate, p[0].ephemeralPrivate, p[1].staticPrivate, p[1].ephemeralPrivate,
                run.written())[0];
        return Transcript.frames(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(frames), key);
    }

    /**
     * One frame of {@code plaintext} (Flags, then Fragment) encrypted with the initiator's first sending nonce
     * after a fresh handshake of {@code p}: it authenticates, though a sender that follows the chapter never
     * writes it.
     */
    private static byte[] forged(HandshakeVectors.Side[] p, byte[] plaintext) throws Exception {
        HandshakeVectors.Run run = HandshakeVectors.run(p[0], p[1], null);
        byte[] ciphertext = run.initiator().sender().encryptWithAd(new byte[0], plaintext);
        byte[] frame = new byte[2 + ciphertext.length];
        frame[0] = (byte) (ciphertext.length >>> 8);
        frame[1] = (byte) ciphertext.length;
        System.arraycopy(ciphertext, 0, frame, 2, ciphertext.length);
        return frame;
    }

    /** The bytes the initiator's framed channel writes for {@code messages}, from a fresh handshake of {@code p}. */
    private static byte[] frames(HandshakeVectors.Side[] p, int frameSize, byte[]... messages) throws Exception {
        HandshakeVectors.Run run = HandshakeVectors.run(p[0], p[1], null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FramedChannel channel = new FramedChannel(new ByteArrayInputStream(new byte[0]), bytes, run.initiator().sender(),
                run.initiator().receiver(), frameSize, frameSize);
        for (byte[] m : messages) {
            channel.send(m);
        }
        return bytes.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void framingCase(VectorWriter out, String id, String description, HandshakeVectors.Side[] p, HandshakeVectors.Run run,
                                    int receiveFrameSize, byte[] stream, List<Map<String, Object>> frames, List<byte[]> messages, ErrorCode error,
                                    String... requirements) throws Exception {
        String problem = receive(p, receiveFrameSize, stream, messages, error);
        if (problem != null) {
            throw new IllegalStateException(id + ": " + problem);
        }
        if (!Arrays.equals(stream, stream(p, frames))) {
            throw new IllegalStateException(id + ": the frames " + frames + " do not make the stream");
        }
        Map<String, Object> v = HandshakeVectors.setup(out, "framing", id, error == null ? "valid" : "invalid", description, p, requirements);
        v.put("operation", "framing");
        v.put("messages", run.written().stream().map(HEX::formatHex).toList());
        v.put("delivered", List.of(HandshakeVectors.WRITTEN, HandshakeVectors.WRITTEN, HandshakeVectors.WRITTEN));
        v.put("receiveFrameSize", receiveFrameSize);
        v.put("stream", HEX.formatHex(stream));
        v.put("frames", frames);
        v.put("expectedMessages", messages.stream().map(HEX::formatHex).toList());
        if (error != null) {
            v.put("error", Map.of("code", error.value(), "name", error.name()));
        }
        out.write("framing", error == null ? "valid" : "invalid", id, v);
    }

    /** Replays a framing case at the responder; null when it behaves as stated, else what went wrong. */
    static String receive(HandshakeVectors.Side[] p, int receiveFrameSize, byte[] stream, List<byte[]> messages, ErrorCode error) throws Exception {
        HandshakeVectors.Run run = HandshakeVectors.run(p[0], p[1], null);
        FramedChannel channel = new FramedChannel(new ByteArrayInputStream(stream), new ByteArrayOutputStream(),
                run.responder().sender(), run.responder().receiver(), FramingLimits.MAX_FRAME_SIZE, receiveFrameSize);
        for (byte[] expected : messages) {
            byte[] got;
            try {
                got = channel.receive();
            } catch (ProtocolException e) {
                return "refused a message it should deliver: " + e.getMessage();
            }
            if (!Arrays.equals(expected, got)) {
                return "delivered " + HEX.formatHex(got);
            }
        }
        if (error == null) {
            return null;
        }
        try {
            channel.receive();
            return "accepted what it should refuse with " + error;
        } catch (ProtocolException e) {
            return e.code() == error ? null : "refused with " + e.code() + ", not " + error;
        }
    }
}
