package dev.hyphae.crdt;

import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.Limits;
import dev.hyphae.data.MutationRefusedException;
import dev.hyphae.data.Value;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * ORMap (type 7): an observed-remove map from keys to CRDT values, as a DotMap from {@link EntryKey entry
 * keys} (key and type id) to dot stores. Values may be ORMaps; every nested store shares the one causal
 * context of the document.
 *
 * <p>A remove removes exactly the dots it has seen. An update concurrent with a remove of the same key
 * survives with the update's new dots only: for an AWSet, the elements added concurrently; for a counter,
 * the updating replica's running total (see the specification's examples).
 */
public final class ORMap implements Crdt {

    /** The empty map. */
    public static final ORMap EMPTY = new ORMap(new TreeMap<>());

    private final NavigableMap<EntryKey, Crdt> entries;

    private ORMap(TreeMap<EntryKey, Crdt> entries) {
        this.entries = Collections.unmodifiableNavigableMap(entries);
    }

    /**
     * The map with exactly these entries; entries whose store is empty are left out.
     *
     * @throws IllegalArgumentException if an entry key's type id differs from its store's
     */
    public static ORMap of(SortedMap<EntryKey, ? extends Crdt> entries) {
        boolean someEmpty = false;
        for (Map.Entry<EntryKey, ? extends Crdt> e : entries.entrySet()) {
            if (e.getKey().typeId() != e.getValue().typeId()) {
                throw new IllegalArgumentException("entry " + e.getKey() + " holds a store of type " + e.getValue().typeId());
            }
            someEmpty |= e.getValue().isEmpty();
        }
        if (!someEmpty && entries.comparator() == null) {
            return new ORMap(new TreeMap<>(entries));   // copied in order, in one pass without comparing keys
        }
        TreeMap<EntryKey, Crdt> copy = new TreeMap<>();
        entries.forEach((key, store) -> {
            if (!store.isEmpty()) {
                copy.put(key, store);
            }
        });
        return new ORMap(copy);
    }

    /**
     * The map with exactly these entries, given in strictly ascending key order, one store for each key at the same
     * index; entries whose store is empty are left out. The tree is then built in one pass, without comparing keys
     * (a decoder's case: every encoder writes an ORMap's entries in order). The arrays are read, not kept.
     *
     * @return the map, or {@code null} if the keys are not in strictly ascending order (the caller then takes
     *         {@link #of}, which finds a repeated key)
     * @throws IllegalArgumentException if the arrays differ in length, or an entry key's type id differs from its
     *                                  store's
     */
    public static ORMap ofAscending(EntryKey[] keys, Crdt[] stores) {
        if (keys.length != stores.length) {
            throw new IllegalArgumentException(keys.length + " entry keys for " + stores.length + " stores");
        }
        AscendingEntries ascending = AscendingEntries.ifAscending(keys, stores);
        return ascending == null ? null : of(ascending);
    }

    /** The entries, in entry key order. */
    public NavigableMap<EntryKey, Crdt> entries() {
        return entries;
    }

    /** The entries under {@code key}, by type id: normally one, two or more after concurrent puts of different types. */
    public SortedMap<Integer, Crdt> get(Value key) {
        TreeMap<Integer, Crdt> byType = new TreeMap<>();
        entries.subMap(new EntryKey(key, 1), true, new EntryKey(key, 0xFFFF), true)
                .forEach((k, store) -> byType.put(k.typeId(), store));
        return byType;
    }

    /** The store of type {@code type} under {@code key}, or that type's empty store. */
    @SuppressWarnings("unchecked")
    public <T extends Crdt> T get(Value key, CrdtType type) {
        return (T) entries.getOrDefault(new EntryKey(key, type.id()), type.empty());
    }

    /** The distinct keys, in value order. */
    public List<Value> keys() {
        TreeSet<Value> keys = new TreeSet<>();
        entries.keySet().forEach(k -> keys.add(k.key()));
        return List.copyOf(keys);
    }

    /** The nesting depth: 1 for a map without nested maps. */
    public int depth() {
        int deepest = 0;
        for (Crdt store : entries.values()) {
            if (store instanceof ORMap nested) {
                deepest = Math.max(deepest, nested.depth());
            }
        }
        return 1 + deepest;
    }

    /**
     * The delta of applying the delta mutator {@code mutator} of type {@code type} to the entry under
     * {@code key}. The mutator receives the entry's current store (empty if absent) and returns its delta,
     * computed in the document's context, which the caller captures.
     *
     * <pre>{@code
     * map.update(Value.of("kwh"), CrdtType.GCOUNTER, (GCounter c) -> c.increment(context, replica, 3));
     * }</pre>
     *
     * @throws MutationRefusedException if the result would nest deeper than {@link Limits#MAX_NESTING_DEPTH}
     */
    public <T extends Crdt> CausalState<ORMap> update(Value key, CrdtType type, Function<T, CausalState<T>> mutator) {
        EntryKey entryKey = new EntryKey(key, type.id());
        CausalState<T> delta = mutator.apply(get(key, type));
        if (delta.store() instanceof ORMap nested && nested.depth() + 1 > Limits.MAX_NESTING_DEPTH) {
            throw new MutationRefusedException("maps would nest deeper than MAX_NESTING_DEPTH");
        }
        TreeMap<EntryKey, Crdt> store = new TreeMap<>();
        if (!delta.store().isEmpty()) {
            store.put(entryKey, delta.store());
        }
        return DeltaLimits.checked(new CausalState<>(new ORMap(store), delta.context()));
    }

    /** The delta of removing {@code key}: every entry under it, of every type, as far as seen. */
    public CausalState<ORMap> remove(Value key) {
        List<Dot> covered = new ArrayList<>();
        get(key).values().forEach(store -> store.forEachDot(covered::add));
        return DeltaLimits.checked(new CausalState<>(EMPTY, CausalContext.of(covered)));
    }

    /** The delta of removing every entry seen. */
    public CausalState<ORMap> clear() {
        List<Dot> covered = new ArrayList<>();
        forEachDot(covered::add);
        return DeltaLimits.checked(new CausalState<>(EMPTY, CausalContext.of(covered)));
    }

    @Override
    public int typeId() {
        return CrdtType.OR_MAP.id();
    }

    @Override
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    @Override
    public void forEachDot(Consumer<Dot> action) {
        entries.values().forEach(store -> store.forEachDot(action));
    }

    @Override
    public ORMap join(Crdt other, CausalContext context, CausalContext otherContext) {
        ORMap that = (ORMap) other;
        return new ORMap(DotStores.joinDotMap(
                entries, context, that.entries, otherContext, EntryKey::compareTo,
                key -> CrdtType.emptyOf(key.typeId()),
                (a, c, b, d) -> a.join(b, c, d),
                Crdt::isEmpty,
                ORMap::anyDotIn));
    }

    private static boolean anyDotIn(Crdt store, CausalContext context) {
        boolean[] found = {false};
        store.forEachDot(dot -> found[0] |= context.contains(dot));
        return found[0];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ORMap other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("ORMap{");
        for (Map.Entry<EntryKey, Crdt> e : entries.entrySet()) {
            out.append(e.getKey().key()).append('#').append(e.getKey().typeId()).append('=').append(e.getValue()).append(' ');
        }
        return out.append('}').toString();
    }
}
