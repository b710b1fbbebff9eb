package dev.hyphae.sync;

import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.Value;

import java.util.function.UnaryOperator;

/**
 * The write that the replica's tests make most: the replica increments by 1 the GCounter under a key of a document's
 * map; and the read of that counter.
 */
final class Counters {

    private Counters() {
    }

    /** The delta mutator that increments the counter under {@code key} once, as {@code replica}. */
    static UnaryOperator<CausalState<ORMap>> increment(Replica replica, Value key) {
        return state -> state.store().update(key, CrdtType.GCOUNTER,
                (GCounter c) -> c.increment(state.context(), replica.replicaId(), 1));
    }

    /** The value of the counter under {@code key} in document "d"; an absent counter reads 0. */
    static long count(Replica replica, Value key) {
        return count(replica, "d", key);
    }

    /**
     * The value of the counter under {@code key} in {@code document}; an absent counter reads 0 (the map gives the
     * type's empty counter).
     */
    static long count(Replica replica, String document, Value key) {
        GCounter counter = replica.state(document).store().get(key, CrdtType.GCOUNTER);
        return counter.value().longValue();
    }
}
