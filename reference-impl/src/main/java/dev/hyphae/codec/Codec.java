package dev.hyphae.codec;

import dev.hyphae.ProtocolException;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.data.Limits;
import dev.hyphae.data.ReplicaId;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;

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
     * Encodes a payload. The replica table starts with {@code payload.replicaTable()}, or with the longer table that
     * carried one of its opaque versions, so that values of unknown type stay valid (HY-ENC-053).
     *
     * <p>Every refusal to encode is a {@link PayloadNotEncodableException}, unchecked, of one of the kinds
     * below; a caller that can send something else catches that type.
     *
     * @throws PayloadTooLargeException       if the encoding would break a limit of {@link Limits} or
     *                                        {@link EncodingLimits} (HY-DATA-043, HY-ENC-050)
     * @throws SeveralOpaqueVersionsException if a value of unknown type holds several versions (HY-ENC-051;
     *                                        forward the payloads that carried them instead)
     * @throws ConflictingReplicaTablesException if opaque versions came under replica tables that are not a prefix
     *                                        one of the other (HY-ENC-053; forward the payloads that carried them)
     * @throws IllegalArgumentException       if a store of a known type holds a dot that the context lacks, which
     *                                        no valid state does (HY-DATA-019): a defect, not a refusal
     */
    public static byte[] encode(Payload payload) {
        return checked(PayloadEncoder.encode(payload, null), payload, null);
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
     * Encodes a state or delta in session form (HY-ENC-055): without a replica table of its own, naming each replica
     * by its index in {@code table}, the session replica table of the direction the payload is sent in, which
     * already holds every replica that the state names (HY-ENC-059). Such bytes mean something only to a receiver
     * that holds the same table; outside a session a payload carries its own table.
     *
     * @throws IllegalArgumentException      if {@code table} lacks a replica that the state names, or holds one
     *                                       twice, or the state holds a value of a type this version does not
     *                                       define (its data may name replicas by index in the table of the
     *                                       payload that carried it: it travels in that payload, HY-ENC-053)
     * @throws PayloadNotEncodableException as {@link #encode(Payload)}
     */
    public static byte[] encode(CausalState<? extends Crdt> state, List<ReplicaId> table) {
        return encode(state, ExternalTables.ofReplicas(table));
    }

    /**
     * Encodes a state or delta in session form, as {@link #encode(CausalState, List)}, against both session tables of
     * the direction the payload is sent in: each ORMap batch whose keys {@code tables.keys()} all holds names them by
     * their index in it ({@code key_indexes}, HY-ENC-106), its entries in the order of those indexes; the other
     * batches carry their keys.
     *
     * @throws IllegalArgumentException     as {@link #encode(CausalState, List)}
     * @throws PayloadNotEncodableException as {@link #encode(Payload)}
     */
    public static byte[] encode(CausalState<? extends Crdt> state, ExternalTables tables) {
        if (PayloadDecoding.holdsUnknownType(state.store())) {
            throw new IllegalArgumentException("a value of unknown type travels in the payload that carried it");
        }
        Payload payload = Payload.of(state);
        return checked(PayloadEncoder.encode(payload, tables), payload, tables);
    }

    /** The replica ids that {@code state} names, in ascending order: those a table must hold to encode it. */
    public static SortedSet<ReplicaId> replicas(CausalState<? extends Crdt> state) {
        return Collections.unmodifiableSortedSet(PayloadEncoder.named(state));
    }

    /**
     * The bytes to store or forward of {@code bytes}, a payload that a Delta carried and that decoded as
     * {@code decoded}: {@code bytes} themselves when they carry their own replica table, which keeps them byte for
     * byte (HY-VER-017); otherwise {@code decoded} encoded with a table of its own (HY-SESS-074, HY-ENC-058), for outside the
     * session its indexes mean nothing.
     *
     * @throws PayloadNotEncodableException if the payload with its own table would break a limit
     */
    public static byte[] selfContained(byte[] bytes, Payload decoded) {
        // The bytes decoded, so they are verified: reading whether the field is present is safe.
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (hyphae.v1.Payload.getRootAsPayload(buffer).replicasAsByteBuffer() != null) {
            return bytes;
        }
        return encode(decoded);
    }

    private static byte[] checked(byte[] bytes, Payload payload, ExternalTables table) {
        // HY-DATA-043: an encoder never produces what a decoder must refuse. A payload far within every limit, which
        // is every delta of a write and nearly every interval, is accepted by construction (PayloadBounds counts what
        // depends on its size and how it was made; the rest the encoder and the immutable types rule out, and the
        // codec's property tests hold them to it). Near a limit the count is not exact enough, and the encoder makes
        // sure the simplest way: it decodes its own output, which checks every limit exactly as a receiver will.
        if (bytes.length <= Limits.MAX_PAYLOAD_SIZE && PayloadBounds.certainlyWithin(payload)) {
            return bytes;
        }
        try {
            PayloadDecoder.decode(bytes, table);
        } catch (ProtocolException e) {
            if (!PayloadBounds.coversItsDots(payload)) {
                // Not a refusal to send (PayloadNotEncodableException), which a caller answers by sending less: a
                // defect of whatever made the state, as the IllegalArgumentException of any other invalid argument.
                throw new IllegalArgumentException("a store holds a dot that the context lacks (HY-DATA-019)", e);
            }
            throw new PayloadTooLargeException(bytes.length, e);
        }
        return bytes;
    }

    /**
     * Decodes untrusted bytes.
     *
     * @throws ProtocolException with code {@code MALFORMED_DELTA} for every input that is not a valid payload
     */
    public static Payload decode(byte[] bytes) throws ProtocolException {
        return decode(bytes, (ExternalTables) null);
    }

    /**
     * Decodes untrusted bytes that a session Delta carried: a payload without a replica table of its own names
     * replicas by their index in {@code table}, the session replica table of the Delta's direction, as it stands
     * once the Delta's own declarations are appended (HY-ENC-055, HY-SESS-063); one with its own table uses that.
     * An index past the table is refused as one past a payload's own table (HY-ENC-056).
     *
     * <p>The {@link Payload#replicaTable()} of a payload decoded against {@code table} is empty, so that it is
     * stored and forwarded with a table of its own, unless it holds a value of unknown type, whose data may name
     * replicas by index: then it is {@code table}, which re-encoding keeps as the prefix of its own (HY-ENC-053).
     *
     * @param table the session replica table, or null outside a session (as {@link #decode(byte[])})
     * @throws ProtocolException with code {@code MALFORMED_DELTA} for every input that is not a valid payload
     */
    public static Payload decode(byte[] bytes, List<ReplicaId> table) throws ProtocolException {
        return decode(bytes, table == null ? null : ExternalTables.ofReplicas(table));
    }

    /**
     * Decodes untrusted bytes that a session Delta carried, as {@link #decode(byte[], List)}, against both session
     * tables of the Delta's direction: the {@code key_indexes} of an ORMap batch of a payload in session form name keys
     * of {@code tables.keys()} (HY-ENC-102); an index past it is refused (HY-ENC-103), and so is {@code key_indexes}
     * in a payload with its own replica table, or read without tables (HY-ENC-100). The keys of the decoded payload
     * are the keys themselves: stored or forwarded, it is encoded with them (HY-ENC-107).
     *
     * @param tables the session tables, or null outside a session (as {@link #decode(byte[])})
     * @throws ProtocolException with code {@code MALFORMED_DELTA} for every input that is not a valid payload
     */
    public static Payload decode(byte[] bytes, ExternalTables tables) throws ProtocolException {
        try {
            return PayloadDecoder.decode(bytes, tables);
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
