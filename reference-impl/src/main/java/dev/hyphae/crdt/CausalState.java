package dev.hyphae.crdt;

import dev.hyphae.data.CausalContext;

import java.util.ArrayList;
import java.util.List;

/**
 * A state or a delta: a dot store with its causal context. Applying a delta is joining it.
 *
 * @param store   the dot store
 * @param context the causal context: every dot this state has seen, whether or not it is still in the store
 * @param <T>     the CRDT type
 */
public record CausalState<T extends Crdt>(T store, CausalContext context) {

    /** The join of this state with {@code other}: (S ⊔ S', C ∪ C'). */
    @SuppressWarnings("unchecked")
    public CausalState<T> join(CausalState<T> other) {
        T joined = (T) store.join(other.store, context, other.context);
        return new CausalState<>(joined, context.union(other.context));
    }

    /** Whether this is the empty delta: empty store, empty context. */
    public boolean isEmptyDelta() {
        return store.isEmpty() && context.isEmpty();
    }

    /** Every dot of the store, in order. */
    public List<dev.hyphae.data.Dot> dots() {
        List<dev.hyphae.data.Dot> dots = new ArrayList<>();
        store.forEachDot(dots::add);
        return dots;
    }
}
