package dev.hyphae.codec;

import dev.hyphae.ProtocolException;
import dev.hyphae.data.Limits;
import dev.hyphae.data.ReplicaId;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Decodes a payload in the phases of the specification ("Encoding", section "Decoding"), each of which ends
 * before the next begins: <em>size</em>, checked here against {@code MAX_PAYLOAD_SIZE} (HY-ENC-004);
 * <em>verification</em> of the whole FlatBuffers structure, {@link PayloadVerification} (HY-ENC-005); and
 * <em>decoding</em>, {@link PayloadDecoding}, which reads the fields with the generated accessors, decodes the
 * packed columns and checks the data model's rules. The fourth phase, <em>application</em> to a document, is
 * not the codec's. Every refusal is a {@link ProtocolException} with code {@code MALFORMED_DELTA} and the phase
 * that refused it ({@link Malformed}); memory is allocated only for counts already checked against the limits,
 * and for bytes present in the payload.
 */
final class PayloadDecoder {

    private PayloadDecoder() {
    }

    /** Decodes a payload with its own replica table (an absent one has no entries). */
    static Payload decode(byte[] bytes) throws ProtocolException {
        return decode(bytes, (ExternalTables) null);
    }

    /** Decodes a payload against a session replica table alone, as {@link #decode(byte[], ExternalTables)}. */
    static Payload decode(byte[] bytes, List<ReplicaId> external) throws ProtocolException {
        return decode(bytes, external == null ? null : ExternalTables.ofReplicas(external));
    }

    /**
     * @param external the session tables that a payload without a {@code replicas} field of its own names replicas
     *                 and keys in (HY-ENC-055, HY-ENC-102), or null outside a session, where such a payload has no
     *                 replica table entries and no key table
     */
    static Payload decode(byte[] bytes, ExternalTables external) throws ProtocolException {
        // Phase "size".
        if (bytes.length > Limits.MAX_PAYLOAD_SIZE) {
            throw Malformed.frame("a payload of %d bytes exceeds MAX_PAYLOAD_SIZE", bytes.length);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        // Phase "verification": nothing below reads a byte that it has not checked.
        PayloadVerification.verify(buffer);
        // Phase "decoding".
        return PayloadDecoding.decode(hyphae.v1.Payload.getRootAsPayload(buffer), external);
    }
}
