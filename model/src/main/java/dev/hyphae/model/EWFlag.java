package dev.hyphae.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * EWFlag (type id 5): a DotSet. The flag is on when the set is not empty.
 *
 * @param dotSet the dots, in dot order
 */
public record EWFlag(SortedSet<Dot> dotSet) implements Store {

    public static final EWFlag EMPTY = new EWFlag(new TreeSet<>());

    public EWFlag {
        dotSet = Collections.unmodifiableSortedSet(new TreeSet<>(dotSet));
    }

    public static EWFlag of(Collection<Dot> dots) {
        return new EWFlag(new TreeSet<>(dots));
    }

    public int typeId() {
        return CrdtType.EW_FLAG.id();
    }

    public boolean isEmpty() {
        return dotSet.isEmpty();
    }

    public List<Dot> dots() {
        return new ArrayList<>(dotSet);
    }

    public Store join(CausalContext c, Store other, CausalContext d) {
        Joins.requireSameType(this, other);
        return new EWFlag(Joins.dotSet(dotSet, c, ((EWFlag) other).dotSet, d));
    }

    /** The query: whether the flag is on. */
    public boolean value() {
        return !dotSet.isEmpty();
    }
}
