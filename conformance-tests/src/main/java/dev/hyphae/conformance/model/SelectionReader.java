package dev.hyphae.conformance.model;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.noise.HandshakeState;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.noise.NoiseException;
import dev.hyphae.noise.NoiseSuite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The initiator of a handshake case, played by the suite only as far as reading the responder's message 2, to see
 * what a responder that refused message 1 reported (HY-HS-006, HY-VEC-036).
 *
 * <p>It writes message 1 itself, as the bytes it is given: message 1 is the initiator's ephemeral public key followed
 * by the offer in clear, so an initiator with the case's fixed ephemeral key that writes the same offer bytes has
 * the transcript that the responder read, even when the offer is forged. It then decrypts the responder's answer
 * and reads the {@code Selection}, so the judgement needs neither the adapter's initiator nor an encoder that lays
 * out the offer as the vector's producer did.
 */
public final class SelectionReader {

    /**
     * What message 2 held: the {@code error} of its {@code Selection}, 0 for a Selection without one, and whether that
     * Selection holds any field besides {@code error} (a version, capabilities, a certificate or a
     * {@code max_frame_size}), which an error Selection must not (HY-HS-006, HY-HS-017).
     */
    public record Reply(int error, boolean otherFields) {
    }

    private SelectionReader() {
    }

    /**
     * Reads {@code second}, the responder's answer to {@code first}, as the initiator with the given fixed keys.
     *
     * @throws ProtocolException {@code HANDSHAKE_FAILED} when {@code first} does not start with the initiator's
     *                           ephemeral public key or {@code second} does not decrypt under the transcript of
     *                           {@code first}; {@code MALFORMED_MESSAGE} when its payload is not a verified
     *                           {@code Selection}
     */
    public static Reply read(byte[] staticPrivate, byte[] ephemeralPrivate, byte[] first, byte[] second) throws ProtocolException {
        KeyPair ephemeral = KeyPair.fromPrivateKey(ephemeralPrivate);
        if (first.length < KeyPair.LENGTH || !Arrays.equals(Arrays.copyOf(first, KeyPair.LENGTH), ephemeral.publicKey())) {
            throw ProtocolException.sessionError(ErrorCode.HANDSHAKE_FAILED, "message 1 does not carry the initiator's ephemeral key");
        }
        HandshakeState noise = new HandshakeState(NoiseSuite.parse(NoiseSuite.MANDATORY), true, HyphaeHandshake.PROLOGUE,
                KeyPair.fromPrivateKey(staticPrivate), ephemeral, null);
        byte[] payload;
        try {
            noise.writeMessage(Arrays.copyOfRange(first, KeyPair.LENGTH, first.length));
            payload = noise.readMessage(second);
        } catch (NoiseException e) {
            throw ProtocolException.sessionError(ErrorCode.HANDSHAKE_FAILED, e, "%s", e.getMessage());
        } finally {
            noise.destroy();
        }
        return selection(ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN));
    }

    /**
     * The {@code error} of the {@code Selection} that {@code b} holds, read with the bounds checks of the chapter
     * "Encoding", section "Verification", that the path to it needs, from the schema {@code spec/schema/handshake.fbs}
     * alone: the root {@code HandshakePayload} must hold its field {@code selection} (id 1) and neither of the other
     * two, and the {@code Selection}'s {@code error} is its field id 2, a ushort; its other fields are only looked for. The suite reads it on its own, not
     * with the reference implementation's verifier, which is part of what it judges.
     */
    static Reply selection(ByteBuffer b) throws ProtocolException {
        if (b.limit() < 8 || b.get(4) != 'H' || b.get(5) != 'Y' || b.get(6) != 'H' || b.get(7) != '1') {
            throw malformed("a handshake payload starts with a root offset and the file identifier HYH1");
        }
        int root = table(b, Integer.toUnsignedLong(b.getInt(0)));
        if (field(b, root, 0, 4) != 0 || field(b, root, 2, 4) != 0) {
            throw malformed("message 2 carries another payload than a Selection");
        }
        int at = field(b, root, 1, 4);
        if (at == 0) {
            throw malformed("message 2 carries no Selection");
        }
        int selection = table(b, at + Integer.toUnsignedLong(b.getInt(at)));
        int error = field(b, selection, 2, 2);
        // version (id 0) is a struct of two ubytes, capabilities (1) and certificate (3) offsets, max_frame_size (4) a ushort.
        // A field is held by what it reads as, not by whether it is written (HY-HS-018): a max_frame_size written as
        // 0, its default, and an empty capabilities vector hold nothing.
        int frameSize = field(b, selection, 4, 2);
        boolean otherFields = field(b, selection, 0, 1) != 0 || capabilities(b, field(b, selection, 1, 4)) > 0
                || field(b, selection, 3, 4) != 0 || frameSize != 0 && b.getShort(frameSize) != 0;
        return new Reply(error == 0 ? 0 : Short.toUnsignedInt(b.getShort(error)), otherFields);
    }

    /** The table at {@code t}, once its position, vtable and size lie inside the buffer. */
    private static int table(ByteBuffer b, long t) throws ProtocolException {
        if (t % 4 != 0 || t + 4 > b.limit()) {
            throw malformed("a table offset outside the buffer");
        }
        long v = t - b.getInt((int) t);
        if (v < 0 || v % 2 != 0 || v + 4 > b.limit()) {
            throw malformed("a vtable outside the buffer");
        }
        int length = Short.toUnsignedInt(b.getShort((int) v));
        int size = Short.toUnsignedInt(b.getShort((int) v + 2));
        if (length < 4 || length % 2 != 0 || v + length > b.limit() || size < 4 || t + size > b.limit()) {
            throw malformed("a vtable or a table that does not fit the buffer");
        }
        return (int) t;
    }

    /** The length of the vector whose offset field is at {@code at}, 0 when the field is absent. */
    private static long capabilities(ByteBuffer b, int at) throws ProtocolException {
        if (at == 0) {
            return 0;
        }
        long vector = at + Integer.toUnsignedLong(b.getInt(at));
        if (vector % 4 != 0 || vector + 4 > b.limit()) {
            throw malformed("a vector outside the buffer");
        }
        return Integer.toUnsignedLong(b.getInt((int) vector));
    }

    /** The position of field {@code id}, of {@code size} bytes, of table {@code t}, or 0 when it is absent. */
    private static int field(ByteBuffer b, int t, int id, int size) throws ProtocolException {
        int v = t - b.getInt(t);
        int length = Short.toUnsignedInt(b.getShort(v));
        if (4 + 2 * id >= length) {
            return 0;
        }
        int offset = Short.toUnsignedInt(b.getShort(v + 4 + 2 * id));
        if (offset == 0) {
            return 0;
        }
        int tableSize = Short.toUnsignedInt(b.getShort(v + 2));
        if (offset < 4 || offset + size > tableSize || (t + offset) % size != 0) {
            throw malformed("a field outside its table, or misaligned");
        }
        return t + offset;
    }

    private static ProtocolException malformed(String what) {
        return ProtocolException.sessionError(ErrorCode.MALFORMED_MESSAGE, "%s", what);
    }
}
