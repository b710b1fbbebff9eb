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
import dev.hyphae.crdt.UnknownCrdt;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.Limits;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import hyphae.v1.Batch;
import hyphae.v1.Context;
import hyphae.v1.Values;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decodes a payload in phases (specification, "Encoding", section "Decoding"): check the size; verify the
 * whole FlatBuffers structure with {@link BufferVerifier}; only then read it with the generated accessors,
 * decoding the packed columns and checking the data model's rules. Every refusal is a
 * {@link ProtocolException} with code {@code MALFORMED_DELTA}; memory is allocated only for counts already
 * checked against the limits, and for bytes present in the payload.
 */
final class PayloadDecoder {

    // The number of fields the schema declares in each table; a vtable's later entries are never read.
    private static final int PAYLOAD_FIELDS = 3;
    private static final int CONTEXT_FIELDS = 2;
    private static final int BATCH_FIELDS = 12;
    private static final int OPAQUE_FIELDS = 1;
    private static final int VALUES_FIELDS = 5;

    private final ByteBuffer buffer;
    private final BufferVerifier verifier;
    private List<ReplicaId> replicas;
    private long elements;
    private long decodedBytes;

    private PayloadDecoder(byte[] bytes) {
        this.buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        this.verifier = new BufferVerifier(buffer, dev.hyphae.ErrorCode.MALFORMED_DELTA);
    }

    static Payload decode(byte[] bytes) throws ProtocolException {
        if (bytes.length > Limits.MAX_PAYLOAD_SIZE) {
            throw Malformed.frame("a payload of %d bytes exceeds MAX_PAYLOAD_SIZE", bytes.length);
        }
        return new PayloadDecoder(bytes).read();
    }

    private Payload read() throws ProtocolException {
        int root = verifier.root(Codec.FILE_IDENTIFIER, PAYLOAD_FIELDS);
        verifyPayload(root);

        hyphae.v1.Payload payload = hyphae.v1.Payload.getRootAsPayload(buffer);
        replicas = readReplicas(payload.replicasAsByteBuffer());
        CausalContext context = readContext(payload.context());
        Crdt store = readBatch(payload.root(), 1, 1, -1).get(0);
        checkCovered(store, context);
        return new Payload(replicas, new CausalState<>(store, context));
    }

    // ---- phase 1: structure --------------------------------------------------------------------------

    private void verifyPayload(int payload) throws ProtocolException {
        verifier.vector(payload, 0, 1, Limits.MAX_REPLICAS * ReplicaId.LENGTH);
        int context = verifier.tableField(payload, 1, CONTEXT_FIELDS);
        if (context != 0) {
            verifier.vector(context, 0, 1, Limits.MAX_PAYLOAD_SIZE);
            verifier.vector(context, 1, 1, Limits.MAX_PAYLOAD_SIZE);
        }
        int root = verifier.tableField(payload, 2, BATCH_FIELDS);
        if (root == 0) {
            throw Malformed.verify("the payload has no root value");
        }
        verifyBatch(root, 1);
    }

    private void verifyBatch(int batch, int depth) throws ProtocolException {
        // Maps nest at most MAX_NESTING_DEPTH deep; the values of the deepest maps sit one level below.
        if (depth > Limits.MAX_NESTING_DEPTH + 1) {
            throw Malformed.verify("values nest deeper than MAX_NESTING_DEPTH");
        }
        verifier.scalar(batch, 0, 2);
        verifier.scalar(batch, 1, 4);
        for (int id : new int[] {2, 3, 4, 5, 6, 7, 9}) {
            verifier.vector(batch, id, 1, Limits.MAX_PAYLOAD_SIZE);
        }
        int values = verifier.tableField(batch, 8, VALUES_FIELDS);
        if (values != 0) {
            for (int id : new int[] {0, 1, 3, 4}) {
                verifier.vector(values, id, 1, Limits.MAX_PAYLOAD_SIZE);
            }
            verifier.vector(values, 2, 8, Limits.MAX_ELEMENTS);
        }
        int children = verifier.vector(batch, 10, 4, Limits.MAX_ELEMENTS);
        if (children != 0) {
            for (int i = 0; i < verifier.vectorLength(children); i++) {
                verifyBatch(verifier.tableElement(children, i, BATCH_FIELDS), depth + 1);
            }
        }
        int opaque = verifier.vector(batch, 11, 4, Limits.MAX_ELEMENTS);
        if (opaque != 0) {
            for (int i = 0; i < verifier.vectorLength(opaque); i++) {
                verifier.vector(verifier.tableElement(opaque, i, OPAQUE_FIELDS), 0, 1, Limits.MAX_PAYLOAD_SIZE);
            }
        }
    }

    // ---- phase 2: contents ---------------------------------------------------------------------------

    private void budget(long more) throws ProtocolException {
        elements += more;
        if (elements > Limits.MAX_ELEMENTS) {
            throw Malformed.decode("the payload holds more than MAX_ELEMENTS elements");
        }
    }

    private static Packed.Reader reader(ByteBuffer slice, String column) {
        return slice == null ? Packed.Reader.empty(ByteBuffer.allocate(0), column)
                : new Packed.Reader(slice, slice.position(), slice.remaining(), column);
    }

    private static List<ReplicaId> readReplicas(ByteBuffer slice) throws ProtocolException {
        if (slice == null) {
            return List.of();
        }
        int length = slice.remaining();
        if (length % ReplicaId.LENGTH != 0) {
            throw Malformed.decode("the replica table holds %d bytes, not a multiple of 16", length);
        }
        List<ReplicaId> table = new ArrayList<>(length / ReplicaId.LENGTH);
        Set<ReplicaId> seen = new HashSet<>();
        byte[] id = new byte[ReplicaId.LENGTH];
        for (int at = slice.position(); at < slice.limit(); at += ReplicaId.LENGTH) {
            slice.get(at, id);
            if (ReplicaId.isZero(id, 0)) {
                throw Malformed.decode("the replica table holds the reserved all-zero replica id");
            }
            ReplicaId replica = ReplicaId.of(id);
            if (!seen.add(replica)) {
                throw Malformed.decode("the replica table holds %s twice", replica);
            }
            table.add(replica);
        }
        return table;
    }

    private ReplicaId replica(Packed.Reader column) throws ProtocolException {
        if (replicas.isEmpty()) {
            throw Malformed.decode("a replica index with an empty replica table");
        }
        return replicas.get(column.varint(replicas.size() - 1, "replica index"));
    }

    private CausalContext readContext(Context context) throws ProtocolException {
        TreeMap<ReplicaId, Long> vector = new TreeMap<>();
        TreeSet<Dot> cloud = new TreeSet<>();
        if (context != null) {
            Packed.Reader vv = reader(context.versionVectorAsByteBuffer(), "version_vector");
            ReplicaId previous = null;
            while (!vv.atEnd()) {
                budget(1);
                ReplicaId replica = replica(vv);
                long counter = vv.varint();
                if (counter == 0) {
                    throw Malformed.decode("version_vector holds a counter of 0");
                }
                if (previous != null && previous.compareTo(replica) >= 0) {
                    throw Malformed.decode("version_vector is not in ascending order of replica id");
                }
                previous = replica;
                vector.put(replica, counter);
            }
            Packed.Reader runs = reader(context.cloudAsByteBuffer(), "cloud");
            long dots = 0;
            Dot last = null;
            while (!runs.atEnd()) {
                ReplicaId replica = replica(runs);
                long first = runs.varint();
                long length = runs.varint();
                if (length == 0 || Long.compareUnsigned(length, Limits.MAX_CLOUD_DOTS) > 0
                        || (dots += length) > Limits.MAX_CLOUD_DOTS) {
                    throw Malformed.decode("cloud holds an empty run, or more than MAX_CLOUD_DOTS dots");
                }
                // Runs are in ascending dot order and maximal: a run never starts where the previous one ended.
                if (first == 0) {
                    throw Malformed.decode("cloud holds a run starting at counter 0");
                }
                if (last != null && (last.compareTo(new Dot(replica, first)) >= 0
                        || (last.replica().equals(replica) && first == last.counter() + 1))) {
                    throw Malformed.decode("cloud runs are out of order or not maximal");
                }
                budget(length);
                addRun(cloud, replica, first, length, "cloud");
                last = new Dot(replica, first + length - 1);
            }
        }
        // HY-DATA-010: the dots themselves must be in canonical form too (none covered by or extending the vector).
        CausalContext canonical = CausalContext.ofCanonical(vector, cloud);
        if (canonical == null) {
            throw Malformed.decode("the causal context is not in canonical form");
        }
        return canonical;
    }

    private static void addRun(TreeSet<Dot> into, ReplicaId replica, long first, long length, String column)
            throws ProtocolException {
        long last = first + length - 1;
        if (first == 0 || Long.compareUnsigned(last, first) < 0) {
            throw Malformed.decode("%s holds a run with counter 0 or past 2^64-1", column);
        }
        for (long i = 0; i < length; i++) {
            if (!into.add(new Dot(replica, first + i))) {
                throw Malformed.decode("%s holds dot %s twice", column, new Dot(replica, first + i));
            }
        }
    }

    /** Per store: its number of entries (or per entry: its number of dots); all 1 when the column is absent. */
    private int[] counts(ByteBuffer slice, int n, int min, String column) throws ProtocolException {
        int[] counts = new int[n];
        if (slice == null) {
            Arrays.fill(counts, 1);
            if (min > 1) {
                throw Malformed.decode("%s is absent where entries need at least %d", column, min);
            }
            return counts;
        }
        Packed.Reader reader = reader(slice, column);
        long total = 0;
        for (int i = 0; i < n; i++) {
            counts[i] = reader.varint(Limits.MAX_ELEMENTS, "count");
            if (counts[i] < min) {
                throw Malformed.decode("%s holds a count of %d where at least %d is required", column, counts[i], min);
            }
            total += counts[i];
            if (total > Limits.MAX_ELEMENTS) {
                throw Malformed.decode("%s adds up to more than MAX_ELEMENTS", column);
            }
        }
        reader.expectEnd();
        return counts;
    }

    private static int sum(int[] counts) {
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        return total;
    }

    private Dot[] readDots(ByteBuffer slice, int n) throws ProtocolException {
        Packed.Reader reader = reader(slice, "dots");
        Dot[] dots = new Dot[n];
        int produced = 0;
        while (produced < n) {
            ReplicaId replica = replica(reader);
            long first = reader.varint();
            int length = reader.varint(n - produced, "run length");
            if (length == 0 || first == 0 || Long.compareUnsigned(first + length - 1, first) < 0) {
                throw Malformed.decode("dots holds an empty run, a counter of 0, or a run past 2^64-1");
            }
            for (int i = 0; i < length; i++) {
                dots[produced++] = new Dot(replica, first + i);
            }
        }
        reader.expectEnd();
        return dots;
    }

    private long[] readVarints(ByteBuffer slice, int n, String column) throws ProtocolException {
        Packed.Reader reader = reader(slice, column);
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = reader.varint();
        }
        reader.expectEnd();
        return values;
    }

    private static void absent(Batch batch, String type, boolean... present) throws ProtocolException {
        // Columns in field-id order 2..11 (sizes is allowed for every type and is not listed here).
        boolean[] has = {
            batch.dotsAsByteBuffer() != null, batch.dotCountsAsByteBuffer() != null, batch.countsAsByteBuffer() != null,
            batch.decrementsAsByteBuffer() != null, batch.timestampsAsByteBuffer() != null, batch.values() != null,
            batch.typesAsByteBuffer() != null, batch.childrenLength() > 0, batch.opaqueLength() > 0};
        String[] names = {"dots", "dot_counts", "counts", "decrements", "timestamps", "values", "types", "children", "opaque"};
        for (int i = 0; i < has.length; i++) {
            if (has[i] && !present[i]) {
                throw Malformed.decode("a %s batch has a %s column", type, names[i]);
            }
        }
    }

    /** The stores of one batch: {@code expectedCount} of them, of {@code expectedType} unless it is -1. */
    private List<Crdt> readBatch(Batch batch, int depth, int expectedCount, int expectedType) throws ProtocolException {
        int typeId = batch.type();
        if (typeId == 0) {
            throw Malformed.decode("CRDT type id 0");
        }
        if (expectedType >= 0 && typeId != expectedType) {
            throw Malformed.decode("a batch of type %d where type %d was announced", typeId, expectedType);
        }
        if (batch.count() != expectedCount) {
            throw Malformed.decode("a batch of %d stores where %d were announced", batch.count(), expectedCount);
        }
        // The root store may be empty; a value in a map never is, since a map drops empty values.
        int[] sizes = counts(batch.sizesAsByteBuffer(), expectedCount, depth == 1 ? 0 : 1, "sizes");
        int total = sum(sizes);
        budget(total);
        CrdtType type = CrdtType.of(typeId);
        if (type == null) {
            return readUnknown(batch, typeId, sizes, total);
        }
        return switch (type) {
            case GCOUNTER -> readCounters(batch, sizes, total, false);
            case PNCOUNTER -> readCounters(batch, sizes, total, true);
            case LWW_REGISTER -> readRegisters(batch, sizes, total, true);
            case MV_REGISTER -> readRegisters(batch, sizes, total, false);
            case EW_FLAG -> readFlags(batch, sizes, total);
            case AW_SET -> readSets(batch, sizes, total);
            case OR_MAP -> readMaps(batch, sizes, total, depth);
        };
    }

    private List<Crdt> readCounters(Batch batch, int[] sizes, int total, boolean pn) throws ProtocolException {
        absent(batch, pn ? "PNCounter" : "GCounter", true, false, true, pn, false, false, false, false, false);
        Dot[] dots = readDots(batch.dotsAsByteBuffer(), total);
        long[] counts = readVarints(batch.countsAsByteBuffer(), total, "counts");
        long[] decrements = pn ? readVarints(batch.decrementsAsByteBuffer(), total, "decrements") : null;
        List<Crdt> stores = new ArrayList<>(sizes.length);
        int e = 0;
        for (int size : sizes) {
            if (pn) {
                TreeMap<Dot, PNCounter.Totals> entries = new TreeMap<>();
                for (int i = 0; i < size; i++, e++) {
                    putOnce(entries, dots[e], new PNCounter.Totals(counts[e], decrements[e]));
                }
                stores.add(PNCounter.of(entries));
            } else {
                TreeMap<Dot, Long> entries = new TreeMap<>();
                for (int i = 0; i < size; i++, e++) {
                    putOnce(entries, dots[e], counts[e]);
                }
                stores.add(GCounter.of(entries));
            }
        }
        return stores;
    }

    private List<Crdt> readRegisters(Batch batch, int[] sizes, int total, boolean lww) throws ProtocolException {
        absent(batch, lww ? "LWWRegister" : "MVRegister", true, false, false, false, lww, true, false, false, false);
        Dot[] dots = readDots(batch.dotsAsByteBuffer(), total);
        Value[] values = readValues(batch.values(), total, false);
        long[] timestamps = new long[total];
        if (lww) {
            Packed.Reader reader = reader(batch.timestampsAsByteBuffer(), "timestamps");
            long previous = 0;
            for (int i = 0; i < total; i++) {
                previous += reader.zigzag();
                timestamps[i] = previous;
            }
            reader.expectEnd();
        }
        List<Crdt> stores = new ArrayList<>(sizes.length);
        int e = 0;
        for (int size : sizes) {
            if (lww) {
                TreeMap<Dot, LWWRegister.Write> entries = new TreeMap<>();
                for (int i = 0; i < size; i++, e++) {
                    putOnce(entries, dots[e], new LWWRegister.Write(timestamps[e], values[e]));
                }
                stores.add(LWWRegister.of(entries));
            } else {
                TreeMap<Dot, Value> entries = new TreeMap<>();
                for (int i = 0; i < size; i++, e++) {
                    putOnce(entries, dots[e], values[e]);
                }
                stores.add(MVRegister.of(entries));
            }
        }
        return stores;
    }

    private List<Crdt> readFlags(Batch batch, int[] sizes, int total) throws ProtocolException {
        absent(batch, "EWFlag", true, false, false, false, false, false, false, false, false);
        Dot[] dots = readDots(batch.dotsAsByteBuffer(), total);
        List<Crdt> stores = new ArrayList<>(sizes.length);
        int e = 0;
        for (int size : sizes) {
            TreeSet<Dot> set = new TreeSet<>();
            for (int i = 0; i < size; i++, e++) {
                if (!set.add(dots[e])) {
                    throw Malformed.decode("an EWFlag holds dot %s twice", dots[e]);
                }
            }
            stores.add(EWFlag.of(set));
        }
        return stores;
    }

    private List<Crdt> readSets(Batch batch, int[] sizes, int total) throws ProtocolException {
        absent(batch, "AWSet", true, true, false, false, false, true, false, false, false);
        Value[] elements = readValues(batch.values(), total, false);
        int[] dotCounts = counts(batch.dotCountsAsByteBuffer(), total, 1, "dot_counts");
        int dotTotal = sum(dotCounts);
        budget(dotTotal);
        Dot[] dots = readDots(batch.dotsAsByteBuffer(), dotTotal);
        List<Crdt> stores = new ArrayList<>(sizes.length);
        int e = 0;
        int d = 0;
        for (int size : sizes) {
            TreeMap<Value, TreeSet<Dot>> entries = new TreeMap<>();
            for (int i = 0; i < size; i++, e++) {
                TreeSet<Dot> set = new TreeSet<>();
                for (int j = 0; j < dotCounts[e]; j++, d++) {
                    if (!set.add(dots[d])) {
                        throw Malformed.decode("an AWSet element holds dot %s twice", dots[d]);
                    }
                }
                if (entries.put(elements[e], set) != null) {
                    throw Malformed.decode("an AWSet holds element %s twice", elements[e]);
                }
            }
            stores.add(AWSet.of(entries));
        }
        return stores;
    }

    private List<Crdt> readMaps(Batch batch, int[] sizes, int total, int depth) throws ProtocolException {
        if (depth > Limits.MAX_NESTING_DEPTH) {
            throw Malformed.decode("maps nest deeper than MAX_NESTING_DEPTH");
        }
        absent(batch, "ORMap", false, false, false, false, false, total > 0, total > 0, total > 0, false);
        Value[] keys = readValues(batch.values(), total, true);
        int[] types = new int[total];
        Packed.Reader runs = reader(batch.typesAsByteBuffer(), "types");
        for (int filled = 0; filled < total; ) {
            int type = runs.varint(0xFFFF, "type id");
            int length = runs.varint(total - filled, "run length");
            if (type == 0 || length == 0) {
                throw Malformed.decode("types holds CRDT type id 0 or an empty run");
            }
            Arrays.fill(types, filled, filled + length, type);
            filled += length;
        }
        runs.expectEnd();

        Map<Integer, Integer> perType = new LinkedHashMap<>();
        for (int type : types) {
            perType.merge(type, 1, Integer::sum);
        }
        if (batch.childrenLength() != perType.size()) {
            throw Malformed.decode("an ORMap batch has %d child batches for %d types", batch.childrenLength(), perType.size());
        }
        Map<Integer, List<Crdt>> values = new LinkedHashMap<>();
        int child = 0;
        for (Map.Entry<Integer, Integer> t : perType.entrySet()) {
            values.put(t.getKey(), readBatch(batch.children(child++), depth + 1, t.getValue(), t.getKey()));
        }
        Map<Integer, Integer> taken = new LinkedHashMap<>();
        List<Crdt> stores = new ArrayList<>(sizes.length);
        int e = 0;
        for (int size : sizes) {
            TreeMap<EntryKey, Crdt> entries = new TreeMap<>();
            for (int i = 0; i < size; i++, e++) {
                int next = taken.merge(types[e], 1, Integer::sum) - 1;
                EntryKey key = new EntryKey(keys[e], types[e]);
                if (entries.put(key, values.get(types[e]).get(next)) != null) {
                    throw Malformed.decode("an ORMap holds key %s with type %d twice", keys[e], types[e]);
                }
            }
            stores.add(ORMap.of(entries));
        }
        return stores;
    }

    private List<Crdt> readUnknown(Batch batch, int typeId, int[] sizes, int total) throws ProtocolException {
        // For a type this version does not define, sizes count each store's dots, and opaque holds its data.
        absent(batch, "type " + typeId, true, false, false, false, false, false, false, false, true);
        if (batch.opaqueLength() != sizes.length) {
            throw Malformed.decode("a batch of unknown type %d has %d opaque values for %d stores",
                    typeId, batch.opaqueLength(), sizes.length);
        }
        Dot[] dots = readDots(batch.dotsAsByteBuffer(), total);
        List<Crdt> stores = new ArrayList<>(sizes.length);
        int e = 0;
        for (int s = 0; s < sizes.length; s++) {
            if (sizes[s] == 0) {
                // Only a root store can be empty (counts() refuses 0 below the root): an empty value, no data.
                ByteBuffer empty = batch.opaque(s).dataAsByteBuffer();
                if (empty != null && empty.hasRemaining()) {
                    throw Malformed.decode("an empty value of unknown type %d has data", typeId);
                }
                stores.add(UnknownCrdt.empty(typeId));
                continue;
            }
            TreeSet<Dot> set = new TreeSet<>();
            for (int i = 0; i < sizes[s]; i++, e++) {
                if (!set.add(dots[e])) {
                    throw Malformed.decode("a value of unknown type holds dot %s twice", dots[e]);
                }
            }
            ByteBuffer data = batch.opaque(s).dataAsByteBuffer();
            decoded(data == null ? 0 : data.remaining());
            byte[] bytes = new byte[data == null ? 0 : data.remaining()];
            if (data != null) {
                data.get(data.position(), bytes);
            }
            stores.add(UnknownCrdt.of(typeId, set, bytes));
        }
        return stores;
    }

    private Value[] readValues(Values column, int n, boolean keysOnly) throws ProtocolException {
        Value[] values = new Value[n];
        if (n == 0) {
            if (column != null) {
                throw Malformed.decode("a values column where no value is expected");
            }
            return values;
        }
        if (column == null) {
            throw Malformed.decode("a values column is missing");
        }
        Packed.Reader kinds = reader(column.kindsAsByteBuffer(), "kinds");
        Packed.Reader ints = reader(column.intsAsByteBuffer(), "ints");
        Packed.Reader strings = reader(column.stringsAsByteBuffer(), "strings");
        Packed.Reader bytes = reader(column.bytesAsByteBuffer(), "bytes");
        ByteBuffer floats = column.floatsAsByteBuffer();
        int floatCount = column.floatsLength();
        int floatsUsed = 0;
        byte[] previousString = new byte[0];
        byte[] previousBytes = new byte[0];
        for (int filled = 0; filled < n; ) {
            int kind = kinds.varint(ValueKinds.BYTES, "kind");
            int length = kinds.varint(n - filled, "run length");
            if (length == 0) {
                throw Malformed.decode("kinds holds an empty run");
            }
            if (keysOnly && kind != ValueKinds.INT64 && kind != ValueKinds.STRING && kind != ValueKinds.BYTES) {
                throw Malformed.decode("a map key of kind %d; keys are int64, string or bytes", kind);
            }
            for (int i = 0; i < length; i++, filled++) {
                values[filled] = switch (kind) {
                    case ValueKinds.NULL -> Value.ofNull();
                    case ValueKinds.FALSE -> Value.of(false);
                    case ValueKinds.TRUE -> Value.of(true);
                    case ValueKinds.INT64 -> Value.of(ints.zigzag());
                    case ValueKinds.FLOAT64 -> {
                        if (floatsUsed >= floatCount) {
                            throw Malformed.decode("floats holds fewer values than kinds announce");
                        }
                        long bits = floats.getLong(floats.position() + 8 * floatsUsed++);
                        yield new Value.Float64(bits);
                    }
                    case ValueKinds.STRING -> {
                        previousString = strings.frontCoded(previousString, Limits.MAX_STRING_LENGTH);
                        decoded(previousString.length);
                        Value.Str s = Value.Str.fromUtf8(previousString);
                        if (s == null) {
                            throw Malformed.decode("a string that is not valid UTF-8");
                        }
                        yield s;
                    }
                    case ValueKinds.BYTES -> {
                        previousBytes = bytes.frontCoded(previousBytes, Limits.MAX_BYTES_LENGTH);
                        decoded(previousBytes.length);
                        yield Value.of(previousBytes);
                    }
                    default -> throw Malformed.decode("unknown value kind %d", kind);
                };
            }
        }
        kinds.expectEnd();
        ints.expectEnd();
        strings.expectEnd();
        bytes.expectEnd();
        if (floatsUsed != floatCount) {
            throw Malformed.decode("floats holds %d values, kinds announce %d", floatCount, floatsUsed);
        }
        return values;
    }

    private void decoded(int length) throws ProtocolException {
        decodedBytes += length;
        if (decodedBytes > EncodingLimits.MAX_DECODED_BYTES) {
            throw Malformed.decode("strings and bytes decode to more than MAX_DECODED_BYTES");
        }
    }

    private static <V> void putOnce(TreeMap<Dot, V> entries, Dot dot, V value) throws ProtocolException {
        if (entries.put(dot, value) != null) {
            throw Malformed.decode("a store holds dot %s twice", dot);
        }
    }

    /** HY-DATA-019: every dot of a store of known type is in the payload's context. */
    private static void checkCovered(Crdt store, CausalContext context) throws ProtocolException {
        if (store instanceof UnknownCrdt) {
            return;
        }
        if (store instanceof ORMap map) {
            for (Crdt value : map.entries().values()) {
                checkCovered(value, context);
            }
            return;
        }
        List<Dot> dots = new ArrayList<>();
        store.forEachDot(dots::add);
        for (Dot dot : dots) {
            if (!context.contains(dot)) {
                throw Malformed.decode("dot %s of the store is not in the causal context", dot);
            }
        }
    }
}
