package dev.hyphae.crdt;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An ORMap's entries with keys in strictly ascending order ({@link #ifAscending} checks each key against the one
 * before), seen as a sorted map: {@link ORMap#of} then builds its tree from them in one pass, where putting them one by
 * one would compare each key with a dozen others. The decoder uses it, through {@link ORMap#ofAscending}, for entries as
 * decoded (every encoder writes them in order), and {@link MutableState} for its entries once sorted. Entries in any
 * other order take the ordinary path, with the same checks.
 *
 * <p>Package-private on purpose: it wraps the caller's arrays without copying them, and its sub-map views are
 * mutable copies; it lives only for the length of one {@link ORMap#of} call, which copies it into the map's tree.
 */
final class AscendingEntries extends AbstractMap<EntryKey, Crdt> implements SortedMap<EntryKey, Crdt> {

    private final EntryKey[] keys;
    private final Crdt[] stores;

    private AscendingEntries(EntryKey[] keys, Crdt[] stores) {
        this.keys = keys;
        this.stores = stores;
    }

    /**
     * The entries with the given keys and stores, one store for each key at the same index.
     *
     * @return the entries, or {@code null} if the keys are not in strictly ascending order
     */
    static AscendingEntries ifAscending(EntryKey[] keys, Crdt[] stores) {
        for (int i = 1; i < keys.length; i++) {
            if (keys[i - 1].compareTo(keys[i]) >= 0) {
                return null;
            }
        }
        return new AscendingEntries(keys, stores);
    }

    @Override
    public Set<Map.Entry<EntryKey, Crdt>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<EntryKey, Crdt>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < keys.length;
                    }

                    @Override
                    public Map.Entry<EntryKey, Crdt> next() {
                        if (next >= keys.length) {
                            throw new NoSuchElementException();
                        }
                        Map.Entry<EntryKey, Crdt> entry = Map.entry(keys[next], stores[next]);
                        next++;
                        return entry;
                    }
                };
            }

            @Override
            public int size() {
                return keys.length;
            }
        };
    }

    @Override
    public Comparator<? super EntryKey> comparator() {
        return null;   // the natural order of entry keys
    }

    @Override
    public SortedMap<EntryKey, Crdt> subMap(EntryKey fromKey, EntryKey toKey) {
        return new TreeMap<>(this).subMap(fromKey, toKey);
    }

    @Override
    public SortedMap<EntryKey, Crdt> headMap(EntryKey toKey) {
        return new TreeMap<>(this).headMap(toKey);
    }

    @Override
    public SortedMap<EntryKey, Crdt> tailMap(EntryKey fromKey) {
        return new TreeMap<>(this).tailMap(fromKey);
    }

    @Override
    public EntryKey firstKey() {
        if (keys.length == 0) {
            throw new NoSuchElementException();
        }
        return keys[0];
    }

    @Override
    public EntryKey lastKey() {
        if (keys.length == 0) {
            throw new NoSuchElementException();
        }
        return keys[keys.length - 1];
    }
}
