package dev.hyphae.crdt;

import dev.hyphae.data.Value;

/**
 * The key of an ORMap entry: a map key (a string, bytes or int64 value) paired with the CRDT type id of the
 * entry's value. Because the type is part of the key, two replicas that concurrently put different types
 * under one key make two entries, not a conflict.
 *
 * <p>Ordered by key (value order), then type id.
 */
public record EntryKey(Value key, int typeId) implements Comparable<EntryKey> {

    public EntryKey {
        if (key.kind() != Value.Kind.STRING && key.kind() != Value.Kind.BYTES && key.kind() != Value.Kind.INT64) {
            throw new IllegalArgumentException("a map key is a string, bytes or int64 value, not " + key.kind());
        }
        if (typeId <= 0 || typeId > 0xFFFF) {
            throw new IllegalArgumentException("a CRDT type id is 1 to 65535, not " + typeId);
        }
    }

    @Override
    public int compareTo(EntryKey other) {
        int byKey = key.compareTo(other.key);
        return byKey != 0 ? byKey : Integer.compare(typeId, other.typeId);
    }
}
