package dev.hyphae.codec;

import dev.hyphae.ProtocolException;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.data.Limits;
import dev.hyphae.data.ReplicaId;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;

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
 * <p>A payload can also take the compact form ({@link #encodeCompact}, {@link #decodeCompact}): a row-oriented byte
 * string for small deltas, whose dots name their replicas by index into a replica table supplied beside it, such as
 * the replica table of a session's direction.
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
     * <p>Every refusal to encode is a {@link PayloadNotEncodableException}, unchecked, of one of the two kinds
     * below; a caller that can send something else catches that type.
     *
     * @throws PayloadTooLargeException       if the encoding would break a limit of {@link Limits} or
     *                                        {@link EncodingLimits} (HY-DATA-043, HY-ENC-050)
     * @throws SeveralOpaqueVersionsException if a value of unknown type holds several versions (HY-ENC-051;
     *                                        forward the payloads that carried them instead)
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
     * @throws PayloadNotEncodableException as {@link #encode(Payload)}
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

    /**
     * Encodes a state or delta in the compact form, naming replicas by their index in {@code replicas}. The form is
     * canonical: one state and one table give one byte string.
     *
     * @return the bytes, or empty if the compact form cannot represent the state: it holds a value of a CRDT type
     *         outside version 1, or a dot or context entry of a replica that {@code replicas} lacks (HY-ENC-062);
     *         the sender then uses {@link #encode(Payload)}
     * @throws PayloadTooLargeException if the encoding would break a limit (HY-ENC-063)
     * @throws IllegalArgumentException if {@code replicas} is not a replica table: an id twice, or more than
     *                                  {@code MAX_REPLICAS} ids
     */
    public static Optional<byte[]> encodeCompact(CausalState<? extends Crdt> state, List<ReplicaId> replicas) {
        checkTable(replicas);
        Optional<byte[]> bytes = CompactEncoder.encode(state, replicas);
        if (bytes.isPresent()) {
            // As for the columnar form: the encoder's own output passes every check a receiver makes, limits included.
            try {
                CompactDecoder.decode(bytes.get(), replicas);
            } catch (ProtocolException e) {
                throw new PayloadTooLargeException(bytes.get().length, e);
            }
        }
        return bytes;
    }

    /**
     * Decodes untrusted bytes in the compact form, whose replica indexes refer to {@code replicas}.
     *
     * @throws ProtocolException        with code {@code MALFORMED_DELTA} for every input that is not the compact
     *                                  form of a state under {@code replicas}
     * @throws IllegalArgumentException if {@code replicas} is not a replica table, which is the caller's fault
     */
    public static CausalState<Crdt> decodeCompact(byte[] bytes, List<ReplicaId> replicas) throws ProtocolException {
        checkTable(replicas);
        try {
            return CompactDecoder.decode(bytes, replicas);
        } catch (ProtocolException e) {
            throw e;
        } catch (RuntimeException e) {
            // Defence in depth, as in decode(byte[]).
            throw Malformed.decode("unexpected %s: %s", e.getClass().getSimpleName(), e.getMessage());
        }
    }

    private static void checkTable(List<ReplicaId> replicas) {
        if (replicas.size() > Limits.MAX_REPLICAS || new HashSet<>(replicas).size() != replicas.size()) {
            throw new IllegalArgumentException("a replica table holds at most MAX_REPLICAS distinct replica ids");
        }
    }
}
