package dev.hyphae.model;

import java.util.Comparator;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/** The three joins of "Join", on which every type is built, written as the figure writes them. */
final class Joins {

    private Joins() {
    }

    /** DotSet: J = (S ∩ S') ∪ (S ∖ C') ∪ (S' ∖ C). */
    static TreeSet<Dot> dotSet(SortedSet<Dot> s, CausalContext c, SortedSet<Dot> t, CausalContext d) {
        TreeSet<Dot> joined = new TreeSet<>();
        for (Dot dot : s) {
            if (t.contains(dot) || !d.contains(dot)) {
                joined.add(dot);
            }
        }
        for (Dot dot : t) {
            if (s.contains(dot) || !c.contains(dot)) {
                joined.add(dot);
            }
        }
        return joined;
    }

    /**
     * DotFun: a dot in both domains keeps the greater data in the type's data order; a dot in one domain is kept
     * unless the other context contains it.
     */
    static <V> TreeMap<Dot, V> dotFun(SortedMap<Dot, V> s, CausalContext c, SortedMap<Dot, V> t, CausalContext d,
                                      Comparator<? super V> dataOrder) {
        TreeMap<Dot, V> joined = new TreeMap<>();
        s.forEach((dot, v) -> {
            if (t.containsKey(dot)) {
                V w = t.get(dot);
                joined.put(dot, dataOrder.compare(v, w) >= 0 ? v : w);
            } else if (!d.contains(dot)) {
                joined.put(dot, v);
            }
        });
        t.forEach((dot, w) -> {
            if (!s.containsKey(dot) && !c.contains(dot)) {
                joined.put(dot, w);
            }
        });
        return joined;
    }

    /** The join of two nested stores in the contexts of the whole states. */
    interface Nested<S> {
        S join(S mine, CausalContext c, S theirs, CausalContext d);
    }

    /**
     * DotMap: J = { k ↦ J(k) | k ∈ dom(M) ∪ dom(M'), J(k) ≠ ∅ }, where J(k) is the join of M[k] and M'[k], an
     * absent key standing for the empty store {@code empty.apply(k)}.
     */
    static <K, S> TreeMap<K, S> dotMap(SortedMap<K, S> m, CausalContext c, SortedMap<K, S> n, CausalContext d,
                                       Function<K, S> empty, Nested<S> join, Function<S, Boolean> isEmpty) {
        TreeSet<K> keys = new TreeSet<>(m.comparator());
        keys.addAll(m.keySet());
        keys.addAll(n.keySet());
        TreeMap<K, S> joined = new TreeMap<>(m.comparator());
        for (K k : keys) {
            S j = join.join(m.containsKey(k) ? m.get(k) : empty.apply(k), c, n.containsKey(k) ? n.get(k) : empty.apply(k), d);
            if (!isEmpty.apply(j)) {
                joined.put(k, j);
            }
        }
        return joined;
    }

    static void requireSameType(Store a, Store b) {
        if (a.typeId() != b.typeId()) {
            throw new IllegalArgumentException("cannot join a store of type " + a.typeId() + " with one of type " + b.typeId());
        }
    }
}
