package dev.hyphae.model;

import java.util.List;

/**
 * A state or a delta (S, C): a store and a causal context. Applying a delta is joining it.
 */
public record State(Store store, CausalContext context) {

    /** The empty state (∅, ∅) of the type of id {@code typeId}. */
    public static State empty(int typeId) {
        return new State(CrdtType.emptyOf(typeId), CausalContext.EMPTY);
    }

    /** (S, C) ⊔ (S', C') = (J, C ∪ C'), J the join of the stores by their kind. */
    public State join(State other) {
        return new State(store.join(context, other.store, other.context), context.union(other.context));
    }

    /** The join of {@code states}, the first with the second and then each result with the next. */
    public static State joinAll(List<State> states) {
        State joined = states.get(0);
        for (State s : states.subList(1, states.size())) {
            joined = joined.join(s);
        }
        return joined;
    }

    /** Valid: dots(S) is contained in C and no dot occurs twice in S ("States and dot stores"). */
    public boolean isValid() {
        List<Dot> dots = store.dots();
        return dots.size() == new java.util.HashSet<>(dots).size() && dots.stream().allMatch(context::contains);
    }
}
