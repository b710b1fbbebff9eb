package dev.hyphae.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * ORMap (type id 7): a DotMap from entry keys (k, t) to stores of the type t, nested maps included. Every nested
 * store shares the one causal context of the state.
 *
 * @param entries the entries, in the order of entry keys
 */
public record ORMap(SortedMap<EntryKey, Store> entries) implements Store {

    public static final ORMap EMPTY = new ORMap(new TreeMap<>());

    public ORMap {
        TreeMap<EntryKey, Store> copy = new TreeMap<>();
        entries.forEach((k, s) -> {
            if (s.typeId() != k.typeId()) {
                throw new IllegalArgumentException("the store under " + k + " is of type " + s.typeId());
            }
            if (s.isEmpty()) {
                throw new IllegalArgumentException("a DotMap never maps a key to an empty store: " + k);
            }
            copy.put(k, s);
        });
        entries = Collections.unmodifiableSortedMap(copy);
    }

    public static ORMap of(Map<EntryKey, Store> entries) {
        return new ORMap(new TreeMap<>(entries));
    }

    public int typeId() {
        return CrdtType.OR_MAP.id();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public List<Dot> dots() {
        List<Dot> dots = new ArrayList<>();
        entries.values().forEach(s -> dots.addAll(s.dots()));
        return dots;
    }

    /** S[(k, t)]: the store under the entry key, or the empty store of t. */
    public Store get(Value key, int typeId) {
        Store s = entries.get(new EntryKey(key, typeId));
        return s != null ? s : CrdtType.emptyOf(typeId);
    }

    public Store join(CausalContext c, Store other, CausalContext d) {
        Joins.requireSameType(this, other);
        return new ORMap(Joins.dotMap(entries, c, ((ORMap) other).entries, d,
                k -> CrdtType.emptyOf(k.typeId()), (mine, cc, theirs, dd) -> mine.join(cc, theirs, dd), Store::isEmpty));
    }

    /** The nesting depth of this map as the root of a payload: 1, plus the depth of its deepest nested map. */
    public int depth() {
        int deepest = 0;
        for (Store s : entries.values()) {
            if (s instanceof ORMap m) {
                deepest = Math.max(deepest, m.depth());
            }
        }
        return 1 + deepest;
    }
}
