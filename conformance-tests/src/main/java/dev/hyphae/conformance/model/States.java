package dev.hyphae.conformance.model;

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
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Generators of valid states, built with the model. States are drawn from small pools (three replicas, one of
 * them with the high bit set, counters 1 to 6, a handful of values and keys) so that two states often share
 * dots, elements and keys, and LWW timestamps often tie: that is where joins and queries go wrong. Every
 * state is one that a decoder must accept: no dot twice in a store, a context that covers the store.
 */
public final class States {

    /** The replicas of generated states and programs. */
    public static final List<ReplicaId> REPLICAS = List.of(
            ReplicaId.fromHex("00000000000000000000000000000001"),
            ReplicaId.fromHex("7f000000000000000000000000000000"),
            ReplicaId.fromHex("80000000000000000000000000000000"));

    private States() {
    }

    static Arbitrary<Dot> dots() {
        return Combinators.combine(Arbitraries.of(REPLICAS), Arbitraries.longs().between(1, 6)).as(Dot::new);
    }

    /** Values of every kind, with the float64 corners (-0.0, NaN, infinities) and strings that normalisation would change. */
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
    public static Arbitrary<Value> keys() {
        return Arbitraries.oneOf(
                Arbitraries.of("kwh", "firmware", "tags").map(Value::of),
                Arbitraries.of(new byte[] {1}, new byte[] {(byte) 0x80}).map(Value::of),
                Arbitraries.of(-1L, 7L).map(Value::of));
    }

    /** Unsigned counts, from small to the top of the 64-bit range. */
    static Arbitrary<Long> counts() {
        return Arbitraries.of(1L, 2L, 5L, Long.MAX_VALUE, -2L, -1L);
    }

    /**
     * Valid states of {@code type}.
     *
     * @param unknown whether ORMaps may hold values of CRDT types that no specification assigns (8 and 0x8000)
     */
    public static Arbitrary<CausalState<Crdt>> states(CrdtType type, boolean unknown) {
        return stores(type, 2, unknown).filter(States::hasUniqueDots)
                .flatMap(store -> contextsCovering(store).map(c -> new CausalState<>(store, c)));
    }

    /** Valid states of any of {@code types}. */
    public static Arbitrary<CausalState<Crdt>> states(Set<CrdtType> types, boolean unknown) {
        return Arbitraries.of(types).flatMap(t -> states(t, unknown));
    }

    static boolean hasUniqueDots(Crdt store) {
        Set<Dot> seen = new HashSet<>();
        boolean[] unique = {true};
        store.forEachDot(d -> unique[0] &= seen.add(d));
        return unique[0];
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

    static Arbitrary<Crdt> stores(CrdtType type, int depth, boolean unknown) {
        return switch (type) {
            case GCOUNTER -> Arbitraries.maps(dots(), counts()).ofMaxSize(4).map(m -> GCounter.of(new TreeMap<>(m)));
            case PNCOUNTER -> Arbitraries.maps(dots(), Combinators.combine(counts(), counts()).as(PNCounter.Totals::new))
                    .ofMaxSize(4).map(m -> PNCounter.of(new TreeMap<>(m)));
            case LWW_REGISTER -> Arbitraries.maps(dots(), Combinators.combine(
                            Arbitraries.of(1L, 2L, 1L << 16, -1L), values()).as(LWWRegister.Write::new))
                    .ofMaxSize(3).map(m -> LWWRegister.of(new TreeMap<>(m)));
            case MV_REGISTER -> Arbitraries.maps(dots(), values()).ofMaxSize(3).map(m -> MVRegister.of(new TreeMap<>(m)));
            case EW_FLAG -> dots().set().ofMaxSize(4).map(s -> EWFlag.of(new TreeSet<>(s)));
            case AW_SET -> Arbitraries.maps(values(), dots().set().ofMinSize(1).ofMaxSize(3)).ofMaxSize(3)
                    .map(m -> {
                        TreeMap<Value, TreeSet<Dot>> sorted = new TreeMap<>();
                        m.forEach((k, v) -> sorted.put(k, new TreeSet<>(v)));
                        return AWSet.of(sorted);
                    });
            case OR_MAP -> maps(depth, unknown);
        };
    }

    private static Arbitrary<Crdt> maps(int depth, boolean unknown) {
        Set<CrdtType> nested = new HashSet<>(List.of(CrdtType.values()));
        if (depth == 0) {
            nested.remove(CrdtType.OR_MAP);
        }
        Arbitrary<Object[]> entry = Combinators.combine(keys(), Arbitraries.of(nested).flatMap(t -> stores(t, depth - 1, unknown)))
                .as((k, s) -> new Object[] {new EntryKey(k, s.typeId()), s});
        Arbitrary<Object[]> unknownEntry = Combinators.combine(keys(), Arbitraries.of(8, 0x8000),
                        dots().set().ofMinSize(1).ofMaxSize(2), Arbitraries.of(new byte[] {1, 2}, new byte[] {3}))
                .as((k, t, d, b) -> new Object[] {new EntryKey(k, t), UnknownCrdt.of(t, new TreeSet<>(d), b)});
        Arbitrary<Object[]> entries = unknown
                ? Arbitraries.frequencyOf(Tuple.of(9, entry), Tuple.of(1, unknownEntry))
                : entry;
        return entries.list().ofMaxSize(3).map(list -> {
            TreeMap<EntryKey, Crdt> map = new TreeMap<>();
            for (Object[] e : list) {
                map.put((EntryKey) e[0], (Crdt) e[1]);
            }
            return ORMap.of(map);
        });
    }
}
