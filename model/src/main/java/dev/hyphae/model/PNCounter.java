package dev.hyphae.model;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * PNCounter (type id 2): a DotFun from dots to pairs (p, n) of unsigned 64-bit totals of increments and decrements;
 * the data order is p, then n, as unsigned integers.
 *
 * @param totals the entries, in dot order
 */
public record PNCounter(SortedMap<Dot, Totals> totals) implements Store {

    public static final PNCounter EMPTY = new PNCounter(new TreeMap<>());

    /** The data of an entry: (p, n), both unsigned. */
    public record Totals(long increments, long decrements) {
        static final Comparator<Totals> ORDER = Comparator.<Totals, Long>comparing(Totals::increments, Long::compareUnsigned)
                .thenComparing(Totals::decrements, Long::compareUnsigned);
    }

    public PNCounter {
        totals = Collections.unmodifiableSortedMap(new TreeMap<>(totals));
    }

    public static PNCounter of(Map<Dot, Totals> totals) {
        return new PNCounter(new TreeMap<>(totals));
    }

    public int typeId() {
        return CrdtType.PNCOUNTER.id();
    }

    public boolean isEmpty() {
        return totals.isEmpty();
    }

    public List<Dot> dots() {
        return new ArrayList<>(totals.keySet());
    }

    public Store join(CausalContext c, Store other, CausalContext d) {
        Joins.requireSameType(this, other);
        return new PNCounter(Joins.dotFun(totals, c, ((PNCounter) other).totals, d, Totals.ORDER));
    }

    /** The query: the sum of the parts p minus the sum of the parts n, exactly and signed (HY-DATA-028). */
    public BigInteger value() {
        BigInteger value = BigInteger.ZERO;
        for (Totals t : totals.values()) {
            value = value.add(Unsigned.big(t.increments())).subtract(Unsigned.big(t.decrements()));
        }
        return value;
    }
}
