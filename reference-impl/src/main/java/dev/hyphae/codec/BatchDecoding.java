package dev.hyphae.codec;

import dev.hyphae.ProtocolException;
import dev.hyphae.crdt.AWSet;
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
import dev.hyphae.data.Dot;
import dev.hyphae.data.Limits;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import hyphae.v1.Batch;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decodes the batches of a payload into stores (specification, "Encoding", section "Batches" and its sections per
 * CRDT type): the {@code sizes} of a batch's stores, then the columns its type carries, then, for an ORMap, its
 * child batches, one per type of its values. Part of the decoding phase ({@link PayloadDecoding}): the batches
 * are already verified, and every count is checked against its limit before anything is allocated for it.
 *
 * <p>Over 400 lines: one reading method per CRDT type's columns, in the order of the specification's sections, kept
 * together because they share the one decoding phase's limits and checks.
 */
final class BatchDecoding {

    private final ReplicaTable replicas;
    /** The external key table that {@code key_indexes} name entries of, or null where a payload has none. */
    private final List<Value> keyTable;
    private final DecodingLimits limits;
    /** The number of dots read so far from the {@code dots} columns of every batch. */
    private int dotsRead;

    /**
     * @param keyTable the external key table of a payload in session form, or null for a payload that must name its
     *                 keys itself (outside a session, or with a replica table of its own: HY-ENC-100)
     */
    BatchDecoding(ReplicaTable replicas, List<Value> keyTable, DecodingLimits limits) {
        this.replicas = replicas;
        this.keyTable = keyTable;
        this.limits = limits;
    }

    /** The number of dots that the batches read so far hold, each counted against {@code MAX_ELEMENTS}. */
    int dotsRead() {
        return dotsRead;
    }

    /** The store of the root batch: the payload's value, whose type is the payload's CRDT type. */
    Crdt readRoot(Batch root) throws ProtocolException {
        return readBatch(root, 1, 1, -1).get(0);
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
        int[] sizes = readCounts(batch.sizesAsByteBuffer(), expectedCount, depth == 1 ? 0 : 1, "sizes");
        int total = sum(sizes);
        limits.elements(total);
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
        refuseColumnsNotCarried(batch, total > 0);
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
        refuseColumnsNotCarried(batch, total > 0);
        Dot[] dots = readDots(batch.dotsAsByteBuffer(), total);
        Value[] values = ValuesDecoding.read(batch.values(), total, false, limits);
        long[] timestamps = new long[total];
        if (lww) {
            // HY-ENC-085: repeat-coded zigzag varints, each the difference from the timestamp before (HY-ENC-034).
            Packed.Reader reader = Packed.Reader.of(batch.timestampsAsByteBuffer(), "timestamps");
            long[] differences = reader.repeatCoded(total);
            reader.expectEnd();
            long previous = 0;
            for (int i = 0; i < total; i++) {
                previous += Packed.unzigzag(differences[i]);
                timestamps[i] = previous;
            }
        }
        List<Crdt> stores = new ArrayList<>(sizes.length);
        int e = 0;
        for (int size : sizes) {
            if (lww && size == 1) {
                stores.add(LWWRegister.of(dots[e], new LWWRegister.Write(timestamps[e], values[e])));
                e++;
            } else if (lww) {
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
        refuseColumnsNotCarried(batch, total > 0);
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
        refuseColumnsNotCarried(batch, total > 0);
        Value[] elements = ValuesDecoding.read(batch.values(), total, false, limits);
        int[] dotCounts = readCounts(batch.dotCountsAsByteBuffer(), total, 1, "dot_counts");
        int dotTotal = sum(dotCounts);
        limits.elements(dotTotal);
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
        refuseColumnsNotCarried(batch, total > 0);
        ByteBuffer keyIndexes = batch.keyIndexesAsByteBuffer();
        if (keyIndexes != null && keyTable == null) {
            throw Malformed.decode("key_indexes in a payload that is not read against a session key table");
        }
        if (keyIndexes != null && batch.values() != null) {
            throw Malformed.decode("an ORMap batch with both values and key_indexes");
        }
        int[] indexes = keyIndexes == null ? null : readKeyIndexes(keyIndexes, sizes, total);
        Value[] keys = keyIndexes == null ? ValuesDecoding.read(batch.values(), total, true, limits) : new Value[total];
        int[] types = new int[total];
        Packed.Reader runs = Packed.Reader.of(batch.typesAsByteBuffer(), "types");
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
        if (indexes != null) {
            resolveKeys(indexes, types, sizes, keys);
        }

        // Each entry's child batch: the types in order of first appearance, one child batch each. The types come in
        // runs, so the lookup of an entry's child is made once per run, not once per entry.
        Map<Integer, Integer> childOfType = new LinkedHashMap<>();
        int[] counts = new int[total];   // per child batch: there are at most as many types as entries
        int[] childOf = new int[total];
        for (int i = 0; i < total; i++) {
            int child = i > 0 && types[i] == types[i - 1] ? childOf[i - 1]
                    : childOfType.computeIfAbsent(types[i], t -> childOfType.size());
            childOf[i] = child;
            counts[child]++;
        }
        if (batch.childrenLength() != childOfType.size()) {
            throw Malformed.decode("an ORMap batch has %d child batches for %d types", batch.childrenLength(), childOfType.size());
        }
        List<List<Crdt>> values = new ArrayList<>(childOfType.size());
        for (Map.Entry<Integer, Integer> t : childOfType.entrySet()) {
            int child = t.getValue();
            values.add(readBatch(batch.children(child), depth + 1, counts[child], t.getKey()));
        }
        int[] taken = new int[childOfType.size()];
        List<Crdt> stores = new ArrayList<>(sizes.length);
        int e = 0;
        for (int size : sizes) {
            EntryKey[] keysOf = new EntryKey[size];
            Crdt[] storesOf = new Crdt[size];
            for (int i = 0; i < size; i++, e++) {
                keysOf[i] = new EntryKey(keys[e], types[e]);
                storesOf[i] = values.get(childOf[e]).get(taken[childOf[e]]++);
            }
            stores.add(map(keysOf, storesOf));
        }
        return stores;
    }

    /**
     * One ORMap store from its entries, in any order (HY-ENC-041), refused if they hold an entry key twice (HY-DATA-018).
     * Keys in strictly ascending order, which every encoder writes, hold none twice and are taken as they are; in
     * any other order, a tree finds a repeated key.
     */
    private static ORMap map(EntryKey[] keys, Crdt[] stores) throws ProtocolException {
        ORMap ascending = ORMap.ofAscending(keys, stores);
        if (ascending != null) {
            return ascending;
        }
        TreeMap<EntryKey, Crdt> entries = new TreeMap<>();
        for (int i = 0; i < keys.length; i++) {
            if (entries.put(keys[i], stores[i]) != null) {
                throw Malformed.decode("an ORMap holds key %s with type %d twice", keys[i].key(), keys[i].typeId());
            }
        }
        return ORMap.of(entries);
    }

    /**
     * HY-ENC-102, HY-ENC-103: the key index of each entry, from the items of {@code key_indexes}, each index less than
     * the number of entries of the key table.
     */
    private int[] readKeyIndexes(ByteBuffer column, int[] sizes, int total) throws ProtocolException {
        long[] items = KeyIndexColumn.read(Packed.Reader.of(column, "key_indexes"), total);
        int[] indexes = new int[total];
        int e = 0;
        for (int size : sizes) {
            long previous = 0;
            for (int i = 0; i < size; i++, e++) {
                // Unsigned, and compared before it is added, so that no sum wraps around.
                if (Long.compareUnsigned(items[e], keyTable.size() - previous) >= 0) {
                    throw Malformed.decode("key_indexes names a key past the session key table of %d keys", keyTable.size());
                }
                previous += items[e];
                indexes[e] = (int) previous;
            }
        }
        return indexes;
    }

    /**
     * HY-ENC-104: within a store, entries in ascending order of key index, and of type id under one key index; then
     * the key of each entry, from the key table.
     */
    private void resolveKeys(int[] indexes, int[] types, int[] sizes, Value[] keys) throws ProtocolException {
        int e = 0;
        for (int size : sizes) {
            for (int i = 0; i < size; i++, e++) {
                if (i > 0 && indexes[e] == indexes[e - 1] && types[e] <= types[e - 1]) {
                    throw Malformed.decode("two entries of key index %d whose type ids %d and %d are not ascending",
                            indexes[e], types[e - 1], types[e]);
                }
                keys[e] = keyTable.get(indexes[e]);
            }
        }
    }

    private List<Crdt> readUnknown(Batch batch, int typeId, int[] sizes, int total) throws ProtocolException {
        // For a type this version does not define, sizes count each store's dots, and opaque holds its data.
        refuseColumnsNotCarried(batch, total > 0);
        if (batch.opaqueLength() != sizes.length) {
            throw Malformed.decode("a batch of unknown type %d has %d opaque values for %d stores",
                    typeId, batch.opaqueLength(), sizes.length);
        }
        Dot[] dots = readDots(batch.dotsAsByteBuffer(), total);
        List<Crdt> stores = new ArrayList<>(sizes.length);
        int e = 0;
        for (int s = 0; s < sizes.length; s++) {
            if (sizes[s] == 0) {
                // Only a root store can be empty (readCounts() refuses 0 below the root): an empty value, no data.
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
            limits.decodedBytes(data == null ? 0 : data.remaining());
            byte[] bytes = new byte[data == null ? 0 : data.remaining()];
            if (data != null) {
                data.get(data.position(), bytes);
            }
            stores.add(UnknownCrdt.of(typeId, set, bytes, replicas.replicas()));   // HY-ENC-053: the data's table
        }
        return stores;
    }

    /** Per store: its number of entries (or per entry: its number of dots); all 1 when the column is absent. */
    private int[] readCounts(ByteBuffer slice, int n, int min, String column) throws ProtocolException {
        int[] counts = new int[n];
        if (slice == null) {
            Arrays.fill(counts, 1);
            if (min > 1) {
                throw Malformed.decode("%s is absent where entries need at least %d", column, min);
            }
            return counts;
        }
        Packed.Reader reader = Packed.Reader.of(slice, column);
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
        Packed.Reader reader = Packed.Reader.of(slice, "dots");
        Dot[] dots = new Dot[n];
        int produced = 0;
        while (produced < n) {
            ReplicaId replica = replicas.replica(reader);
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
        dotsRead += n;
        return dots;
    }

    private long[] readVarints(ByteBuffer slice, int n, String column) throws ProtocolException {
        Packed.Reader reader = Packed.Reader.of(slice, column);
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = reader.varint();
        }
        reader.expectEnd();
        return values;
    }

    /** HY-ENC-033: a batch has no column present that its CRDT type does not carry. */
    private static void refuseColumnsNotCarried(Batch batch, boolean hasEntries) throws ProtocolException {
        CrdtType type = CrdtType.of(batch.type());
        Set<Column> carried = Column.carriedBy(type, hasEntries);
        for (Column column : Column.values()) {
            if (!carried.contains(column) && column.presentIn(batch)) {
                throw Malformed.decode("a %s batch has a %s column", type == null ? "type " + batch.type() : type.specName(),
                        column.specName());
            }
        }
    }

    private static <V> void putOnce(TreeMap<Dot, V> entries, Dot dot, V value) throws ProtocolException {
        if (entries.put(dot, value) != null) {
            throw Malformed.decode("a store holds dot %s twice", dot);
        }
    }
}
