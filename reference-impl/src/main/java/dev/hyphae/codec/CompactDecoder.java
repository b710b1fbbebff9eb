package dev.hyphae.codec;

import dev.hyphae.ProtocolException;
import dev.hyphae.crdt.AWSet;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.EWFlag;
import dev.hyphae.crdt.EntryKey;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.MVRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.PNCounter;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.Limits;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads a payload in the compact form (specification, "Encoding", section "Compact form") in two phases: its size,
 * against {@code MAX_PAYLOAD_SIZE}, then one pass that decodes and checks every item as it is read. The form is
 * canonical, and this decoder refuses every other encoding of a state: a varint that is not minimal, entries out
 * of order, a shared length that is not the longest common prefix, a context run that is not maximal. Every count
 * and length is compared with its limit and with the bytes left before anything is allocated for it; every
 * refusal is {@code MALFORMED_DELTA}; nothing is returned before the whole input is read.
 */
final class CompactDecoder {

    private final Packed.Reader in;
    private final List<ReplicaId> replicas;
    private final DecodingLimits limits = new DecodingLimits();
    private final TreeSet<Dot> storeDots = new TreeSet<>();
    /** The replica of the last dot or context run read, {@code null} before the first. */
    private ReplicaId replicaCursor;
    /** The counter cursor, {@code null} until the first counter is read. */
    private Long counterCursor;
    /** The timestamp cursor, {@code null} until the first timestamp is read. */
    private Long timestampCursor;

    private CompactDecoder(byte[] bytes, List<ReplicaId> replicas) {
        this.in = new Packed.Reader(ByteBuffer.wrap(bytes), 0, bytes.length, "compact payload");
        this.replicas = replicas;
    }

    static CausalState<Crdt> decode(byte[] bytes, List<ReplicaId> replicas) throws ProtocolException {
        if (bytes.length > Limits.MAX_PAYLOAD_SIZE) {
            throw Malformed.frame("a payload of %d bytes exceeds MAX_PAYLOAD_SIZE", bytes.length);
        }
        CompactDecoder decoder = new CompactDecoder(bytes, replicas);
        CrdtType type = decoder.type();
        Crdt store = decoder.store(type, 1);
        CausalContext context = decoder.context();
        decoder.in.expectEnd();
        PayloadDecoding.checkDotsOnce(store);
        return new CausalState<>(store, context);
    }

    /** A CRDT type id, which must be one of version 1: other types have no compact form (HY-ENC-064). */
    private CrdtType type() throws ProtocolException {
        int id = in.varint(0xFFFF, "CRDT type id");
        CrdtType type = CrdtType.of(id);
        if (type == null) {
            throw Malformed.decode("CRDT type id %d has no compact form", id);
        }
        return type;
    }

    /** A store of {@code type}; {@code depth} is 1 for the root store and one more under each map entry. */
    private Crdt store(CrdtType type, int depth) throws ProtocolException {
        if (type == CrdtType.OR_MAP && depth > Limits.MAX_NESTING_DEPTH) {
            throw Malformed.decode("maps nest deeper than MAX_NESTING_DEPTH");
        }
        int count = in.varint(Limits.MAX_ELEMENTS, "count of entries");
        if (count == 0 && depth > 1) {
            throw Malformed.decode("an empty store under a map entry");
        }
        limits.elements(count);
        return switch (type) {
            case GCOUNTER -> {
                TreeMap<Dot, Long> counts = new TreeMap<>();
                for (int i = 0; i < count; i++) {
                    counts.put(entryDot(counts.isEmpty() ? null : counts.lastKey()), in.varint());
                }
                yield GCounter.of(counts);
            }
            case PNCOUNTER -> {
                TreeMap<Dot, PNCounter.Totals> totals = new TreeMap<>();
                for (int i = 0; i < count; i++) {
                    Dot dot = entryDot(totals.isEmpty() ? null : totals.lastKey());
                    totals.put(dot, new PNCounter.Totals(in.varint(), in.varint()));
                }
                yield PNCounter.of(totals);
            }
            case LWW_REGISTER -> {
                TreeMap<Dot, LWWRegister.Write> writes = new TreeMap<>();
                for (int i = 0; i < count; i++) {
                    Dot dot = entryDot(writes.isEmpty() ? null : writes.lastKey());
                    long timestamp = timestamp();
                    writes.put(dot, new LWWRegister.Write(timestamp, value(null, false)));
                }
                yield LWWRegister.of(writes);
            }
            case MV_REGISTER -> {
                TreeMap<Dot, Value> values = new TreeMap<>();
                for (int i = 0; i < count; i++) {
                    Dot dot = entryDot(values.isEmpty() ? null : values.lastKey());
                    values.put(dot, value(null, false));
                }
                yield MVRegister.of(values);
            }
            case EW_FLAG -> {
                TreeSet<Dot> dots = new TreeSet<>();
                for (int i = 0; i < count; i++) {
                    dots.add(entryDot(dots.isEmpty() ? null : dots.last()));
                }
                yield EWFlag.of(dots);
            }
            case AW_SET -> {
                TreeMap<Value, TreeSet<Dot>> elements = new TreeMap<>();
                for (int i = 0; i < count; i++) {
                    Value previous = elements.isEmpty() ? null : elements.lastKey();
                    Value element = value(previous, false);
                    if (previous != null && previous.compareTo(element) >= 0) {
                        throw Malformed.decode("AWSet elements are not in ascending value order");
                    }
                    int dotCount = in.varint(Limits.MAX_ELEMENTS, "dot count");
                    if (dotCount == 0) {
                        throw Malformed.decode("an AWSet element without dots");
                    }
                    limits.elements(dotCount);
                    TreeSet<Dot> dots = new TreeSet<>();
                    for (int j = 0; j < dotCount; j++) {
                        dots.add(entryDot(dots.isEmpty() ? null : dots.last()));
                    }
                    elements.put(element, dots);
                }
                yield AWSet.of(elements);
            }
            case OR_MAP -> {
                TreeMap<EntryKey, Crdt> entries = new TreeMap<>();
                for (int i = 0; i < count; i++) {
                    EntryKey previous = entries.isEmpty() ? null : entries.lastKey();
                    Value key = value(previous == null ? null : previous.key(), true);
                    CrdtType valueType = type();
                    EntryKey entryKey = new EntryKey(key, valueType.id());
                    if (previous != null && previous.compareTo(entryKey) >= 0) {
                        throw Malformed.decode("ORMap entries are not in ascending order of entry key");
                    }
                    entries.put(entryKey, store(valueType, depth + 1));
                }
                yield ORMap.of(entries);
            }
        };
    }

    /** A Dot of a store, which must follow {@code previous}, the dot before it in the same dot set or function. */
    private Dot entryDot(Dot previous) throws ProtocolException {
        ReplicaId replica = replica(in.varint());
        long counter = counter();
        if (counter == 0) {
            throw Malformed.decode("a dot with counter 0");
        }
        counterCursor = counter;
        replicaCursor = replica;
        Dot dot = new Dot(replica, counter);
        if (previous != null && previous.compareTo(dot) >= 0) {
            throw Malformed.decode("dots of a store are not in ascending dot order");
        }
        storeDots.add(dot);
        return dot;
    }

    /** A counter: the first of the payload as its value, each later one as the difference from the cursor, mod 2^64. */
    private long counter() throws ProtocolException {
        return counterCursor == null ? in.varint() : counterCursor + in.zigzag();
    }

    private ReplicaId replica(long index) throws ProtocolException {
        if (Long.compareUnsigned(index, replicas.size()) >= 0) {
            throw Malformed.decode("replica index %s is past the replica table of %d entries",
                    Long.toUnsignedString(index), replicas.size());
        }
        return replicas.get((int) index);
    }

    /**
     * A Timestamp: the first of the payload as its millisecond part, within 48 bits, and its logical part, within 16;
     * each later one as the difference from the timestamp cursor, modulo 2^64, which any value can be.
     */
    private long timestamp() throws ProtocolException {
        long timestamp;
        if (timestampCursor == null) {
            long milliseconds = in.varint();
            if (Long.compareUnsigned(milliseconds, (1L << 48) - 1) > 0) {
                throw Malformed.decode("a millisecond part beyond 48 bits");
            }
            timestamp = milliseconds << 16 | in.varint(0xFFFF, "logical part");
        } else {
            timestamp = timestampCursor + in.zigzag();
        }
        timestampCursor = timestamp;
        return timestamp;
    }

    /**
     * A Value; {@code previous} is the value before it in its front-coded sequence (the keys of a map or the elements
     * of a set), {@code null} for the first and for register values.
     */
    private Value value(Value previous, boolean key) throws ProtocolException {
        long head = in.varint();
        int kind = (int) (head & 7);
        long suffix = head >>> 3;
        if (kind > ValueKinds.BYTES) {
            throw Malformed.decode("value kind %d", kind);
        }
        if (key && kind != ValueKinds.INT64 && kind != ValueKinds.STRING && kind != ValueKinds.BYTES) {
            throw Malformed.decode("a map key of kind %d", kind);
        }
        if (kind < ValueKinds.STRING && suffix != 0) {
            throw Malformed.decode("a value of kind %d with a length", kind);
        }
        return switch (kind) {
            case ValueKinds.NULL -> Value.ofNull();
            case ValueKinds.FALSE -> Value.of(false);
            case ValueKinds.TRUE -> Value.of(true);
            case ValueKinds.INT64 -> Value.of(in.zigzag());
            case ValueKinds.FLOAT64 -> new Value.Float64(in.fixed64());
            default -> string(kind, suffix, previous);
        };
    }

    private Value string(int kind, long suffix, Value previous) throws ProtocolException {
        int limit = kind == ValueKinds.STRING ? Limits.MAX_STRING_LENGTH : Limits.MAX_BYTES_LENGTH;
        byte[] before = previous != null && ValueKinds.wireKind(previous) == kind ? CompactEncoder.stringBytes(previous) : null;
        int shared = before == null ? 0 : in.varint(before.length, "shared length");
        if (suffix > limit - shared) {
            throw Malformed.decode("a value of more than %d bytes", limit);
        }
        if (!in.hasBytes(suffix)) {
            throw Malformed.decode("a value runs past the end of the payload");
        }
        limits.decodedBytes(shared + (int) suffix);
        byte[] bytes = new byte[shared + (int) suffix];
        if (before != null) {
            System.arraycopy(before, 0, bytes, 0, shared);
        }
        in.bytes(bytes, shared, (int) suffix);
        if (before != null && CompactEncoder.sharedPrefix(before, bytes) != shared) {
            throw Malformed.decode("a shared length that is not the longest common prefix");
        }
        if (kind == ValueKinds.BYTES) {
            return Value.of(bytes);
        }
        Value.Str string = Value.Str.fromUtf8(bytes);
        if (string == null) {
            throw Malformed.decode("a string that is not well-formed UTF-8");
        }
        return string;
    }

    /** The replica of a context run: R = 0 names the replica cursor, R = i + 1 the replica of index i, another one. */
    private ReplicaId runReplica(long r) throws ProtocolException {
        if (r == 0) {
            if (replicaCursor == null) {
                throw Malformed.decode("a context run names the replica before it, and there is none");
            }
            return replicaCursor;
        }
        ReplicaId replica = replica(r - 1);
        if (replica.equals(replicaCursor)) {
            throw Malformed.decode("a context run names the replica before it by its index");
        }
        return replica;
    }

    /** The context runs, checked in ascending dot order, maximal and disjoint from the store; then the context. */
    private CausalContext context() throws ProtocolException {
        int count = in.varint(Limits.MAX_ELEMENTS, "count of context runs");
        List<ContextRuns.Run> runs = new ArrayList<>();
        ContextRuns.Run before = null;
        for (int i = 0; i < count; i++) {
            long field = in.varint();
            ReplicaId replica = runReplica(field >>> 1);
            long first = counter();
            long length = 1;
            if ((field & 1) == 1) {
                length = in.varint();
                if (Long.compareUnsigned(length, 2) < 0) {
                    throw Malformed.decode("a context run with a Length of %d", length);
                }
            }
            if (first == 0 || Long.compareUnsigned(length - 1, -1L - first) > 0) {
                throw Malformed.decode("a context run from counter 0 or past 2^64-1");
            }
            ContextRuns.Run run = new ContextRuns.Run(replica, first, first + length - 1);
            if (before != null && (before.replica().compareTo(replica) > 0 || before.replica().equals(replica)
                    && (before.last() == -1L || Long.compareUnsigned(first, before.last() + 1) <= 0))) {
                throw Malformed.decode("context runs out of order, overlapping or not maximal");
            }
            Dot stored = storeDots.ceiling(new Dot(replica, first));
            if (stored != null && stored.replica().equals(replica) && Long.compareUnsigned(stored.counter(), run.last()) <= 0) {
                throw Malformed.decode("a context run holds %s, a dot of the store", stored);
            }
            counterCursor = run.last();
            replicaCursor = replica;
            runs.add(run);
            before = run;
        }
        return ContextRuns.context(runs, storeDots, limits);
    }
}
