package dev.hyphae.model.encoding;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.model.AWSet;
import dev.hyphae.model.CausalContext;
import dev.hyphae.model.Dot;
import dev.hyphae.model.EWFlag;
import dev.hyphae.model.EntryKey;
import dev.hyphae.model.GCounter;
import dev.hyphae.model.LWWRegister;
import dev.hyphae.model.MVRegister;
import dev.hyphae.model.ORMap;
import dev.hyphae.model.PNCounter;
import dev.hyphae.model.ReplicaId;
import dev.hyphae.model.State;
import dev.hyphae.model.Store;
import dev.hyphae.model.Unknown;
import dev.hyphae.model.Value;
import dev.hyphae.model.encoding.Layout.Column;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Encodes a state as a payload (chapter "Encoding"), with a FlatBuffers builder: the replica table of every replica
 * id that the state names, in ascending order; the causal context in canonical form with maximal cloud runs
 * (HY-ENC-030); and the stores in batches, each store's entries in the order of its dot store (section "Rules on
 * stores"). Columns that would hold no elements are not written, nor {@code sizes} and {@code dot_counts} when every
 * value would be 1. Every table and vector is written once (HY-ENC-048).
 */
public final class PayloadEncoder {

    private final FlatBufferBuilder builder = new FlatBufferBuilder(256);
    private final Map<ReplicaId, Integer> index = new LinkedHashMap<>();
    /** Whether the payload is in session form: indexes of an external table, no table of its own (HY-ENC-059). */
    private final boolean sessionForm;
    /** The index of each key of the external key table (section "Key indexes"); empty outside session form. */
    private final Map<Value, Integer> keyIndex = new HashMap<>();

    private PayloadEncoder(State state, List<ReplicaId> external, List<Value> keys) {
        TreeSet<ReplicaId> named = new TreeSet<>(state.context().replicas());
        state.store().dots().forEach(d -> named.add(d.replica()));
        sessionForm = external != null;
        if (sessionForm) {
            external.forEach(r -> {
                if (index.putIfAbsent(r, index.size()) != null) {
                    throw new IllegalArgumentException("an external replica table that holds " + r.hex() + " twice");
                }
            });
            if (!index.keySet().containsAll(named)) {
                throw new IllegalArgumentException("the external replica table lacks a replica that the state names");
            }
            keys.forEach(k -> {
                if (!k.isMapKey() || keyIndex.putIfAbsent(k, keyIndex.size()) != null) {
                    throw new IllegalArgumentException("an external key table that holds " + k + " twice, or a value that is not a map key");
                }
            });
        } else {
            named.forEach(r -> index.put(r, index.size()));
        }
    }

    /**
     * The payload of {@code state}.
     *
     * @throws IllegalArgumentException for a store of an unknown type with more than one opaque version, which
     *                                  one payload cannot carry (HY-ENC-051)
     */
    public static byte[] encode(State state) {
        return new PayloadEncoder(state, null, List.of()).payload(state);
    }

    /**
     * The payload of {@code state} in session form (section "Session form"): without a {@code replicas} field, each
     * replica named by its index in {@code table}, which holds every replica the state names, and may hold others.
     *
     * @throws IllegalArgumentException if {@code table} lacks a replica the state names or holds one twice, or as
     *                                  {@link #encode(State)}
     */
    public static byte[] encode(State state, List<ReplicaId> table) {
        return encode(state, table, List.of());
    }

    /**
     * The payload of {@code state} in session form against both tables of a session direction: as
     * {@link #encode(State, List)}, and each ORMap batch whose keys {@code keys} all holds names them by their key
     * index in {@code keys} (section "Key indexes", HY-ENC-102, HY-ENC-106), the entries of each of its stores in
     * ascending order of key index, then of type id (HY-ENC-104); the other batches carry their keys.
     *
     * @throws IllegalArgumentException if {@code keys} holds a key twice or a value that is not a map key, or as
     *                                  {@link #encode(State, List)}
     */
    public static byte[] encode(State state, List<ReplicaId> table, List<Value> keys) {
        return new PayloadEncoder(state, table, keys).payload(state);
    }

    private byte[] payload(State state) {
        int root = batch(state.store().typeId(), List.of(state.store()));
        int context = context(state.context());
        byte[] table = new byte[16 * index.size()];
        HexFormat hex = HexFormat.of();
        index.forEach((r, i) -> System.arraycopy(hex.parseHex(r.hex()), 0, table, 16 * i, 16));
        int replicas = table.length == 0 || sessionForm ? 0 : builder.createByteVector(table);
        builder.startTable(Layout.PAYLOAD_FIELDS);
        if (replicas != 0) {
            builder.addOffset(Layout.PAYLOAD_REPLICAS, replicas, 0);
        }
        if (context != 0) {
            builder.addOffset(Layout.PAYLOAD_CONTEXT, context, 0);
        }
        builder.addOffset(Layout.PAYLOAD_ROOT, root, 0);
        builder.finish(builder.endTable(), "HYP1");
        return builder.sizedByteArray();
    }

    private int context(CausalContext c) {
        if (c.isEmpty()) {
            return 0;
        }
        ColumnWriter vector = new ColumnWriter();
        c.versionVector().forEach((r, n) -> vector.varint(index.get(r)).varint(n));
        ColumnWriter cloud = new ColumnWriter();
        dotRuns(cloud, new ArrayList<>(c.cloud()));
        int vv = vector(vector);
        int cl = vector(cloud);
        builder.startTable(Layout.CONTEXT_FIELDS);
        if (vv != 0) {
            builder.addOffset(Layout.CONTEXT_VERSION_VECTOR, vv, 0);
        }
        if (cl != 0) {
            builder.addOffset(Layout.CONTEXT_CLOUD, cl, 0);
        }
        return builder.endTable();
    }

    /** A byte vector of the column, or 0 (not written) when the column is empty. */
    private int vector(ColumnWriter column) {
        return column.isEmpty() ? 0 : builder.createByteVector(column.bytes());
    }

    /** Dots as runs of consecutive counters of one replica, in the order given. */
    private void dotRuns(ColumnWriter column, List<Dot> dots) {
        int i = 0;
        while (i < dots.size()) {
            Dot first = dots.get(i);
            int length = 1;
            while (i + length < dots.size() && dots.get(i + length).replica().equals(first.replica())
                    && dots.get(i + length).counter() == first.counter() + length && first.counter() + length != 0) {
                length++;
            }
            column.varint(index.get(first.replica())).varint(first.counter()).varint(length);
            i += length;
        }
    }

    /** The batch of {@code stores}, all of type {@code type}. */
    private int batch(int type, List<Store> stores) {
        ColumnWriter sizes = new ColumnWriter();
        boolean allOne = true;
        List<Dot> dots = new ArrayList<>();
        ColumnWriter counts = new ColumnWriter();
        ColumnWriter decrements = new ColumnWriter();
        List<Long> timestamps = new ArrayList<>();
        ColumnWriter dotCounts = new ColumnWriter();
        boolean allOneDot = true;
        List<Value> values = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        Map<Integer, List<Store>> children = new LinkedHashMap<>();
        List<String> opaque = new ArrayList<>();
        long previousTimestamp = 0;
        // Section "Key indexes": an ORMap batch names its keys by index when the external key table holds them all.
        List<Long> keyIndexes = new ArrayList<>();
        boolean byIndex = !keyIndex.isEmpty() && stores.stream().allMatch(s -> s instanceof ORMap m
                && m.entries().keySet().stream().allMatch(k -> keyIndex.containsKey(k.key())));
        for (Store s : stores) {
            int entries;
            if (s instanceof GCounter g) {
                entries = g.counts().size();
                g.counts().forEach((d, n) -> {
                    dots.add(d);
                    counts.varint(n);
                });
            } else if (s instanceof PNCounter p) {
                entries = p.totals().size();
                p.totals().forEach((d, t) -> {
                    dots.add(d);
                    counts.varint(t.increments());
                    decrements.varint(t.decrements());
                });
            } else if (s instanceof LWWRegister l) {
                entries = l.writes().size();
                for (Map.Entry<Dot, LWWRegister.Write> e : l.writes().entrySet()) {
                    dots.add(e.getKey());
                    long difference = e.getValue().timestamp() - previousTimestamp; // modulo 2^64 (HY-ENC-035)
                    timestamps.add((difference << 1) ^ (difference >> 63));
                    previousTimestamp = e.getValue().timestamp();
                    values.add(e.getValue().value());
                }
            } else if (s instanceof MVRegister m) {
                entries = m.entries().size();
                m.entries().forEach((d, v) -> {
                    dots.add(d);
                    values.add(v);
                });
            } else if (s instanceof EWFlag f) {
                entries = f.dotSet().size();
                dots.addAll(f.dotSet());
            } else if (s instanceof AWSet set) {
                entries = set.entries().size();
                for (Map.Entry<Value, ? extends java.util.SortedSet<Dot>> e : set.entries().entrySet()) {
                    values.add(e.getKey());
                    dotCounts.varint(e.getValue().size());
                    allOneDot &= e.getValue().size() == 1;
                    dots.addAll(e.getValue());
                }
            } else if (s instanceof ORMap map) {
                entries = map.entries().size();
                List<Map.Entry<EntryKey, Store>> ordered = new ArrayList<>(map.entries().entrySet());
                if (byIndex) {
                    ordered.sort(Comparator.comparing((Map.Entry<EntryKey, Store> e) -> keyIndex.get(e.getKey().key()))
                            .thenComparing(e -> e.getKey().typeId()));
                }
                long previous = 0;
                for (Map.Entry<EntryKey, Store> e : ordered) {
                    if (byIndex) {
                        long k = keyIndex.get(e.getKey().key());
                        keyIndexes.add(k - previous);
                        previous = k;
                    } else {
                        values.add(e.getKey().key());
                    }
                    types.add(e.getKey().typeId());
                    children.computeIfAbsent(e.getKey().typeId(), t -> new ArrayList<>()).add(e.getValue());
                }
            } else {
                Unknown u = (Unknown) s;
                if (u.versions().size() > 1) {
                    throw new IllegalArgumentException("a store of unknown type " + u.typeId()
                            + " with more than one opaque version cannot be encoded (HY-ENC-051)");
                }
                entries = u.dots().size();
                dots.addAll(u.dots());
                opaque.add(u.versions().isEmpty() ? "" : u.versions().first().data());
            }
            sizes.varint(entries);
            allOne &= entries == 1;
        }
        int childrenVector = 0;
        if (!children.isEmpty()) {
            int[] offsets = new int[children.size()];
            int j = 0;
            for (Map.Entry<Integer, List<Store>> e : children.entrySet()) {
                offsets[j++] = batch(e.getKey(), e.getValue());
            }
            childrenVector = tableVector(offsets);
        }
        int opaqueVector = 0;
        if (!opaque.isEmpty()) {
            int[] offsets = new int[opaque.size()];
            for (int j = 0; j < offsets.length; j++) {
                int data = opaque.get(j).isEmpty() ? 0 : builder.createByteVector(HexFormat.of().parseHex(opaque.get(j)));
                builder.startTable(Layout.OPAQUE_FIELDS);
                if (data != 0) {
                    builder.addOffset(Layout.OPAQUE_DATA, data, 0);
                }
                offsets[j] = builder.endTable();
            }
            opaqueVector = tableVector(offsets);
        }
        ColumnWriter dotColumn = new ColumnWriter();
        dotRuns(dotColumn, dots);
        ColumnWriter typeColumn = new ColumnWriter();
        for (int i = 0; i < types.size(); ) {
            int length = 1;
            while (i + length < types.size() && types.get(i + length).equals(types.get(i))) {
                length++;
            }
            typeColumn.varint(types.get(i)).varint(length);
            i += length;
        }
        int sizesVector = allOne ? 0 : builder.createByteVector(sizes.bytes());
        int dotsVector = vector(dotColumn);
        int dotCountsVector = allOneDot ? 0 : vector(dotCounts);
        int countsVector = vector(counts);
        int decrementsVector = vector(decrements);
        int timestampsVector = vector(new ColumnWriter()
                .repeatCoded(timestamps.stream().mapToLong(Long::longValue).toArray())); // HY-ENC-085
        int valuesTable = values.isEmpty() ? 0 : values(values);
        int typesVector = vector(typeColumn);
        int keyIndexesVector = vector(new ColumnWriter()
                .repeatCoded(keyIndexes.stream().mapToLong(Long::longValue).toArray())); // HY-ENC-108

        builder.startTable(Layout.BATCH_FIELDS);
        builder.addShort(Column.TYPE.id(), (short) type, 0);
        builder.addInt(Column.COUNT.id(), stores.size(), 0);
        addColumn(Column.SIZES, sizesVector);
        addColumn(Column.DOTS, dotsVector);
        addColumn(Column.DOT_COUNTS, dotCountsVector);
        addColumn(Column.COUNTS, countsVector);
        addColumn(Column.DECREMENTS, decrementsVector);
        addColumn(Column.TIMESTAMPS, timestampsVector);
        addColumn(Column.VALUES, valuesTable);
        addColumn(Column.TYPES, typesVector);
        addColumn(Column.CHILDREN, childrenVector);
        addColumn(Column.OPAQUE, opaqueVector);
        addColumn(Column.KEY_INDEXES, keyIndexesVector);
        return builder.endTable();
    }

    private void addColumn(Column column, int offset) {
        if (offset != 0) {
            builder.addOffset(column.id(), offset, 0);
        }
    }

    private int tableVector(int[] offsets) {
        builder.startVector(4, offsets.length, 4);
        for (int i = offsets.length - 1; i >= 0; i--) {
            builder.addOffset(offsets[i]);
        }
        return builder.endVector();
    }

    /** A {@code Values} table (section "Values"): kinds as runs, then a column for each kind that has items. */
    private int values(List<Value> values) {
        ColumnWriter kinds = new ColumnWriter();
        ColumnWriter ints = new ColumnWriter();
        ColumnWriter strings = new ColumnWriter();
        ColumnWriter bytes = new ColumnWriter();
        List<Long> floats = new ArrayList<>();
        int[] kindOf = new int[values.size()];
        for (int i = 0; i < values.size(); i++) {
            Value v = values.get(i);
            if (v instanceof Value.Null) {
                kindOf[i] = Layout.KIND_NULL;
            } else if (v instanceof Value.Bool b) {
                kindOf[i] = b.value() ? Layout.KIND_TRUE : Layout.KIND_FALSE;
            } else if (v instanceof Value.Int64 n) {
                kindOf[i] = Layout.KIND_INT64;
                ints.zigzag(n.value());
            } else if (v instanceof Value.Float64 f) {
                kindOf[i] = Layout.KIND_FLOAT64;
                floats.add(f.bits());
            } else if (v instanceof Value.Str s) {
                kindOf[i] = Layout.KIND_STRING;
                strings.frontCoded(s.value().getBytes(StandardCharsets.UTF_8));
            } else {
                kindOf[i] = Layout.KIND_BYTES;
                bytes.frontCoded(((Value.Bytes) v).bytes());
            }
        }
        for (int i = 0; i < kindOf.length; ) {
            int length = 1;
            while (i + length < kindOf.length && kindOf[i + length] == kindOf[i]) {
                length++;
            }
            kinds.raw(kindOf[i]).varint(length);
            i += length;
        }
        int kindsVector = vector(kinds);
        int intsVector = vector(ints);
        int stringsVector = vector(strings);
        int bytesVector = vector(bytes);
        int floatsVector = 0;
        if (!floats.isEmpty()) {
            // Byte planes of the bit patterns, never through a double (HY-ENC-086, HY-DATA-011).
            int n = floats.size();
            byte[] planes = new byte[8 * n];
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < 8; i++) {
                    planes[i * n + j] = (byte) (floats.get(j) >>> (56 - 8 * i));
                }
            }
            floatsVector = builder.createByteVector(planes);
        }
        builder.startTable(Layout.VALUES_FIELDS);
        if (kindsVector != 0) {
            builder.addOffset(Layout.VALUES_KINDS, kindsVector, 0);
        }
        if (intsVector != 0) {
            builder.addOffset(Layout.VALUES_INTS, intsVector, 0);
        }
        if (stringsVector != 0) {
            builder.addOffset(Layout.VALUES_STRINGS, stringsVector, 0);
        }
        if (bytesVector != 0) {
            builder.addOffset(Layout.VALUES_BYTES, bytesVector, 0);
        }
        if (floatsVector != 0) {
            builder.addOffset(Layout.VALUES_FLOAT_PLANES, floatsVector, 0);
        }
        return builder.endTable();
    }
}
