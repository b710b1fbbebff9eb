package dev.hyphae.codec;

import dev.hyphae.ProtocolException;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.data.Limits;

/**
 * Encodes and decodes CRDT payloads, the states and deltas of documents, in the layout of the normative
 * schema {@code spec/schema/payload.fbs} (specification, chapter "Encoding").
 *
 * <pre>
 * +----------------+----------------+-----------------------------------------------+
 * | root (uoffset) | "HYP1"         | Payload { replicas, context, root: Batch }    |
 * +----------------+----------------+-----------------------------------------------+
 *   4 bytes          4 bytes          FlatBuffers tables and vectors, little-endian
 * </pre>
 *
 * <p>Decoding is for untrusted bytes: it verifies the whole buffer before reading it, bounds memory and time
 * by the limits of {@link Limits}, and refuses anything malformed with a {@link ProtocolException} whose
 * code is {@code MALFORMED_DELTA}. It never throws anything else for any input.
 */
public final class Codec {

    /** The FlatBuffers file identifier of a payload. */
    public static final String FILE_IDENTIFIER = "HYP1";

    private Codec() {
    }

    /**
     * Encodes a payload. The replica table starts with {@code payload.replicaTable()}, so that values of
     * unknown type decoded with it stay valid.
     *
     * @throws PayloadTooLargeException if the encoding would break a limit of {@link Limits} or
     *                                   {@link EncodingLimits}
     * @throws IllegalArgumentException  if a value of unknown type holds several versions (forward the payloads
     *                                   that carried them instead)
     */
    public static byte[] encode(Payload payload) {
        byte[] bytes = PayloadEncoder.encode(payload);
        // HY-DATA-043: an encoder never produces what a decoder must refuse. The reference implementation
        // makes sure the simplest way: it decodes its own output, which checks every limit exactly as a
        // receiver will. This roughly triples the cost of encoding; a production encoder counts instead.
        try {
            PayloadDecoder.decode(bytes);
        } catch (ProtocolException e) {
            throw new PayloadTooLargeException(bytes.length, e);
        }
        return bytes;
    }

    /**
     * Encodes a state or delta with a replica table of the encoder's choosing.
     *
     * @throws PayloadTooLargeException if the encoding would break a limit
     */
    public static byte[] encode(CausalState<? extends Crdt> state) {
        return encode(Payload.of(state));
    }

    /**
     * Decodes untrusted bytes.
     *
     * @throws ProtocolException with code {@code MALFORMED_DELTA} for every input that is not a valid payload
     */
    public static Payload decode(byte[] bytes) throws ProtocolException {
        try {
            return PayloadDecoder.decode(bytes);
        } catch (ProtocolException e) {
            throw e;
        } catch (RuntimeException e) {
            // Defence in depth: the verifier is meant to make this unreachable. If it is reached, the input is
            // still refused with a code, and the property tests report it as the bug it is.
            throw Malformed.decode("unexpected %s: %s", e.getClass().getSimpleName(), e.getMessage());
        }
    }
}
