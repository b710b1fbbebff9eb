package dev.hyphae.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * LWWRegister (type id 3): a DotFun from dots to pairs (t, v) of an unsigned 64-bit timestamp and a value; the data
 * order is the timestamp, then the value. Concurrent writes all stay as entries; the query picks the winner.
 *
 * @param writes the entries, in dot order
 */
public record LWWRegister(SortedMap<Dot, Write> writes) implements Store {

    public static final LWWRegister EMPTY = new LWWRegister(new TreeMap<>());

    /** The data of an entry: (t, v). */
    public record Write(long timestamp, Value value) {
        static final Comparator<Write> ORDER = Comparator.<Write, Long>comparing(Write::timestamp, Long::compareUnsigned)
                .thenComparing(Write::value);
    }

    public LWWRegister {
        writes = Collections.unmodifiableSortedMap(new TreeMap<>(writes));
    }

    public static LWWRegister of(Map<Dot, Write> writes) {
        return new LWWRegister(new TreeMap<>(writes));
    }

    public int typeId() {
        return CrdtType.LWW_REGISTER.id();
    }

    public boolean isEmpty() {
        return writes.isEmpty();
    }

    public List<Dot> dots() {
        return new ArrayList<>(writes.keySet());
    }

    public Store join(CausalContext c, Store other, CausalContext d) {
        Joins.requireSameType(this, other);
        return new LWWRegister(Joins.dotFun(writes, c, ((LWWRegister) other).writes, d, Write.ORDER));
    }

    /**
     * The winner of the query (HY-DATA-032): the entry greatest by timestamp, then by the replica id of its dot, then by
     * its counter; empty when the register is unset.
     */
    public Optional<Map.Entry<Dot, Write>> winner() {
        Comparator<Map.Entry<Dot, Write>> order = Comparator.<Map.Entry<Dot, Write>, Long>comparing(
                e -> e.getValue().timestamp(), Long::compareUnsigned).thenComparing(Map.Entry::getKey);
        return writes.entrySet().stream().max(order);
    }

    /** The query (HY-DATA-032): the value of the {@linkplain #winner() winner}; empty when the register is unset. */
    public Optional<Value> value() {
        return winner().map(e -> e.getValue().value());
    }
}
