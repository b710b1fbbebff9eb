package dev.hyphae.tools;

import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;

/**
 * What the payload and operation vectors are built from: three fixed replica ids, the first of them below 0x80 and
 * the last above, so that unsigned comparison shows; a fixed clock reading; and the helpers that build states.
 */
final class VectorStates {

    static final ReplicaId A = ReplicaId.fromHex("0a000000000000000000000000000001");
    static final ReplicaId B = ReplicaId.fromHex("7f000000000000000000000000000002");
    static final ReplicaId C = ReplicaId.fromHex("80000000000000000000000000000003");
    static final long T0 = 1_767_225_600_000L << 16; // 2026-01-01T00:00:00Z as a hybrid logical clock reading

    private VectorStates() {
    }

    static CausalState<ORMap> emptyMap() {
        return new CausalState<>(ORMap.EMPTY, CausalContext.EMPTY);
    }

    static <T extends Crdt> CausalState<ORMap> put(CausalState<ORMap> state, Value key, CrdtType type,
                                                  java.util.function.BiFunction<T, CausalContext, CausalState<T>> mutator) {
        CausalContext context = state.context();
        return state.join(state.store().update(key, type, (T store) -> mutator.apply(store, context)));
    }

    static CausalState<ORMap> putDelta(CausalState<ORMap> state, Value key, CrdtType type,
                                       java.util.function.BiFunction<Crdt, CausalContext, CausalState<Crdt>> mutator) {
        CausalContext context = state.context();
        return state.store().update(key, type, (Crdt store) -> mutator.apply(store, context));
    }

    @SuppressWarnings("unchecked")
    static <T extends Crdt> CausalState<Crdt> general(CausalState<T> state) {
        return (CausalState<Crdt>) (CausalState<?>) state;
    }

    static <T extends Crdt> CausalState<T> start(T empty) {
        return new CausalState<>(empty, CausalContext.EMPTY);
    }

}
