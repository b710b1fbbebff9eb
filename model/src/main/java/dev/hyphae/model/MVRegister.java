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
 * MVRegister (type id 4): a DotFun from dots to values; the data order is the value order.
 *
 * @param entries the entries, in dot order
 */
public record MVRegister(SortedMap<Dot, Value> entries) implements Store {

    public static final MVRegister EMPTY = new MVRegister(new TreeMap<>());

    public MVRegister {
        entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
    }

    public static MVRegister of(Map<Dot, Value> entries) {
        return new MVRegister(new TreeMap<>(entries));
    }

    public int typeId() {
        return CrdtType.MV_REGISTER.id();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public List<Dot> dots() {
        return new ArrayList<>(entries.keySet());
    }

    public Store join(CausalContext c, Store other, CausalContext d) {
        Joins.requireSameType(this, other);
        return new MVRegister(Joins.dotFun(entries, c, ((MVRegister) other).entries, d, Value::compareTo));
    }

    /** The query (HY-DATA-033): each distinct value once, in ascending value order. */
    public SortedSet<Value> values() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(entries.values()));
    }
}
