package dev.hyphae.codec;

import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tables that a payload in session form is read against (specification, "Encoding", section "Session form"):
 * the external replica table, whose entries its replica indexes name, and the external key table, whose entries the
 * {@code key_indexes} of its ORMap batches name. In a session they are the session replica table and the session
 * key table of the direction that the Delta travels in, as they stand once the Delta's own declarations are appended.
 *
 * <p>Immutable. The index of each entry is computed once, when the tables are made, not once per payload encoded
 * against them: a session keeps one value of its tables until a declaration grows them, and encodes every Delta of
 * every document against it, so that the cost of indexing a table of 1,000 keys is paid once per table, not once per
 * write. (A value class rather than a record for that reason alone: a record cannot hold the indexes beside its
 * components. It is equal to another by its two tables, as the record was.)
 */
public final class ExternalTables {

    private final List<ReplicaId> replicas;
    private final List<Value> keys;
    private final Map<ReplicaId, Integer> replicaIndexes;
    private final Map<Value, Integer> keyIndexes;

    /**
     * @param replicas the replica ids, in the order of their indexes: distinct, none the all-zero id
     * @param keys     the map keys, in the order of their indexes: distinct
     * @throws IllegalArgumentException if a table holds one entry twice, or {@code keys} a value that is not a map key,
     *                                  which no session's table can (HY-SESS-067, HY-SESS-096)
     */
    public ExternalTables(List<ReplicaId> replicas, List<Value> keys) {
        this.replicas = List.copyOf(replicas);
        this.keys = List.copyOf(keys);
        this.replicaIndexes = indexes(this.replicas, "a replica table that holds a replica id twice");
        this.keyIndexes = indexes(this.keys, "a key table that holds a key twice");
        this.keys.forEach(KeyRuns::size);   // refuses a value that is not a map key
    }

    private static <T> Map<T, Integer> indexes(List<T> table, String duplicate) {
        Map<T, Integer> indexes = new HashMap<>(Math.max(4, table.size() * 4 / 3 + 1));
        for (int i = 0; i < table.size(); i++) {
            if (indexes.putIfAbsent(table.get(i), i) != null) {
                throw new IllegalArgumentException(duplicate);
            }
        }
        return Collections.unmodifiableMap(indexes);
    }

    /** A replica table alone: a payload read against it names every key itself. */
    public static ExternalTables ofReplicas(List<ReplicaId> replicas) {
        return new ExternalTables(replicas, List.of());
    }

    /** The replica ids, in the order of their indexes. */
    public List<ReplicaId> replicas() {
        return replicas;
    }

    /** The map keys, in the order of their indexes. */
    public List<Value> keys() {
        return keys;
    }

    /** The index of each replica id of {@link #replicas()}. */
    Map<ReplicaId, Integer> replicaIndexes() {
        return replicaIndexes;
    }

    /** The index of each key of {@link #keys()}. */
    Map<Value, Integer> keyIndexes() {
        return keyIndexes;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ExternalTables o && replicas.equals(o.replicas) && keys.equals(o.keys);
    }

    @Override
    public int hashCode() {
        return 31 * replicas.hashCode() + keys.hashCode();
    }

    @Override
    public String toString() {
        return "ExternalTables[replicas=" + replicas + ", keys=" + keys + "]";
    }
}
