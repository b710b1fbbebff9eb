package dev.hyphae.crdt;

import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Generators of states for the property tests.
 *
 * <p>States are drawn from small pools (three replicas, counters 1 to 6, a handful of values and keys), so
 * that two generated states often share dots, keys and elements: that is where joins go wrong. Stores are
 * arbitrary, including what only a faulty replica produces (two data for one dot across states, several
 * entries of one replica in a counter); contexts always cover the store's own dots, as the decoder demands.
 */
public final class CrdtArbitraries {

    public static final List<ReplicaId> REPLICAS = List.of(
            ReplicaId.fromHex("00000000000000000000000000000001"),
            ReplicaId.fromHex("7f000000000000000000000000000000"),
            ReplicaId.fromHex("80000000000000000000000000000000"));

    private CrdtArbitraries() {
    }

    static Arbitrary<ReplicaId> replicas() {
        return Arbitraries.of(REPLICAS);
    }

    static Arbitrary<Dot> dots() {
        return Combinators.combine(replicas(), Arbitraries.longs().between(1, 6)).as(Dot::new);
    }

    /**
     * States in which no dot occurs twice in the store, as the decoder demands (a dot names one write). Dots
     * come from a larger pool so that few draws are discarded.
     */
    public static Arbitrary<CausalState<Crdt>> validStates(CrdtType type) {
        return stores(type, 2).filter(CrdtArbitraries::hasUniqueDots)
                .flatMap(store -> contextsCovering(store).map(c -> new CausalState<>(store, c)));
    }

    static boolean hasUniqueDots(Crdt store) {
        java.util.Set<Dot> seen = new java.util.HashSet<>();
        boolean[] unique = {true};
        store.forEachDot(d -> unique[0] &= seen.add(d));
        return unique[0];
    }

    /** Values of every kind, including the float64 corners: -0.0, 0.0, NaN, infinities. */
    public static Arbitrary<Value> values() {
        return Arbitraries.oneOf(
                Arbitraries.just(Value.ofNull()),
                Arbitraries.of(true, false).map(Value::of),
                Arbitraries.of(-1L, 0L, 1L, Long.MIN_VALUE, Long.MAX_VALUE).map(Value::of),
                Arbitraries.of(0.0, -0.0, 1.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY).map(Value::of),
                Arbitraries.of("", "a", "b", "\u00e9", "e\u0301", "\ud83c\udf44").map(Value::of),
                Arbitraries.of(new byte[0], new byte[] {0}, new byte[] {(byte) 0xff}).map(Value::of));
    }

    /** Map keys: strings, bytes and int64s. */
    static Arbitrary<Value> keys() {
        return Arbitraries.oneOf(
                Arbitraries.of("kwh", "firmware", "tags").map(Value::of),
                Arbitraries.of(new byte[] {1}, new byte[] {(byte) 0x80}).map(Value::of),
                Arbitraries.of(-1L, 7L).map(Value::of));
    }

    /** Unsigned counts, from small to the top of the 64-bit range. */
    static Arbitrary<Long> counts() {
        return Arbitraries.of(1L, 2L, 5L, Long.MAX_VALUE, -2L, -1L);
    }

    public static Arbitrary<CausalState<Crdt>> states(CrdtType type) {
        return stores(type, 2).flatMap(store -> contextsCovering(store).map(c -> new CausalState<>(store, c)));
    }

    /** States of every type, ORMaps included, keyed by the type for the test's report. */
    public static Arbitrary<CrdtType> types() {
        return Arbitraries.of(CrdtType.values());
    }

    static Arbitrary<CausalContext> contextsCovering(Crdt store) {
        List<Dot> own = new ArrayList<>();
        store.forEachDot(own::add);
        return dots().set().ofMaxSize(8).map(extra -> {
            List<Dot> all = new ArrayList<>(own);
            all.addAll(extra);
            return CausalContext.of(all);
        });
    }

    static Arbitrary<Crdt> stores(CrdtType type, int depth) {
        return switch (type) {
            case GCOUNTER -> Arbitraries.maps(dots(), counts()).ofMaxSize(4)
                    .map(m -> GCounter.of(new TreeMap<>(m)));
            case PNCOUNTER -> Arbitraries.maps(dots(), Combinators.combine(counts(), counts()).as(PNCounter.Totals::new))
                    .ofMaxSize(4).map(m -> PNCounter.of(new TreeMap<>(m)));
            case LWW_REGISTER -> Arbitraries.maps(dots(), Combinators.combine(
                            Arbitraries.of(1L, 2L, 1L << 16, -1L), values()).as(LWWRegister.Write::new))
                    .ofMaxSize(3).map(m -> LWWRegister.of(new TreeMap<>(m)));
            case MV_REGISTER -> Arbitraries.maps(dots(), values()).ofMaxSize(3)
                    .map(m -> MVRegister.of(new TreeMap<>(m)));
            case EW_FLAG -> dots().set().ofMaxSize(4).map(s -> EWFlag.of(new TreeSet<>(s)));
            case AW_SET -> Arbitraries.maps(values(), dots().set().ofMinSize(1).ofMaxSize(3)).ofMaxSize(3)
                    .map(m -> {
                        TreeMap<Value, TreeSet<Dot>> sorted = new TreeMap<>();
                        m.forEach((k, v) -> sorted.put(k, new TreeSet<>(v)));
                        return AWSet.of(sorted);
                    });
            case OR_MAP -> maps(depth);
        };
    }

    private static Arbitrary<Crdt> maps(int depth) {
        Set<CrdtType> nested = depth > 0 ? Set.of(CrdtType.values()) : Set.of(
                CrdtType.GCOUNTER, CrdtType.PNCOUNTER, CrdtType.LWW_REGISTER, CrdtType.MV_REGISTER,
                CrdtType.EW_FLAG, CrdtType.AW_SET);
        Arbitrary<CrdtType> nestedTypes = Arbitraries.of(nested);
        Arbitrary<Object[]> entry = Combinators.combine(keys(), nestedTypes.flatMap(t -> stores(t, depth - 1)))
                .as((k, s) -> new Object[] {new EntryKey(k, s.typeId()), s});
        Arbitrary<Object[]> unknownEntry = Combinators.combine(keys(), Arbitraries.of(8, 0x8000),
                        dots().set().ofMinSize(1).ofMaxSize(2), Arbitraries.of(new byte[] {1, 2}, new byte[] {3}))
                .as((k, t, d, b) -> new Object[] {new EntryKey(k, t), UnknownCrdt.of(t, new TreeSet<>(d), b)});
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(9, entry),
                        net.jqwik.api.Tuple.of(1, unknownEntry))
                .list().ofMaxSize(3)
                .map(list -> {
                    TreeMap<EntryKey, Crdt> entries = new TreeMap<>();
                    for (Object[] e : list) {
                        entries.put((EntryKey) e[0], (Crdt) e[1]);
                    }
                    return ORMap.of(entries);
                });
    }
}
