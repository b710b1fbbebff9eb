package dev.hyphae.codec;

import dev.hyphae.ProtocolException;
import dev.hyphae.data.ReplicaId;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The replica table of a payload being decoded (specification, "Encoding", section "Replica table"): the replica
 * ids that its dots and version vector entries name by index.
 */
final class ReplicaTable {

    private final List<ReplicaId> replicas;

    private ReplicaTable(List<ReplicaId> replicas) {
        this.replicas = replicas;
    }

    /** HY-ENC-025: reads the {@code replicas} field, {@code null} if absent; its length is already verified. */
    static ReplicaTable read(ByteBuffer slice) throws ProtocolException {
        if (slice == null) {
            return new ReplicaTable(List.of());
        }
        int length = slice.remaining();
        if (length % ReplicaId.LENGTH != 0) {
            throw Malformed.decode("the replica table holds %d bytes, not a multiple of 16", length);
        }
        List<ReplicaId> table = new ArrayList<>(length / ReplicaId.LENGTH);
        Set<ReplicaId> seen = new HashSet<>();
        byte[] id = new byte[ReplicaId.LENGTH];
        for (int at = slice.position(); at < slice.limit(); at += ReplicaId.LENGTH) {
            slice.get(at, id);
            if (ReplicaId.isZero(id, 0)) {
                throw Malformed.decode("the replica table holds the reserved all-zero replica id");
            }
            ReplicaId replica = ReplicaId.of(id);
            if (!seen.add(replica)) {
                throw Malformed.decode("the replica table holds %s twice", replica);
            }
            table.add(replica);
        }
        return new ReplicaTable(table);
    }

    /**
     * A table that does not come from the payload: the session replica table of the direction a Delta travels in
     * (HY-ENC-055), which the session has already checked as it grew (no zero id, none twice).
     */
    static ReplicaTable external(List<ReplicaId> table) {
        if (new HashSet<>(table).size() != table.size()) {
            throw new IllegalArgumentException("a replica table that holds a replica id twice");
        }
        return new ReplicaTable(List.copyOf(table));
    }

    /** The replica ids, in the order of their indexes. */
    List<ReplicaId> replicas() {
        return replicas;
    }

    /**
     * HY-ENC-026, HY-ENC-056: reads a replica index from {@code column} and returns the replica it names; an index
     * past an external table is refused exactly as one past the payload's own.
     */
    ReplicaId replica(Packed.Reader column) throws ProtocolException {
        if (replicas.isEmpty()) {
            throw Malformed.decode("a replica index with an empty replica table");
        }
        return replicas.get(column.varint(replicas.size() - 1, "replica index"));
    }
}
