package dev.hyphae.crdt;

import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;

import java.util.function.Consumer;

/**
 * The dot store of one CRDT value: the part of a state that is not the causal context (specification,
 * "Dot stores and join"). A whole state or delta is a {@link CausalState}: a store with its context.
 *
 * <p>Stores are immutable. Join takes the two contexts because whether an entry survives depends on whether
 * the other side has seen its dot.
 */
public sealed interface Crdt permits GCounter, PNCounter, LWWRegister, MVRegister, EWFlag, AWSet, ORMap, UnknownCrdt {

    /** The CRDT type id from the registry. */
    int typeId();

    /** Whether this is the empty store (the bottom of the type). */
    boolean isEmpty();

    /** Calls {@code action} with every dot in this store, nested stores included. */
    void forEachDot(Consumer<Dot> action);

    /**
     * The join of this store, in context {@code context}, with {@code other}, of the same type, in context
     * {@code otherContext}. Commutative, associative and idempotent on all stores, valid or not.
     *
     * @throws IllegalArgumentException if {@code other} is of another type
     */
    Crdt join(Crdt other, CausalContext context, CausalContext otherContext);
}
