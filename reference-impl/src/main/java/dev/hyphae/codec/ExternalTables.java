package dev.hyphae.codec;

import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;

import java.util.HashSet;
import java.util.List;

/**
 * The tables that a payload in session form is read against (specification, "Encoding", section "Session form"):
 * the external replica table, whose entries its replica indexes name, and the external key table, whose entries the
 * {@code key_indexes} of its ORMap batches name. In a session they are the session replica table and the session
 * key table of the direction that the Delta travels in, as they stand once the Delta's own declarations are appended.
 *
 * @param replicas the replica ids, in the order of their indexes: distinct, none the all-zero id
 * @param keys     the map keys, in the order of their indexes: distinct
 */
public record ExternalTables(List<ReplicaId> replicas, List<Value> keys) {

    /**
     * @throws IllegalArgumentException if a table holds one entry twice, or {@code keys} a value that is not a map key,
     *                                  which no session's table can (HY-SESS-067, HY-SESS-096)
     */
    public ExternalTables {
        replicas = List.copyOf(replicas);
        keys = List.copyOf(keys);
        if (new HashSet<>(replicas).size() != replicas.size()) {
            throw new IllegalArgumentException("a replica table that holds a replica id twice");
        }
        if (new HashSet<>(keys).size() != keys.size()) {
            throw new IllegalArgumentException("a key table that holds a key twice");
        }
        keys.forEach(KeyRuns::size);   // refuses a value that is not a map key
    }

    /** A replica table alone: a payload read against it names every key itself. */
    public static ExternalTables ofReplicas(List<ReplicaId> replicas) {
        return new ExternalTables(replicas, List.of());
    }
}
