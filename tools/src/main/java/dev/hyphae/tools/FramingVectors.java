package dev.hyphae.tools;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.framing.FramedChannel;
import dev.hyphae.framing.FramingLimits;
import dev.hyphae.tools.HandshakeVectors.Run;
import dev.hyphae.tools.HandshakeVectors.Side;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The vectors of the area {@code framing}: after a handshake of fixed keys ({@link HandshakeVectors}), the responder
 * receives a stream of frames on its framed channel and delivers the messages or refuses the stream as stated.
 */
final class FramingVectors {

    private static final HexFormat HEX = HexFormat.of();

    private FramingVectors() {
    }

    /** Writes the vectors of the area {@code framing}. */
    static void generate(VectorWriter out) throws Exception {
        Side[] p = HandshakeVectors.pair();
        Run run = HandshakeVectors.run(p[0], p[1], null);
        int size = FramingLimits.MIN_FRAME_SIZE;
        byte[] message = new byte[2500];
        for (int i = 0; i < message.length; i++) {
            message[i] = (byte) i;
        }
        byte[] stream = frames(p, size, message);
        framingCase(out, "framing_message_across_three_frames", "A 2500-byte message in 1024-byte frames: three fragments, FIN on the last.",
                p, run, size, stream, List.of(message), null, "HY-FRAME-002", "HY-FRAME-012", "HY-FRAME-015");

        byte[] one = frames(p, size, new byte[] {1, 2, 3});
        framingCase(out, "framing_replayed_frame", "The same frame twice: the second fails to authenticate under the next nonce.",
                p, run, size, concat(one, one), List.of(new byte[] {1, 2, 3}), ErrorCode.FRAME_AUTHENTICATION_FAILED, "HY-FRAME-010", "HY-FRAME-019",
                "HY-FRAME-023");

        byte[] two = frames(p, size, new byte[] {1}, new byte[] {2});
        int half = two.length / 2;
        framingCase(out, "framing_reordered_frames", "Two frames delivered in the opposite order.", p, run, size,
                concat(Arrays.copyOfRange(two, half, two.length), Arrays.copyOf(two, half)), List.of(), ErrorCode.FRAME_AUTHENTICATION_FAILED,
                "HY-FRAME-010", "HY-FRAME-019", "HY-FRAME-023");

        byte[] big = frames(p, 4096, new byte[3000]);
        framingCase(out, "framing_frame_larger_than_announced", "A 3017-byte frame to a receiver whose maximum is 1024.", p, run, size,
                big, List.of(), ErrorCode.FRAME_TOO_LARGE, "HY-FRAME-003", "HY-FRAME-019");

        byte[] flipped = frames(p, size, new byte[] {9, 9, 9});
        flipped[flipped.length - 1] ^= 0x40;
        framingCase(out, "framing_tag_bit_flipped", "One bit of a frame's authentication tag flipped.", p, run, size, flipped,
                List.of(), ErrorCode.FRAME_AUTHENTICATION_FAILED, "HY-FRAME-016", "HY-FRAME-019", "HY-FRAME-020", "HY-FRAME-023");
    }

    /** The bytes the initiator's framed channel writes for {@code messages}, from a fresh handshake of {@code p}. */
    private static byte[] frames(Side[] p, int frameSize, byte[]... messages) throws Exception {
        Run run = HandshakeVectors.run(p[0], p[1], null);
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

    private static void framingCase(VectorWriter out, String id, String description, Side[] p, Run run, int receiveFrameSize,
                                    byte[] stream, List<byte[]> messages, ErrorCode error, String... requirements) throws Exception {
        String problem = receive(p, receiveFrameSize, stream, messages, error);
        if (problem != null) {
            throw new IllegalStateException(id + ": " + problem);
        }
        Map<String, Object> v = HandshakeVectors.setup(out, "framing", id, error == null ? "valid" : "invalid", description, p, requirements);
        v.put("operation", "framing");
        v.put("messages", run.written().stream().map(HEX::formatHex).toList());
        v.put("receiveFrameSize", receiveFrameSize);
        v.put("stream", HEX.formatHex(stream));
        v.put("expectedMessages", messages.stream().map(HEX::formatHex).toList());
        if (error != null) {
            v.put("error", Map.of("code", error.value(), "name", error.name()));
        }
        out.write("framing", error == null ? "valid" : "invalid", id, v);
    }

    /** Replays a framing case at the responder; null when it behaves as stated, else what went wrong. */
    static String receive(Side[] p, int receiveFrameSize, byte[] stream, List<byte[]> messages, ErrorCode error) throws Exception {
        Run run = HandshakeVectors.run(p[0], p[1], null);
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
