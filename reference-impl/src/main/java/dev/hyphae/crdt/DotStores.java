package dev.hyphae.crdt;

import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;

import java.util.Comparator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The three joins of the delta-state paper (Almeida, Shoker, Baquero 2018), on which every type is built.
 */
final class DotStores {

    private DotStores() {
    }

    /** DotSet: (S ∩ S') ∪ (S ∖ C') ∪ (S' ∖ C). */
    static TreeSet<Dot> joinDotSet(SortedSet<Dot> s, CausalContext c, SortedSet<Dot> t, CausalContext d) {
        TreeSet<Dot> joined = new TreeSet<>();
        for (Dot dot : s) {
            if (t.contains(dot) || !d.contains(dot)) {
                joined.add(dot);
            }
        }
        for (Dot dot : t) {
            if (!s.contains(dot) && !c.contains(dot)) {
                joined.add(dot);
            }
        }
        return joined;
    }

    /**
     * DotFun: an entry survives if the other side has it too or has not seen its dot. Where both sides hold
     * one dot with different data (only a faulty replica does that), the greater data in {@code order} wins,
     * which keeps the join commutative.
     */
    static <V> TreeMap<Dot, V> joinDotFun(
            SortedMap<Dot, V> s, CausalContext c, SortedMap<Dot, V> t, CausalContext d, Comparator<? super V> order) {
        TreeMap<Dot, V> joined = new TreeMap<>();
        for (Map.Entry<Dot, V> entry : s.entrySet()) {
            V theirs = t.get(entry.getKey());
            if (theirs != null) {
                V mine = entry.getValue();
                joined.put(entry.getKey(), order.compare(mine, theirs) >= 0 ? mine : theirs);
            } else if (!d.contains(entry.getKey())) {
                joined.put(entry.getKey(), entry.getValue());
            }
        }
        for (Map.Entry<Dot, V> entry : t.entrySet()) {
            if (!s.containsKey(entry.getKey()) && !c.contains(entry.getKey())) {
                joined.put(entry.getKey(), entry.getValue());
            }
        }
        return joined;
    }

    /**
     * DotMap: per key, the join of the two stores (an absent key is the empty store); keys whose joined store
     * is empty are dropped.
     *
     * <p>A key that only this side holds keeps its store unchanged unless the other side's context holds one
     * of its dots, because joining a store with the empty store removes exactly the dots the other context
     * holds. Skipping those joins turns applying a small delta to a large state from rebuilding every entry
     * into checking every entry's dots.
     */
    static <K, S> TreeMap<K, S> joinDotMap(
            SortedMap<K, S> s, CausalContext c, SortedMap<K, S> t, CausalContext d,
            Comparator<? super K> keyOrder, Function<K, S> empty, JoinFunction<S> join, Function<S, Boolean> isEmpty,
            java.util.function.BiPredicate<S, CausalContext> anyDotIn) {
        TreeMap<K, S> joined = new TreeMap<>(keyOrder);
        joined.putAll(s);
        for (Map.Entry<K, S> entry : s.entrySet()) {
            K key = entry.getKey();
            if (!t.containsKey(key) && anyDotIn.test(entry.getValue(), d)) {
                put(joined, key, join.join(entry.getValue(), c, empty.apply(key), d), isEmpty);
            }
        }
        for (Map.Entry<K, S> entry : t.entrySet()) {
            K key = entry.getKey();
            S mine = s.containsKey(key) ? s.get(key) : empty.apply(key);
            put(joined, key, join.join(mine, c, entry.getValue(), d), isEmpty);
        }
        return joined;
    }

    private static <K, S> void put(TreeMap<K, S> map, K key, S store, Function<S, Boolean> isEmpty) {
        if (isEmpty.apply(store)) {
            map.remove(key);
        } else {
            map.put(key, store);
        }
    }

    /** The join of two nested stores. */
    interface JoinFunction<S> {
        S join(S mine, CausalContext c, S theirs, CausalContext d);
    }

    /** The entries of {@code store} whose dot has replica {@code replica}. */
    static <V> NavigableMap<Dot, V> entriesOf(NavigableMap<Dot, V> store, ReplicaId replica) {
        return store.subMap(new Dot(replica, 1), true, new Dot(replica, -1L), true);
    }
}
