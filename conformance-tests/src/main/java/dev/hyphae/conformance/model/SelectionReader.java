package dev.hyphae.conformance.model;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.codec.BufferVerifier;
import dev.hyphae.codec.Schema;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.noise.HandshakeState;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.noise.NoiseException;
import dev.hyphae.noise.NoiseSuite;
import hyphae.v1.HandshakePayload;

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

    /** What message 2 held: the {@code error} of its {@code Selection}, 0 for a Selection without one. */
    public record Reply(int error) {
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
        ByteBuffer buffer = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        BufferVerifier v = new BufferVerifier(buffer, ErrorCode.MALFORMED_MESSAGE);
        int root = v.root("HYH1", Schema.HandshakePayload.FIELDS);
        int selection = v.tableField(root, Schema.HandshakePayload.SELECTION);
        if (selection == 0 || v.tableField(root, Schema.HandshakePayload.OFFER) != 0
                || v.tableField(root, Schema.HandshakePayload.CONFIRMATION) != 0) {
            throw ProtocolException.sessionError(ErrorCode.MALFORMED_MESSAGE, "message 2 does not carry a Selection alone");
        }
        v.scalar(selection, Schema.Selection.ERROR);
        return new Reply(HandshakePayload.getRootAsHandshakePayload(buffer).selection().error());
    }
}
