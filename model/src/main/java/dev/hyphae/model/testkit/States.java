package dev.hyphae.model.testkit;

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
import dev.hyphae.model.Unknown;
import dev.hyphae.model.Value;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Arbitraries of valid states. States are drawn from small pools (three replicas, one with the high bit set,
 * counters 1 to 6, a handful of values and keys) so that two states often share dots, elements and keys, and LWW
 * timestamps often tie: that is where joins and queries go wrong. Every state is one that a decoder must accept:
 * no dot twice in a store, a context that covers the store.
 */
public final class States {

    /** The replicas of generated states and programs. */
    public static final List<ReplicaId> REPLICAS = List.of(
            new ReplicaId("00000000000000000000000000000001"),
            new ReplicaId("7f000000000000000000000000000000"),
            new ReplicaId("80000000000000000000000000000000"));

    private States() {
    }

    public static Arbitrary<Dot> dots() {
        return Combinators.combine(Arbitraries.of(REPLICAS), Arbitraries.longs().between(1, 6)).as(Dot::new);
    }

    /** Values of every kind, with the float64 corners (-0.0, NaN, infinities) and strings that normalisation would change. */
    public static Arbitrary<Value> values() {
        return Arbitraries.oneOf(
                Arbitraries.just(Value.NULL),
                Arbitraries.of(true, false).map(Value::of),
                Arbitraries.of(-1L, 0L, 1L, Long.MIN_VALUE, Long.MAX_VALUE).map(Value::of),
                Arbitraries.of(0.0, -0.0, 1.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)
                        .map(d -> Value.ofBits(Double.doubleToRawLongBits(d))),
                Arbitraries.of("", "a", "b", "\u00e9", "e\u0301", "\ud83c\udf44").map(Value::of),
                Arbitraries.of("", "00", "ff").map(Value.Bytes::new));
    }

    /** Map keys: strings, bytes and int64s. */
    public static Arbitrary<Value> keys() {
        return Arbitraries.oneOf(
                Arbitraries.of("kwh", "firmware", "tags").map(Value::of),
                Arbitraries.of("01", "80").map(Value.Bytes::new),
                Arbitraries.of(-1L, 7L).map(Value::of));
    }

    /** Unsigned counts, from small to the top of the 64-bit range. */
    public static Arbitrary<Long> counts() {
        return Arbitraries.of(1L, 2L, 5L, Long.MAX_VALUE, -2L, -1L);
    }

    /**
     * Valid states of {@code type}.
     *
     * @param unknown whether ORMaps may hold values of CRDT types that no specification assigns (8 and 0x8000)
     */
    public static Arbitrary<State> states(CrdtType type, boolean unknown) {
        return stores(type, 2, unknown).filter(States::hasUniqueDots)
                .flatMap(store -> contextsCovering(store).map(c -> new State(store, c)));
    }

    /**
     * States valid or not: as well as valid states, states in which one dot occurs under two elements of a set or two
     * entries of a map, as only a faulty replica writes them ("States and dot stores"). A decoder refuses a payload
     * of such a state (HY-DATA-055), but the join is defined on these too, and its laws hold on them.
     */
    public static Arbitrary<State> anyStates(CrdtType type, boolean unknown) {
        return stores(type, 2, unknown).flatMap(store -> contextsCovering(store).map(c -> new State(store, c)));
    }

    /** Valid states of any of {@code types}. */
    public static Arbitrary<State> states(Set<CrdtType> types, boolean unknown) {
        return Arbitraries.of(types).flatMap(t -> states(t, unknown));
    }

    /** Valid states of every type of version 1. */
    public static Arbitrary<State> states() {
        return states(EnumSet.allOf(CrdtType.class), false);
    }

    static boolean hasUniqueDots(Store store) {
        List<Dot> dots = store.dots();
        return new HashSet<>(dots).size() == dots.size();
    }

    static Arbitrary<CausalContext> contextsCovering(Store store) {
        return dots().set().ofMaxSize(8).map(extra -> {
            List<Dot> all = new ArrayList<>(store.dots());
            all.addAll(extra);
            return CausalContext.of(all);
        });
    }

    static Arbitrary<Store> stores(CrdtType type, int depth, boolean unknown) {
        return switch (type) {
            case GCOUNTER -> Arbitraries.maps(dots(), counts()).ofMaxSize(4).map(GCounter::of);
            case PNCOUNTER -> Arbitraries.maps(dots(), Combinators.combine(counts(), counts()).as(PNCounter.Totals::new))
                    .ofMaxSize(4).map(PNCounter::of);
            case LWW_REGISTER -> Arbitraries.maps(dots(), Combinators.combine(
                            Arbitraries.of(1L, 2L, 1L << 16, -1L), values()).as(LWWRegister.Write::new))
                    .ofMaxSize(3).map(LWWRegister::of);
            case MV_REGISTER -> Arbitraries.maps(dots(), values()).ofMaxSize(3).map(MVRegister::of);
            case EW_FLAG -> dots().set().ofMaxSize(4).map(EWFlag::of);
            case AW_SET -> Arbitraries.maps(values(), dots().set().ofMinSize(1).ofMaxSize(3)).ofMaxSize(3)
                    .map(m -> {
                        TreeMap<Value, TreeSet<Dot>> sorted = new TreeMap<>();
                        m.forEach((k, v) -> sorted.put(k, new TreeSet<>(v)));
                        return AWSet.of(sorted);
                    });
            case OR_MAP -> maps(depth, unknown);
        };
    }

    private static Arbitrary<Store> maps(int depth, boolean unknown) {
        Set<CrdtType> nested = EnumSet.allOf(CrdtType.class);
        if (depth == 0) {
            nested.remove(CrdtType.OR_MAP);
        }
        Arbitrary<Map.Entry<EntryKey, Store>> entry = Combinators.combine(keys(),
                        Arbitraries.of(nested).flatMap(t -> stores(t, depth - 1, unknown).filter(s -> !s.isEmpty())))
                .as((k, s) -> Map.entry(new EntryKey(k, s.typeId()), s));
        Arbitrary<Map.Entry<EntryKey, Store>> unknownEntry = Combinators.combine(keys(), Arbitraries.of(8, 0x8000),
                        dots().set().ofMinSize(1).ofMaxSize(2), Arbitraries.of("0102", "03"))
                .as((k, t, d, data) -> Map.entry(new EntryKey(k, t),
                        new Unknown(t, new TreeSet<>(List.of(new Unknown.Version(new ArrayList<>(d), data))))));
        Arbitrary<Map.Entry<EntryKey, Store>> entries = unknown
                ? Arbitraries.frequencyOf(Tuple.of(9, entry), Tuple.of(1, unknownEntry))
                : entry;
        return entries.list().ofMaxSize(3).map(list -> {
            TreeMap<EntryKey, Store> map = new TreeMap<>();
            list.forEach(e -> map.put(e.getKey(), e.getValue()));
            return ORMap.of(map);
        });
    }
}
