package dev.hyphae.model;

import java.util.Comparator;

/**
 * An ORMap entry key (k, t): a map key and a CRDT type id, ordered by the key in value order, then by the type id.
 */
public record EntryKey(Value key, int typeId) implements Comparable<EntryKey> {

    private static final Comparator<EntryKey> ORDER = Comparator.comparing(EntryKey::key).thenComparingInt(EntryKey::typeId);

    public EntryKey {
        if (!key.isMapKey()) {
            throw new IllegalArgumentException("an ORMap key is an int64, a string or bytes: " + key);
        }
        if (typeId <= 0 || typeId > 0xFFFF) {
            throw new IllegalArgumentException("a CRDT type id of an entry is from 1 to 65535: " + typeId);
        }
    }

    @Override
    public int compareTo(EntryKey other) {
        return ORDER.compare(this, other);
    }
}
