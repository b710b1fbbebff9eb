package dev.hyphae.codec;

import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tables that a payload in session form is read against (specification, "Encoding", section "Session form"):
 * the external replica table, whose entries its replica indexes name, and the external key table, whose entries the
 * {@code key_indexes} of its ORMap batches name. In a session they are the session replica table and the session
 * key table of the direction that the Delta travels in, as they stand once the Delta's own declarations are appended.
 *
 * <p>Immutable. The index of each entry is computed at most once per value, by the encoder's first call, not once per
 * payload encoded against it: a session keeps one value of its tables until a declaration grows them, and encodes
 * every Delta of every document against it, so that the cost of indexing a table of 1,000 keys is paid once per
 * table, not once per write. The indexes are built on that first call rather than when the tables are made because
 * only the sending direction reads them: the receiving direction's tables (a session's received tables, anti-entropy,
 * the decoder) only look entries up by position, and two index maps at full tables would cost about a mebibyte per
 * session there for nothing. (A value class rather than a record for that reason alone: a record cannot hold the
 * indexes beside its components. It is equal to another by its two tables, as the record was.)
 */
public final class ExternalTables {

    private final List<ReplicaId> replicas;
    private final List<Value> keys;
    /*
     * Built on first use (see the class comment). Benign race: two threads that both find null each build equal,
     * unmodifiable maps from the same immutable lists, and whichever is published last wins; the fields are volatile so
     * that a map is only ever seen fully built.
     */
    private volatile Map<ReplicaId, Integer> replicaIndexes;
    private volatile Map<Value, Integer> keyIndexes;

    /**
     * @param replicas the replica ids, in the order of their indexes: distinct, none the all-zero id
     * @param keys     the map keys, in the order of their indexes: distinct
     * @throws IllegalArgumentException if a table holds one entry twice, or {@code keys} a value that is not a map key,
     *                                  which no session's table can (HY-SESS-067, HY-SESS-096)
     */
    public ExternalTables(List<ReplicaId> replicas, List<Value> keys) {
        this.replicas = List.copyOf(replicas);
        this.keys = List.copyOf(keys);
        requireDistinct(this.replicas, "a replica table that holds a replica id twice");
        requireDistinct(this.keys, "a key table that holds a key twice");
        this.keys.forEach(KeyRuns::size);   // refuses a value that is not a map key
    }

    /** The check alone, with a set that is dropped at once: the indexes are built only if an encoder asks for them. */
    private static <T> void requireDistinct(List<T> table, String duplicate) {
        Set<T> seen = new HashSet<>(capacity(table.size()));
        for (T entry : table) {
            if (!seen.add(entry)) {
                throw new IllegalArgumentException(duplicate);
            }
        }
    }

    /** The index of each entry of a table already known to hold each entry once. */
    private static <T> Map<T, Integer> indexes(List<T> table) {
        Map<T, Integer> indexes = new HashMap<>(capacity(table.size()));
        for (int i = 0; i < table.size(); i++) {
            indexes.put(table.get(i), i);
        }
        return Collections.unmodifiableMap(indexes);
    }

    private static int capacity(int entries) {
        return Math.max(4, entries * 4 / 3 + 1);
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
        Map<ReplicaId, Integer> indexes = replicaIndexes;
        if (indexes == null) {
            indexes = indexes(replicas);
            replicaIndexes = indexes;
        }
        return indexes;
    }

    /** The index of each key of {@link #keys()}. */
    Map<Value, Integer> keyIndexes() {
        Map<Value, Integer> indexes = keyIndexes;
        if (indexes == null) {
            indexes = indexes(keys);
            keyIndexes = indexes;
        }
        return indexes;
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
