package dev.hyphae.model.testkit;

import dev.hyphae.model.AWSet;
import dev.hyphae.model.CausalContext;
import dev.hyphae.model.CrdtType;
import dev.hyphae.model.Dot;
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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Arbitraries of the corners of the data model, where implementations go wrong and where {@link States}, which draws
 * every type alike, seldom goes: counters in which one replica holds several non-zero entries, LWW registers whose
 * entries tie on the timestamp and on the replica id, MV registers with several siblings, sets of four elements and
 * more, float64 values with NaN payloads and signed zeros, strings outside the Basic Multilingual Plane and above
 * the surrogates within it, maps nested to {@code MAX_NESTING_DEPTH}, and entries of unknown type at every depth.
 * Every state is valid: no dot twice in a store, a context that covers the store.
 */
public final class Corners {

    private Corners() {
    }

    /**
     * Values whose equality and order an implementation most often gets wrong: NaNs of both signs with payload
     * bits, both zeros, int64 extremes, and strings whose UTF-8 order differs from their UTF-16 order (U+FF5E and
     * U+E000 sort before U+1F344 in UTF-16 code units, after it in UTF-8 bytes).
     */
    public static Arbitrary<Value> values() {
        return Arbitraries.oneOf(
                Arbitraries.of(0x7ff8000000000000L, 0x7ff0000000000001L, 0xfff8000000000000L, 0x7ff8000000000001L,
                        0x0000000000000000L, 0x8000000000000000L, 0x3ff0000000000000L).map(Value::ofBits),
                Arbitraries.of("", "a", "\ud83c\udf44", "\uff5e", "\ue000", "\u00e9", "e\u0301", "\ud800\udc00").map(Value::of),
                Arbitraries.of(Long.MIN_VALUE, -1L, 0L, 1L, Long.MAX_VALUE).map(Value::of));
    }

    /**
     * The twin of a value of {@link #values()}: a different value that a comparison other than the one "Values"
     * defines takes for equal or orders the other way: the other zero, the NaN of the other sign, the float64 of the
     * same number as an int64, the other normalisation of a string, and strings that UTF-16 orders the other way.
     */
    public static Value twin(Value v) {
        if (v instanceof Value.Float64 f) {
            return Value.ofBits(f.bits() ^ 0x8000000000000000L);
        } else if (v instanceof Value.Int64 i) {
            return Value.ofBits(Double.doubleToRawLongBits((double) i.value()));
        } else if (v instanceof Value.Str s) {
            return Value.of(switch (s.value()) {
                case "\uff5e" -> "\ud83c\udf44";
                case "\ud83c\udf44" -> "\uff5e";
                case "\ue000" -> "\ud800\udc00";
                case "\ud800\udc00" -> "\ue000";
                case "\u00e9" -> "e\u0301";
                case "e\u0301" -> "\u00e9";
                case "" -> "a";
                default -> "";
            });
        }
        return v;
    }

    /**
     * Two AWSets written concurrently, the second holding the {@link #twin} of each element of the first, so that
     * their join holds pairs of values that only a comparison as "Values" defines keeps apart and in order.
     */
    public static Arbitrary<List<State>> twinSets() {
        return sets().map(a -> {
            TreeMap<Value, TreeSet<Dot>> twins = new TreeMap<>();
            long counter = 100;
            for (Value e : ((AWSet) a.store()).entries().keySet()) {
                twins.computeIfAbsent(twin(e), k -> new TreeSet<>()).add(new Dot(States.REPLICAS.get(2), counter++));
            }
            return List.of(a, valid(AWSet.of(twins)));
        });
    }

    /** A GCounter or PNCounter state in which the replica {@code owner} holds two or three non-zero entries. */
    public static Arbitrary<State> counters(CrdtType type, ReplicaId owner) {
        Arbitrary<List<Long>> ownCounters = Arbitraries.longs().between(1, 6).set().ofMinSize(2).ofMaxSize(3).map(ArrayList::new);
        Arbitrary<Long> small = Arbitraries.longs().between(1, 9);
        Arbitrary<Map<Dot, Long>> others = Arbitraries.maps(States.dots().filter(d -> !d.replica().equals(owner)), small).ofMaxSize(2);
        return Combinators.combine(ownCounters, small.list().ofSize(3), small.list().ofSize(3), others).as((counters, ps, ns, rest) -> {
            Store store;
            if (type == CrdtType.GCOUNTER) {
                TreeMap<Dot, Long> counts = new TreeMap<>(rest);
                for (int i = 0; i < counters.size(); i++) {
                    counts.put(new Dot(owner, counters.get(i)), ps.get(i));
                }
                store = GCounter.of(counts);
            } else {
                TreeMap<Dot, PNCounter.Totals> totals = new TreeMap<>();
                rest.forEach((d, c) -> totals.put(d, new PNCounter.Totals(c, c / 2)));
                for (int i = 0; i < counters.size(); i++) {
                    totals.put(new Dot(owner, counters.get(i)), new PNCounter.Totals(ps.get(i), ns.get(i)));
                }
                store = PNCounter.of(totals);
            }
            return new State(store, CausalContext.of(store.dots()));
        });
    }

    /**
     * LWW registers of two to four entries that tie: on the timestamp across replicas, and on timestamp and replica
     * id, so that the counter of the dot decides; the timestamps include 2^63 and 2^64-1, which a comparison of
     * signed integers orders first.
     */
    public static Arbitrary<State> lwwTies() {
        Arbitrary<Long> timestamp = Arbitraries.of(5L, 5L, 5L, 1L << 63, -1L, 6L);
        Arbitrary<LWWRegister.Write> write = Combinators.combine(timestamp, values()).as(LWWRegister.Write::new);
        Arbitrary<Dot> dot = Combinators.combine(Arbitraries.of(States.REPLICAS.get(1), States.REPLICAS.get(2)),
                Arbitraries.longs().between(1, 3)).as(Dot::new);
        return Arbitraries.maps(dot, write).ofMinSize(2).ofMaxSize(4).map(m -> valid(LWWRegister.of(m)));
    }

    /** MV registers of two to four siblings, whose values are sometimes equal. */
    public static Arbitrary<State> mvSiblings() {
        return Arbitraries.maps(States.dots(), values()).ofMinSize(2).ofMaxSize(4).map(m -> valid(MVRegister.of(m)));
    }

    /**
     * AWSets of one to seven elements drawn from {@link #values()}, each element with one or two dots; sizes are drawn
     * uniformly, so that sets of four elements and more, where some implementations change representation, are common.
     */
    public static Arbitrary<State> sets() {
        return Arbitraries.maps(values(), States.dots().set().ofMinSize(1).ofMaxSize(2)).ofMinSize(1).ofMaxSize(7)
                .withSizeDistribution(RandomDistribution.uniform())
                .map(m -> {
                    TreeMap<Value, TreeSet<Dot>> sorted = new TreeMap<>();
                    m.forEach((k, v) -> sorted.put(k, new TreeSet<>(v)));
                    return sorted;
                })
                .filter(m -> States.hasUniqueDots(AWSet.of(m)))
                .map(m -> valid(AWSet.of(m)));
    }

    /** The types of the leaves of {@link #deepMaps(int, boolean)}: a counter, a register and a set. */
    private static final List<CrdtType> LEAVES = List.of(CrdtType.GCOUNTER, CrdtType.MV_REGISTER, CrdtType.AW_SET);

    /**
     * ORMaps nested {@code depth} levels deep along one path of keys (the root is level 1), with a non-empty leaf of
     * GCounter, MVRegister or AWSet at the bottom and, when {@code unknown}, an entry of unknown type beside the path
     * at one level drawn at random.
     */
    public static Arbitrary<State> deepMaps(int depth, boolean unknown) {
        return deepMaps(depth, unknown, LEAVES);
    }

    /** {@link #deepMaps(int, boolean)} with a leaf of one of {@code leaves} (none of them ORMap, which would nest deeper). */
    public static Arbitrary<State> deepMaps(int depth, boolean unknown, Collection<CrdtType> leaves) {
        if (leaves.isEmpty() || leaves.contains(CrdtType.OR_MAP)) {
            throw new IllegalArgumentException("the leaves of nested maps are of a type other than ORMap: " + leaves);
        }
        Arbitrary<Store> leaf = Arbitraries.of(List.copyOf(leaves))
                .flatMap(t -> States.stores(t, 0, false).filter(s -> !s.isEmpty()));
        return Combinators.combine(leaf, States.keys().list().ofSize(depth), Arbitraries.integers().between(1, depth),
                        Arbitraries.of(8, 0x8000), States.dots().set().ofMinSize(1).ofMaxSize(2))
                .as((bottom, keys, unknownLevel, unknownType, unknownDots) -> {
                    Store store = bottom;
                    for (int level = depth; level >= 1; level--) {
                        TreeMap<EntryKey, Store> entries = new TreeMap<>();
                        entries.put(new EntryKey(keys.get(level - 1), store.typeId()), store);
                        if (unknown && level == unknownLevel) {
                            entries.put(new EntryKey(Value.of("opaque"), unknownType),
                                    new Unknown(unknownType, new TreeSet<>(List.of(new Unknown.Version(new ArrayList<>(unknownDots), "0102")))));
                        }
                        store = ORMap.of(entries);
                    }
                    return store;
                })
                .filter(States::hasUniqueDots)
                .map(Corners::valid);
    }

    /** Maps nested from one level to {@code MAX_NESTING_DEPTH}, the deepest a payload may hold, half of them at or near it. */
    public static Arbitrary<State> deepMaps(boolean unknown) {
        return deepMaps(unknown, LEAVES);
    }

    /** {@link #deepMaps(boolean)} with a leaf of one of {@code leaves}, as {@link #deepMaps(int, boolean, Collection)}. */
    public static Arbitrary<State> deepMaps(boolean unknown, Collection<CrdtType> leaves) {
        return Arbitraries.oneOf(Arbitraries.integers().between(1, 4), Arbitraries.integers().between(Limits.MAX_NESTING_DEPTH - 2,
                Limits.MAX_NESTING_DEPTH)).flatMap(depth -> deepMaps(depth, unknown, leaves));
    }

    /** A state of {@code store}, with the smallest context that covers it. */
    private static State valid(Store store) {
        return new State(store, CausalContext.of(store.dots()));
    }
}
