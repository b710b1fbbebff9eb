package dev.hyphae.codec;

import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;

import java.util.Map;

/**
 * A dots column while the encoder writes it: dots as maximal runs of consecutive counters of one replica, each
 * (replica index, first counter, length) (specification, "Encoding", section "Dot runs").
 */
final class DotRuns {
    private final Map<ReplicaId, Integer> indexes;
    private final Packed.Writer out = new Packed.Writer();
    private int replica = -1;
    private long first;
    private long length;

    /** A column whose dots name replicas by their {@code indexes} in the replica table. */
    DotRuns(Map<ReplicaId, Integer> indexes) {
        this.indexes = indexes;
    }

    void add(Dot dot) {
        int index = indexes.get(dot.replica());
        if (index == replica && length > 0 && dot.counter() == first + length && dot.counter() != 0) {
            length++;
            return;
        }
        flush();
        replica = index;
        first = dot.counter();
        length = 1;
    }

    /**
     * Adds the dots (replica, first) to (replica, last), a maximal run that starts past every dot added so far and
     * does not continue the last of them (as the runs of a causal context's cloud are).
     */
    void addRun(ReplicaId replica, long first, long last) {
        flush();
        out.varint(indexes.get(replica)).varint(first).varint(last - first + 1);
    }

    private void flush() {
        if (length > 0) {
            out.varint(replica).varint(first).varint(length);
        }
        length = 0;
    }

    boolean isEmpty() {
        return length == 0 && out.isEmpty();
    }

    byte[] toByteArray() {
        flush();
        return out.toByteArray();
    }
}
