package dev.hyphae.model.encoding;

import dev.hyphae.model.AWSet;
import dev.hyphae.model.CausalContext;
import dev.hyphae.model.CrdtType;
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
import dev.hyphae.model.Value;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Writes the compact form of a state (section "Compact form"), read off the grammar: the Type Id, the root Store
 * entry by entry in the order of the dot store, then the Context Runs, which list C ∖ dots(S) as maximal runs.
 * One state and one replica table have one compact form (HY-ENC-060).
 */
public final class CompactEncoder {

    private final ColumnWriter out = new ColumnWriter();
    private final List<ReplicaId> table;
    /** The cursors: the last counter and the last timestamp written, null before the first. */
    private Long counter;
    private Long timestamp;
    /** The replica of the last dot or run written, null before the first. */
    private ReplicaId replica;

    private CompactEncoder(List<ReplicaId> table) {
        this.table = table;
    }

    /**
     * The compact form of {@code state}, its replicas named by their index in {@code table}; empty when the form
     * cannot represent the state (HY-ENC-062): a store of a type that is not of version 1, a replica that is not in
     * the table, or a dot of the store that the context lacks.
     */
    public static Optional<byte[]> encode(State state, List<ReplicaId> table) {
        if (!ofVersion1(state.store()) || !state.store().dots().stream().allMatch(state.context()::contains)) {
            return Optional.empty();
        }
        TreeSet<ReplicaId> named = new TreeSet<>(state.context().replicas());
        state.store().dots().forEach(d -> named.add(d.replica()));
        if (!table.containsAll(named)) {
            return Optional.empty();
        }
        CompactEncoder e = new CompactEncoder(table);
        e.out.varint(state.store().typeId());
        e.store(state.store());
        List<long[]> runs = runs(state.context(), new TreeSet<>(state.store().dots()), table);
        e.out.varint(runs.size());
        for (long[] run : runs) {
            ReplicaId r = table.get((int) run[0]);
            long field = r.equals(e.replica) ? 0 : run[0] + 1;
            long first = run[1];
            long length = run[2];
            e.out.varint(2 * field + (length == 1 ? 0 : 1));
            e.counter(first);
            if (length != 1) {
                e.out.varint(length);
            }
            e.counter = first + length - 1;
            e.replica = r;
        }
        return Optional.of(e.out.bytes());
    }

    private static boolean ofVersion1(Store store) {
        if (CrdtType.of(store.typeId()) == null) {
            return false;
        }
        if (store instanceof ORMap m) {
            return m.entries().values().stream().allMatch(CompactEncoder::ofVersion1);
        }
        return true;
    }

    /**
     * The Context Runs: for each replica of the context in ascending id order, the counters of C that the store does
     * not hold, as {index, first, length} of maximal runs. Walks the boundaries: the version vector's interval and
     * each cloud dot, split at each store dot.
     */
    static List<long[]> runs(CausalContext context, SortedSet<Dot> storeDots, List<ReplicaId> table) {
        List<long[]> runs = new ArrayList<>();
        for (ReplicaId r : context.replicas()) {
            long index = table.indexOf(r);
            // The counters of C for r, as closed intervals in ascending order.
            List<long[]> intervals = new ArrayList<>();
            long vv = context.versionVector().getOrDefault(r, 0L);
            if (vv != 0) {
                intervals.add(new long[] {1, vv});
            }
            for (Dot d : context.cloud()) {
                if (d.replica().equals(r)) {
                    long[] last = intervals.isEmpty() ? null : intervals.get(intervals.size() - 1);
                    if (last != null && last[1] + 1 == d.counter()) {
                        last[1] = d.counter();
                    } else {
                        intervals.add(new long[] {d.counter(), d.counter()});
                    }
                }
            }
            List<Long> held = new ArrayList<>();
            for (Dot d : storeDots) {
                if (d.replica().equals(r)) {
                    held.add(d.counter());
                }
            }
            for (long[] interval : intervals) {
                long start = interval[0];
                boolean open = true;
                for (long k : held) {
                    if (Long.compareUnsigned(k, interval[0]) < 0 || Long.compareUnsigned(k, interval[1]) > 0) {
                        continue;
                    }
                    if (k != start) {
                        runs.add(new long[] {index, start, k - start});
                    }
                    if (k == interval[1]) {
                        open = false;
                        break;
                    }
                    start = k + 1;
                }
                if (open) {
                    runs.add(new long[] {index, start, interval[1] - start + 1});
                }
            }
        }
        return runs;
    }

    private void store(Store store) {
        if (store instanceof GCounter g) {
            out.varint(g.counts().size());
            g.counts().forEach((d, n) -> {
                dot(d);
                out.varint(n);
            });
        } else if (store instanceof PNCounter p) {
            out.varint(p.totals().size());
            p.totals().forEach((d, t) -> {
                dot(d);
                out.varint(t.increments()).varint(t.decrements());
            });
        } else if (store instanceof LWWRegister r) {
            out.varint(r.writes().size());
            r.writes().forEach((d, w) -> {
                dot(d);
                if (timestamp == null) {
                    out.varint(w.timestamp() >>> 16).varint(w.timestamp() & 0xFFFF);
                } else {
                    out.zigzag(w.timestamp() - timestamp);
                }
                timestamp = w.timestamp();
                value(w.value(), null);
            });
        } else if (store instanceof MVRegister r) {
            out.varint(r.entries().size());
            r.entries().forEach((d, v) -> {
                dot(d);
                value(v, null);
            });
        } else if (store instanceof EWFlag f) {
            out.varint(f.dotSet().size());
            f.dotSet().forEach(this::dot);
        } else if (store instanceof AWSet s) {
            out.varint(s.entries().size());
            Value previous = null;
            for (Map.Entry<Value, SortedSet<Dot>> e : s.entries().entrySet()) {
                value(e.getKey(), previous);
                previous = e.getKey();
                out.varint(e.getValue().size());
                e.getValue().forEach(this::dot);
            }
        } else if (store instanceof ORMap m) {
            out.varint(m.entries().size());
            Value previous = null;
            for (Map.Entry<EntryKey, Store> e : m.entries().entrySet()) {
                value(e.getKey().key(), previous);
                previous = e.getKey().key();
                out.varint(e.getKey().typeId());
                store(e.getValue());
            }
        } else {
            throw new IllegalArgumentException("no compact form for " + store);
        }
    }

    private void dot(Dot d) {
        out.varint(table.indexOf(d.replica()));
        counter(d.counter());
        counter = d.counter();
        replica = d.replica();
    }

    /** The first counter of the payload as itself, every later one as the zigzag difference from the one before. */
    private void counter(long k) {
        if (counter == null) {
            out.varint(k);
        } else {
            out.zigzag(k - counter);
        }
    }

    /** Value: Head = kind + 8 × suffix length; a Shared Length after a value of its kind in its sequence; content. */
    private void value(Value v, Value previous) {
        if (v instanceof Value.Null) {
            out.varint(0);
        } else if (v instanceof Value.Bool b) {
            out.varint(b.value() ? 2 : 1);
        } else if (v instanceof Value.Int64 i) {
            out.varint(3).zigzag(i.value());
        } else if (v instanceof Value.Float64 f) {
            out.varint(4);
            for (int i = 0; i < 8; i++) {
                out.raw((int) (f.bits() >>> (8 * i)) & 0xFF);
            }
        } else {
            int kind = v instanceof Value.Str ? 5 : 6;
            byte[] bytes = content(v);
            int shared = 0;
            boolean frontCoded = previous != null && previous.rank() == v.rank();
            if (frontCoded) {
                byte[] before = content(previous);
                while (shared < Math.min(before.length, bytes.length) && before[shared] == bytes[shared]) {
                    shared++;
                }
            }
            out.varint(kind + 8L * (bytes.length - shared));
            if (frontCoded) {
                out.varint(shared);
            }
            for (int i = shared; i < bytes.length; i++) {
                out.raw(bytes[i] & 0xFF);
            }
        }
    }

    static byte[] content(Value v) {
        return v instanceof Value.Str s ? s.value().getBytes(StandardCharsets.UTF_8) : ((Value.Bytes) v).bytes();
    }
}
