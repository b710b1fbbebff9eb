package dev.hyphae.model;

import java.util.List;

/**
 * The dot store of a value of one CRDT type ("States and dot stores"); with a causal context it makes a
 * {@link State}. Stores are immutable values: equal when they hold the same entries.
 */
public sealed interface Store permits GCounter, PNCounter, LWWRegister, MVRegister, EWFlag, AWSet, ORMap, Unknown {

    /** The CRDT type id. */
    int typeId();

    /** Whether this is ∅, the empty store. */
    boolean isEmpty();

    /** dots(S): every dot that occurs in the store, at any depth, in the store's order (once per occurrence). */
    List<Dot> dots();

    /**
     * The join of the stores of (this, context) and (other, otherContext), by the kind of the store ("Join").
     *
     * @throws IllegalArgumentException if {@code other} is of another CRDT type
     */
    Store join(CausalContext context, Store other, CausalContext otherContext);
}
