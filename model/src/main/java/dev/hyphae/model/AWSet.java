package dev.hyphae.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * AWSet (type id 6): a DotMap from elements, values of any type, to DotSets.
 *
 * @param entries each element with its dots, in value order of the elements
 */
public record AWSet(SortedMap<Value, SortedSet<Dot>> entries) implements Store {

    public static final AWSet EMPTY = new AWSet(new TreeMap<>());

    public AWSet {
        TreeMap<Value, SortedSet<Dot>> copy = new TreeMap<>();
        entries.forEach((e, dots) -> {
            if (dots.isEmpty()) {
                throw new IllegalArgumentException("a DotMap never maps a key to an empty store: " + e);
            }
            copy.put(e, Collections.unmodifiableSortedSet(new TreeSet<>(dots)));
        });
        entries = Collections.unmodifiableSortedMap(copy);
    }

    public static AWSet of(Map<Value, ? extends SortedSet<Dot>> entries) {
        return new AWSet(new TreeMap<>(entries));
    }

    public int typeId() {
        return CrdtType.AW_SET.id();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public List<Dot> dots() {
        List<Dot> dots = new ArrayList<>();
        entries.values().forEach(dots::addAll);
        return dots;
    }

    public Store join(CausalContext c, Store other, CausalContext d) {
        Joins.requireSameType(this, other);
        return new AWSet(Joins.<Value, SortedSet<Dot>>dotMap(entries, c, ((AWSet) other).entries, d,
                e -> Collections.emptySortedSet(), Joins::dotSet, SortedSet::isEmpty));
    }

    /** The query (HY-DATA-034): dom(S), in ascending value order. */
    public SortedSet<Value> elements() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(entries.keySet()));
    }
}
