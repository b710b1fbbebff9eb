package dev.hyphae.codec;

import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.data.ReplicaId;

import java.util.List;

/**
 * A decoded payload: the state or delta of one document, with the replica table it was encoded with.
 *
 * <p>The replica table matters only for values of unknown type: their opaque data may name replicas by
 * index, so a payload that carries them is re-encoded with the same table, in the same order, for their
 * bytes to stay valid (HY-VER-017). For everything else the table is an encoding detail.
 *
 * @param replicaTable the replica ids in table order
 * @param state        the store and its causal context
 */
public record Payload(List<ReplicaId> replicaTable, CausalState<Crdt> state) {

    public Payload {
        replicaTable = List.copyOf(replicaTable);
    }

    /** A payload with no prescribed replica table: the encoder builds one. */
    public static Payload of(CausalState<? extends Crdt> state) {
        @SuppressWarnings("unchecked")
        CausalState<Crdt> general = (CausalState<Crdt>) state;
        return new Payload(List.of(), general);
    }
}
