package dev.hyphae.model.encoding;

import dev.hyphae.model.AWSet;
import dev.hyphae.model.CausalContext;
import dev.hyphae.model.CrdtType;
import dev.hyphae.model.Dot;
import dev.hyphae.model.EWFlag;
import dev.hyphae.model.EntryKey;
import dev.hyphae.model.GCounter;
import dev.hyphae.model.LWWRegister;
import dev.hyphae.model.Limits;
import dev.hyphae.model.MVRegister;
import dev.hyphae.model.ORMap;
import dev.hyphae.model.PNCounter;
import dev.hyphae.model.ReplicaId;
import dev.hyphae.model.State;
import dev.hyphae.model.Store;
import dev.hyphae.model.Unknown;
import dev.hyphae.model.Value;
import dev.hyphae.model.encoding.Layout.Column;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decodes a payload (section "Decoding"): the size, then {@link Verifier verification} of the whole buffer, then
 * the fields, the packed columns, the replica table, the causal context and the stores, each checked against the
 * rules of chapters "Encoding" and "Data model" as it is read, the limits included. Every count is checked against
 * its limit before anything is allocated in proportion to it (HY-DATA-042).
 *
 * <p>This class is longer than most because it is one reading of one section, rule after rule, in the order of
 * the section; splitting it would scatter the rules that a reader checks against the specification.
 */
public final class PayloadDecoder {

    private final Buffer buffer;
    /** The session replica table that a payload without a {@code replicas} field reads its indexes in, or null. */
    private final List<ReplicaId> external;
    /** The session key table that {@code key_indexes} name entries of, or null outside a session. */
    private final List<Value> keyTable;
    /** Whether the payload is in session form: read against the external tables (section "Session form"). */
    private boolean sessionForm;
    private final List<ReplicaId> replicas = new ArrayList<>();
    private long elements;
    private long decodedBytes;

    private PayloadDecoder(byte[] payload, List<ReplicaId> external, List<Value> keyTable) {
        this.buffer = new Buffer(payload);
        this.external = external;
        this.keyTable = keyTable;
    }

    /**
     * The state that {@code payload} holds.
     *
     * @throws Malformed when the chapter requires the payload to be refused, with the phase of the refusal
     */
    public static State decode(byte[] payload) throws Malformed {
        return decode(payload, null);
    }

    /**
     * The state that {@code payload} holds, read as a session's Delta carries it (section "Session form"): when it
     * has no {@code replicas} field, its replica indexes are indexes of {@code table}, the external replica table
     * (HY-ENC-055); when it has one, {@code table} plays no part.
     *
     * @param table the external replica table, or null outside a session
     * @throws IllegalArgumentException if {@code table} holds the all-zero id or one id twice, which no session's
     *                                  table can (HY-SESS-066, HY-SESS-067)
     * @throws Malformed                when the chapter requires the payload to be refused
     */
    public static State decode(byte[] payload, List<ReplicaId> table) throws Malformed {
        return decode(payload, table, table == null ? null : List.of());
    }

    /**
     * The state that {@code payload} holds, read as a session's Delta carries it against both tables of the Delta's
     * direction: as {@link #decode(byte[], List)}, and, when the payload is in session form, the {@code key_indexes}
     * of its ORMap batches name keys of {@code keys} (section "Key indexes").
     *
     * @param keys the external key table, or null outside a session (then {@code table} is null too)
     * @throws IllegalArgumentException if a table holds an entry twice, or {@code keys} a value that is not a map key
     * @throws Malformed                when the chapter requires the payload to be refused
     */
    public static State decode(byte[] payload, List<ReplicaId> table, List<Value> keys) throws Malformed {
        if (table != null && (new HashSet<>(table).size() != table.size()
                || table.stream().anyMatch(r -> r.hex().chars().allMatch(c -> c == '0')))) {
            throw new IllegalArgumentException("an external replica table with the zero id or an id twice");
        }
        if (keys != null && (new HashSet<>(keys).size() != keys.size() || !keys.stream().allMatch(Value::isMapKey))) {
            throw new IllegalArgumentException("an external key table with a key twice or a value that is not a map key");
        }
        if (payload.length > Limits.MAX_PAYLOAD_SIZE) {
            throw new Malformed(Malformed.Phase.FRAME, "a payload longer than MAX_PAYLOAD_SIZE", "HY-ENC-004");
        }
        return new PayloadDecoder(payload, table == null ? null : List.copyOf(table), keys == null ? null : List.copyOf(keys))
                .payload();
    }

    private State payload() throws Malformed {
        Verifier.verify(buffer);
        int t = buffer.target(0);
        replicaTable(t);
        CausalContext context = context(buffer.reference(t, Layout.PAYLOAD_CONTEXT));
        Store root = batch(buffer.reference(t, Layout.PAYLOAD_ROOT), 1, 1, 0).get(0);
        requireDotsOnce(root);
        requireDotsInContext(root, context);
        return new State(root, context);
    }

    /** HY-ENC-025: 16 bytes an entry, no all-zero id, no id twice. */
    private void replicaTable(int t) throws Malformed {
        int q = buffer.reference(t, Layout.PAYLOAD_REPLICAS);
        if (q < 0 && external != null) {
            // Session form (HY-ENC-055, HY-ENC-057): the external table, whatever it holds beyond what is named.
            sessionForm = true;
            replicas.addAll(external);
            return;
        }
        int n = q < 0 ? 0 : buffer.vectorLength(q);
        if (n % 16 != 0) {
            throw Malformed.decode("the replica table is " + n + " bytes, not a multiple of 16", "HY-ENC-025");
        }
        HexFormat hex = HexFormat.of();
        Set<ReplicaId> seen = new HashSet<>();
        for (int i = 0; i < n / 16; i++) {
            String id = hex.formatHex(buffer.bytes, q + 4 + 16 * i, q + 20 + 16 * i);
            if (id.chars().allMatch(c -> c == '0')) {
                throw Malformed.decode("the replica table holds the all-zero replica id", "HY-ENC-025", "HY-DATA-002");
            }
            ReplicaId replica = new ReplicaId(id);
            if (!seen.add(replica)) {
                throw Malformed.decode("the replica table holds " + id + " twice", "HY-ENC-025");
            }
            replicas.add(replica);
        }
    }

    /** A replica index (HY-ENC-026, HY-ENC-056): less than the number of entries of the replica table, own or external. */
    private ReplicaId replica(ColumnReader c) throws Malformed {
        if (replicas.isEmpty()) {
            throw Malformed.decode("a replica index, and the replica table is empty", "HY-ENC-026");
        }
        return replicas.get((int) c.varint(replicas.size() - 1, "a replica index", "HY-ENC-026"));
    }

    /** HY-ENC-046: the elements of the payload, counted as they are read. */
    private void count(long n) throws Malformed {
        elements += n;
        if (elements > Limits.MAX_ELEMENTS) {
            throw Malformed.decode("more than MAX_ELEMENTS elements", "HY-ENC-046", "HY-DATA-040");
        }
    }

    /** Section "Causal context": the version vector, then the cloud as maximal runs, in canonical form. */
    private CausalContext context(int t) throws Malformed {
        if (t < 0) {
            return CausalContext.EMPTY;
        }
        ColumnReader vector = buffer.column(t, Layout.CONTEXT_VERSION_VECTOR, "version_vector");
        Map<ReplicaId, Long> vv = new LinkedHashMap<>();
        ReplicaId previous = null;
        while (!vector.atEnd()) {
            ReplicaId r = replica(vector);
            long counter = vector.varint();
            count(1);
            if (counter == 0) {
                throw Malformed.decode("a version vector entry with counter 0", "HY-ENC-028");
            }
            if (previous != null && r.compareTo(previous) <= 0) {
                throw Malformed.decode("version vector entries out of order", "HY-ENC-028");
            }
            vv.put(r, counter);
            previous = r;
        }
        ColumnReader cloud = buffer.column(t, Layout.CONTEXT_CLOUD, "cloud");
        List<Dot> dots = new ArrayList<>();
        Dot last = null;
        long cloudDots = 0;
        while (!cloud.atEnd()) {
            ReplicaId r = replica(cloud);
            long first = cloud.varint();
            long length = cloud.varint();
            cloudDots += length;
            if (Long.compareUnsigned(length, Limits.MAX_CLOUD_DOTS) > 0 || cloudDots > Limits.MAX_CLOUD_DOTS) {
                throw Malformed.decode("a cloud of more than MAX_CLOUD_DOTS dots", "HY-DATA-040");
            }
            count(length);
            checkRun(first, length);
            Dot start = new Dot(r, first);
            if (last != null && (start.compareTo(last) <= 0 || r.equals(last.replica()) && first == last.counter() + 1)) {
                throw Malformed.decode("cloud runs out of order, overlapping or not maximal", "HY-ENC-029");
            }
            long covered = vv.getOrDefault(r, 0L);
            if (covered == -1L || Long.compareUnsigned(first, covered + 1) <= 0) {
                throw Malformed.decode("a cloud dot that the version vector covers or extends", "HY-DATA-010");
            }
            for (long k = 0; k < length; k++) {
                dots.add(new Dot(r, first + k));
            }
            last = new Dot(r, first + length - 1);
        }
        return CausalContext.of(vv, dots);
    }

    /** HY-ENC-027: a run has a Length, a First Counter, and a last counter that is a counter. */
    private static void checkRun(long first, long length) throws Malformed {
        if (length == 0 || first == 0 || Long.compareUnsigned(length - 1, -1L - first) > 0) {
            throw Malformed.decode("a dot run of length 0, from counter 0, or past 2^64-1", "HY-ENC-027");
        }
    }

    /** A dots column of a batch: exactly {@code n} dots, in runs (section "Dot runs"). */
    private List<Dot> dots(int t, long n) throws Malformed {
        ColumnReader c = buffer.column(t, Column.DOTS.id(), "dots");
        List<Dot> dots = new ArrayList<>();
        while (dots.size() < n) {
            ReplicaId r = replica(c);
            long first = c.varint();
            long length = c.varint(n - dots.size(), "a run length");
            checkRun(first, length);
            for (long k = 0; k < length; k++) {
                dots.add(new Dot(r, first + k));
            }
        }
        c.requireEnd();
        return dots;
    }

    /** {@code n} varints of a column, each at most {@code max}. */
    private long[] varints(int t, Column column, long n) throws Malformed {
        ColumnReader c = buffer.column(t, column.id(), column.name().toLowerCase());
        long[] values = new long[(int) n];
        for (int i = 0; i < n; i++) {
            values[i] = c.varint();
        }
        c.requireEnd();
        return values;
    }

    /**
     * The stores of the batch at {@code t} (section "Batches").
     *
     * @param announced    the number of stores that the batch must hold (HY-ENC-031)
     * @param expectedType the type that the batch's position gives it, or 0 for the root
     */
    private List<Store> batch(int t, int level, long announced, int expectedType) throws Malformed {
        int type = buffer.field(t, Column.TYPE.id()) < 0 ? 0 : buffer.u16(buffer.field(t, Column.TYPE.id()));
        long count = buffer.field(t, Column.COUNT.id()) < 0 ? 0 : buffer.u32(buffer.field(t, Column.COUNT.id()));
        if (type == 0) {
            throw Malformed.decode("a batch of CRDT type 0", "HY-VER-024", "HY-DATA-039");
        }
        if (expectedType != 0 && type != expectedType) {
            throw Malformed.decode("a child batch of type " + type + " where its position gives " + expectedType, "HY-ENC-038");
        }
        if (count != announced) {
            throw Malformed.decode("a batch of count " + count + " that holds " + announced + " stores", "HY-ENC-031");
        }
        for (Column c : Column.values()) {
            if (c != Column.TYPE && c != Column.COUNT && present(t, c) && !Layout.columnsOf(type).contains(c)) {
                throw Malformed.decode("a batch of type " + type + " has the column " + c, "HY-ENC-033");
            }
        }
        if (level == 1 && hasNoEntries(t, count)) {
            // HY-ENC-120: a batch with no entries, which only the root batch can be, carries sizes alone, and the
            // one Opaque of its empty store when its type is unknown; a present column would hold nothing.
            for (Column c : Column.values()) {
                boolean allowed = c == Column.TYPE || c == Column.COUNT || c == Column.SIZES
                        || c == Column.OPAQUE && CrdtType.of(type) == null;
                if (!allowed && present(t, c)) {
                    String column = "a batch with no entries has the column " + c;
                    throw c == Column.VALUES ? Malformed.decode(column, "HY-ENC-120", "HY-ENC-042") : Malformed.decode(column, "HY-ENC-120");
                }
            }
        }
        if (type == CrdtType.OR_MAP.id() && level > Limits.MAX_NESTING_DEPTH) {
            throw Malformed.decode("an ORMap nested deeper than MAX_NESTING_DEPTH", "HY-DATA-040");
        }
        long[] sizes = sizes(t, level, count);
        long n = 0;
        for (long s : sizes) {
            n += s;
        }
        count(n);
        List<List<Integer>> entriesOfStore = new ArrayList<>();
        int next = 0;
        for (long s : sizes) {
            List<Integer> entries = new ArrayList<>();
            for (int i = 0; i < s; i++) {
                entries.add(next++);
            }
            entriesOfStore.add(entries);
        }
        CrdtType known = CrdtType.of(type);
        List<Store> stores = new ArrayList<>();
        if (known == null) {
            return unknown(t, type, n, count, entriesOfStore);
        }
        switch (known) {
            case GCOUNTER -> {
                List<Dot> dots = dots(t, n);
                long[] counts = varints(t, Column.COUNTS, n);
                for (List<Integer> entries : entriesOfStore) {
                    TreeMap<Dot, Long> store = new TreeMap<>();
                    for (int i : entries) {
                        putOnce(store, dots.get(i), counts[i]);
                    }
                    stores.add(GCounter.of(store));
                }
            }
            case PNCOUNTER -> {
                List<Dot> dots = dots(t, n);
                long[] p = varints(t, Column.COUNTS, n);
                long[] m = varints(t, Column.DECREMENTS, n);
                for (List<Integer> entries : entriesOfStore) {
                    TreeMap<Dot, PNCounter.Totals> store = new TreeMap<>();
                    for (int i : entries) {
                        putOnce(store, dots.get(i), new PNCounter.Totals(p[i], m[i]));
                    }
                    stores.add(PNCounter.of(store));
                }
            }
            case LWW_REGISTER -> {
                List<Dot> dots = dots(t, n);
                ColumnReader column = buffer.column(t, Column.TIMESTAMPS.id(), "timestamps");
                long[] timestamps = column.repeatCoded(n); // zigzag varints, repeat-coded (HY-ENC-085)
                column.requireEnd();
                long timestamp = 0;
                for (int i = 0; i < n; i++) {
                    long u = timestamps[i];
                    timestamp += (u >>> 1) ^ -(u & 1); // modulo 2^64 (HY-ENC-034)
                    timestamps[i] = timestamp;
                }
                List<Value> values = values(t, n);
                for (List<Integer> entries : entriesOfStore) {
                    TreeMap<Dot, LWWRegister.Write> store = new TreeMap<>();
                    for (int i : entries) {
                        putOnce(store, dots.get(i), new LWWRegister.Write(timestamps[i], values.get(i)));
                    }
                    stores.add(LWWRegister.of(store));
                }
            }
            case MV_REGISTER -> {
                List<Dot> dots = dots(t, n);
                List<Value> values = values(t, n);
                for (List<Integer> entries : entriesOfStore) {
                    TreeMap<Dot, Value> store = new TreeMap<>();
                    for (int i : entries) {
                        putOnce(store, dots.get(i), values.get(i));
                    }
                    stores.add(MVRegister.of(store));
                }
            }
            case EW_FLAG -> {
                List<Dot> dots = dots(t, n);
                for (List<Integer> entries : entriesOfStore) {
                    TreeSet<Dot> store = new TreeSet<>();
                    for (int i : entries) {
                        addOnce(store, dots.get(i));
                    }
                    stores.add(EWFlag.of(store));
                }
            }
            case AW_SET -> stores.addAll(awSets(t, n, entriesOfStore));
            case OR_MAP -> stores.addAll(orMaps(t, level, n, entriesOfStore));
        }
        return stores;
    }

    /**
     * Whether a column is present (section "Batches"): its field is, except {@code children} and {@code opaque},
     * which are present only when they hold an element.
     */
    private boolean present(int t, Column c) {
        int q = buffer.reference(t, c.id());
        if (c == Column.CHILDREN || c == Column.OPAQUE) {
            return q >= 0 && buffer.vectorLength(q) > 0;
        }
        return q >= 0;
    }

    /**
     * Whether the root batch at {@code t} has no entries: its one store has the size 0. A malformed {@code sizes} is
     * left to {@link #sizes}, which refuses it.
     */
    private boolean hasNoEntries(int t, long count) {
        if (count != 1 || buffer.field(t, Column.SIZES.id()) < 0) {
            return false;
        }
        int q = buffer.reference(t, Column.SIZES.id());
        return buffer.vectorLength(q) == 1 && buffer.bytes[q + 4] == 0;
    }

    /** The number of entries of each store (HY-ENC-032); every store has one when {@code sizes} is absent. */
    private long[] sizes(int t, int level, long count) throws Malformed {
        long[] sizes = new long[(int) count];
        if (buffer.field(t, Column.SIZES.id()) < 0) {
            java.util.Arrays.fill(sizes, 1);
            return sizes;
        }
        ColumnReader c = buffer.column(t, Column.SIZES.id(), "sizes");
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sizes[i] = c.varint(Limits.MAX_ELEMENTS, "a size", "HY-ENC-032");
            sum += sizes[i];
            if (sum > Limits.MAX_ELEMENTS) {
                throw Malformed.decode("sizes that add up to more than MAX_ELEMENTS", "HY-ENC-032");
            }
            if (sizes[i] == 0 && level > 1) {
                throw Malformed.decode("an empty store under an ORMap entry", "HY-ENC-032", "HY-DATA-018");
            }
        }
        c.requireEnd();
        return sizes;
    }

    private List<Store> awSets(int t, long n, List<List<Integer>> entriesOfStore) throws Malformed {
        List<Value> elements = values(t, n);
        long[] dotCounts = new long[(int) n];
        if (buffer.field(t, Column.DOT_COUNTS.id()) < 0) {
            java.util.Arrays.fill(dotCounts, 1);
        } else {
            ColumnReader c = buffer.column(t, Column.DOT_COUNTS.id(), "dot_counts");
            long sum = 0;
            for (int i = 0; i < n; i++) {
                dotCounts[i] = c.varint(Limits.MAX_ELEMENTS, "a dot count", "HY-ENC-036");
                sum += dotCounts[i];
                if (dotCounts[i] == 0 || sum > Limits.MAX_ELEMENTS) {
                    throw Malformed.decode("a dot count of 0, or dot counts beyond MAX_ELEMENTS", "HY-ENC-036");
                }
            }
            c.requireEnd();
        }
        long total = 0;
        for (long d : dotCounts) {
            total += d;
        }
        count(total);
        List<Dot> dots = dots(t, total);
        int[] firstDot = new int[(int) n];
        for (int i = 1; i < n; i++) {
            firstDot[i] = firstDot[i - 1] + (int) dotCounts[i - 1];
        }
        List<Store> stores = new ArrayList<>();
        for (List<Integer> entries : entriesOfStore) {
            TreeMap<Value, TreeSet<Dot>> store = new TreeMap<>();
            for (int i : entries) {
                TreeSet<Dot> own = new TreeSet<>();
                for (int k = 0; k < dotCounts[i]; k++) {
                    addOnce(own, dots.get(firstDot[i] + k));
                }
                putOnce(store, elements.get(i), own);
            }
            stores.add(AWSet.of(store));
        }
        return stores;
    }

    /** Section "ORMap": keys in {@code values}, type ids in runs in {@code types}, stores in {@code children}. */
    private List<Store> orMaps(int t, int level, long n, List<List<Integer>> entriesOfStore) throws Malformed {
        if (n == 0 && (present(t, Column.TYPES) || present(t, Column.CHILDREN) || present(t, Column.KEY_INDEXES))) {
            throw Malformed.decode("an ORMap batch with no entries has no types, children or key_indexes", "HY-ENC-033");
        }
        List<Value> keys = present(t, Column.KEY_INDEXES) ? keysByIndex(t, n, entriesOfStore) : values(t, n);
        for (Value key : keys) {
            if (!key.isMapKey()) {
                throw Malformed.decode("an ORMap key that is not a map key: " + key, "HY-DATA-016");
            }
        }
        ColumnReader column = buffer.column(t, Column.TYPES.id(), "types");
        int[] types = new int[(int) n];
        int read = 0;
        while (read < n) {
            int type = (int) column.varint(0xFFFF, "a type id");
            long length = column.varint(n - read, "a type run length");
            if (type == 0) {
                throw Malformed.decode("an ORMap entry of CRDT type 0", "HY-DATA-039");
            }
            if (length == 0) {
                throw Malformed.decode("a type run of length 0", "HY-ENC-037");
            }
            for (int k = 0; k < length; k++) {
                types[read++] = type;
            }
        }
        column.requireEnd();
        if (present(t, Column.KEY_INDEXES)) {
            for (List<Integer> entries : entriesOfStore) {
                for (int k = 1; k < entries.size(); k++) {
                    int i = entries.get(k);
                    if (keys.get(i).equals(keys.get(i - 1)) && types[i] <= types[i - 1]) {
                        throw Malformed.decode("two entries of one key index whose type ids are not ascending", "HY-ENC-104");
                    }
                }
            }
        }
        Map<Integer, Integer> entriesOfType = new LinkedHashMap<>();
        for (int type : types) {
            entriesOfType.merge(type, 1, Integer::sum);
        }
        int q = buffer.reference(t, Column.CHILDREN.id());
        int children = q < 0 ? 0 : buffer.vectorLength(q);
        if (children != entriesOfType.size()) {
            throw Malformed.decode("an ORMap batch with " + children + " children for " + entriesOfType.size()
                    + " type ids", "HY-ENC-038");
        }
        Map<Integer, List<Store>> storesOfType = new LinkedHashMap<>();
        int j = 0;
        for (Map.Entry<Integer, Integer> e : entriesOfType.entrySet()) {
            int child = buffer.target(q + 4 + 4 * j++);
            storesOfType.put(e.getKey(), new ArrayList<>(batch(child, level + 1, e.getValue(), e.getKey())));
        }
        List<Store> maps = new ArrayList<>();
        for (List<Integer> entries : entriesOfStore) {
            TreeMap<EntryKey, Store> store = new TreeMap<>();
            for (int i : entries) {
                putOnce(store, new EntryKey(keys.get(i), types[i]), storesOfType.get(types[i]).remove(0));
            }
            maps.add(ORMap.of(store));
        }
        return maps;
    }

    /**
     * Section "Key indexes": the key of each entry from the external key table, at the key index that
     * {@code key_indexes} gives, item by item, each item added to the previous key index of the same store.
     */
    private List<Value> keysByIndex(int t, long n, List<List<Integer>> entriesOfStore) throws Malformed {
        if (!sessionForm || keyTable == null) {
            throw Malformed.decode("key_indexes in a payload that is not read against a session key table", "HY-ENC-100");
        }
        if (buffer.reference(t, Column.VALUES.id()) >= 0) {
            throw Malformed.decode("an ORMap batch with both values and key_indexes", "HY-ENC-101");
        }
        ColumnReader column = buffer.column(t, Column.KEY_INDEXES.id(), "key_indexes");
        long[] items = column.repeatCoded(n);
        int next = 0;
        List<Value> keys = new ArrayList<>();
        for (List<Integer> entries : entriesOfStore) {
            long previous = 0;
            for (int ignored : entries) {
                long item = items[next++];
                // Compared before it is added: an item that would take the index past the table is refused (HY-ENC-103).
                if (Long.compareUnsigned(item, keyTable.size() - previous) >= 0) {
                    throw Malformed.decode("a key index past the external key table", "HY-ENC-103");
                }
                previous += item;
                keys.add(keyTable.get((int) previous));
            }
        }
        column.requireEnd();
        return keys;
    }

    /** Section "CRDT types that a decoder does not know": dots, sizes, and one {@code Opaque} per store. */
    private List<Store> unknown(int t, int type, long n, long count, List<List<Integer>> entriesOfStore) throws Malformed {
        List<Dot> dots = dots(t, n);
        int q = buffer.reference(t, Column.OPAQUE.id());
        int opaque = q < 0 ? 0 : buffer.vectorLength(q);
        if (opaque != count) {
            throw Malformed.decode("a batch of an unknown type with " + opaque + " Opaque tables for " + count + " stores", "HY-ENC-039");
        }
        List<Store> stores = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            List<Integer> entries = entriesOfStore.get(s);
            if (entries.isEmpty()) {
                stores.add(CrdtType.emptyOf(type));
                continue;
            }
            TreeSet<Dot> own = new TreeSet<>();
            for (int i : entries) {
                addOnce(own, dots.get(i));
            }
            int o = buffer.target(q + 4 + 4 * s);
            int data = buffer.reference(o, Layout.OPAQUE_DATA);
            int length = data < 0 ? 0 : buffer.vectorLength(data);
            decoded(length);
            String hex = data < 0 ? "" : HexFormat.of().formatHex(buffer.bytes, data + 4, data + 4 + length);
            stores.add(new Unknown(type, new TreeSet<>(List.of(new Unknown.Version(new ArrayList<>(own), hex)))));
        }
        return stores;
    }

    /** HY-ENC-045: decoded strings, bytes and opaque data, added up as each is decoded. */
    private void decoded(long length) throws Malformed {
        decodedBytes += length;
        if (decodedBytes > Layout.MAX_DECODED_BYTES) {
            throw Malformed.decode("more than MAX_DECODED_BYTES of strings, bytes and opaque data", "HY-ENC-045");
        }
    }

    /** Section "Values": {@code n} values of the batch's {@code Values} table. */
    private List<Value> values(int t, long n) throws Malformed {
        int v = buffer.reference(t, Column.VALUES.id());
        if (n > 0 && v < 0 || n == 0 && v >= 0) {
            throw Malformed.decode("a batch with " + n + " entries " + (v < 0 ? "and no" : "and a") + " Values table", "HY-ENC-042");
        }
        List<Value> values = new ArrayList<>();
        if (n == 0) {
            return values;
        }
        ColumnReader kinds = buffer.column(v, Layout.VALUES_KINDS, "kinds");
        int[] kindOf = new int[(int) n];
        int read = 0;
        int floats = 0;
        while (read < n) {
            int kind = kinds.readByte();
            if (kind > Layout.KIND_BYTES) {
                throw Malformed.decode("the value kind " + kind, "HY-ENC-021");
            }
            long length = kinds.varint(n - read, "a kind run length");
            if (length == 0) {
                throw Malformed.decode("a kind run of length 0", "HY-ENC-043");
            }
            for (int k = 0; k < length; k++) {
                kindOf[read++] = kind;
                floats += kind == Layout.KIND_FLOAT64 ? 1 : 0;
            }
        }
        kinds.requireEnd();
        int f = buffer.reference(v, Layout.VALUES_FLOAT_PLANES);
        if ((f < 0 ? 0 : buffer.vectorLength(f)) != 8L * floats) {
            throw Malformed.decode("float_planes holds another number of bytes than 8 for each float64 value", "HY-ENC-043");
        }
        ColumnReader ints = buffer.column(v, Layout.VALUES_INTS, "ints");
        ColumnReader strings = buffer.column(v, Layout.VALUES_STRINGS, "strings");
        ColumnReader bytes = buffer.column(v, Layout.VALUES_BYTES, "bytes");
        byte[] previousString = new byte[0];
        byte[] previousBytes = new byte[0];
        int floatIndex = 0;
        for (int kind : kindOf) {
            switch (kind) {
                case Layout.KIND_NULL -> values.add(Value.NULL);
                case Layout.KIND_FALSE -> values.add(Value.of(false));
                case Layout.KIND_TRUE -> values.add(Value.of(true));
                case Layout.KIND_INT64 -> values.add(Value.of(ints.zigzag()));
                case Layout.KIND_FLOAT64 -> values.add(Value.ofBits(fromPlanes(f + 4, floats, floatIndex++)));
                case Layout.KIND_STRING -> {
                    previousString = strings.frontCoded(previousString, Limits.MAX_STRING_LENGTH);
                    decoded(previousString.length);
                    values.add(Value.of(utf8(previousString)));
                }
                default -> {
                    previousBytes = bytes.frontCoded(previousBytes, Limits.MAX_BYTES_LENGTH);
                    decoded(previousBytes.length);
                    values.add(Value.Bytes.of(previousBytes));
                }
            }
        }
        ints.requireEnd();
        strings.requireEnd();
        bytes.requireEnd();
        return values;
    }

    /** HY-ENC-086: the pattern of value j of n, byte i (the most significant first) at plane i, position i × n + j. */
    private long fromPlanes(int planes, int n, int j) {
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = bits << 8 | (buffer.bytes[planes + i * n + j] & 0xFF);
        }
        return bits;
    }

    /** HY-ENC-044 and HY-DATA-012: the whole string is well-formed UTF-8. */
    private static String utf8(byte[] string) throws Malformed {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(string)).toString();
        } catch (CharacterCodingException e) {
            throw Malformed.decode("a string that is not well-formed UTF-8", "HY-ENC-044", "HY-DATA-012");
        }
    }

    /** HY-DATA-018: no dot function has two entries for one dot, no dot map two entries for one key. */
    private static <K, V> void putOnce(Map<K, V> store, K key, V value) throws Malformed {
        if (store.put(key, value) != null) {
            throw Malformed.decode("a store holds " + key + " twice", "HY-DATA-018");
        }
    }

    /** HY-DATA-018: no dot set holds one dot twice. */
    private static void addOnce(Set<Dot> store, Dot dot) throws Malformed {
        if (!store.add(dot)) {
            throw Malformed.decode("a store holds the dot " + dot + " twice", "HY-DATA-018");
        }
    }

    /**
     * HY-DATA-055: no dot occurs twice in the whole store, at any depth: not under two elements of an AWSet, not under
     * two entries of an ORMap, not in two opaque versions. The checks of HY-DATA-018 see one store at a time.
     */
    static void requireDotsOnce(Store root) throws Malformed {
        Set<Dot> seen = new java.util.HashSet<>();
        for (Dot d : root.dots()) {
            if (!seen.add(d)) {
                throw Malformed.decode("the dot " + d + " occurs twice in the store", "HY-DATA-055");
            }
        }
    }

    /** HY-DATA-019: every dot of a store of a known CRDT type is in the causal context. */
    private static void requireDotsInContext(Store store, CausalContext context) throws Malformed {
        if (store instanceof Unknown) {
            return;
        }
        if (store instanceof ORMap map) {
            for (Store nested : map.entries().values()) {
                requireDotsInContext(nested, context);
            }
            return;
        }
        for (Dot d : store.dots()) {
            if (!context.contains(d)) {
                throw Malformed.decode("the dot " + d + " is not in the causal context", "HY-DATA-019");
            }
        }
    }
}
