package dev.hyphae.model;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * GCounter (type id 1): a DotFun from dots to counts, unsigned 64-bit integers held in {@code long}s; the data
 * order is that of counts as unsigned integers.
 *
 * @param counts the entries, in dot order
 */
public record GCounter(SortedMap<Dot, Long> counts) implements Store {

    public static final GCounter EMPTY = new GCounter(new TreeMap<>());

    public GCounter {
        counts = Collections.unmodifiableSortedMap(new TreeMap<>(counts));
    }

    public static GCounter of(Map<Dot, Long> counts) {
        return new GCounter(new TreeMap<>(counts));
    }

    public int typeId() {
        return CrdtType.GCOUNTER.id();
    }

    public boolean isEmpty() {
        return counts.isEmpty();
    }

    public List<Dot> dots() {
        return new ArrayList<>(counts.keySet());
    }

    public Store join(CausalContext c, Store other, CausalContext d) {
        Joins.requireSameType(this, other);
        return new GCounter(Joins.dotFun(counts, c, ((GCounter) other).counts, d, Long::compareUnsigned));
    }

    /** The query: the sum of all counts, exactly (HY-DATA-026). */
    public BigInteger value() {
        return counts.values().stream().map(Unsigned::big).reduce(BigInteger.ZERO, BigInteger::add);
    }
}
