package dev.hyphae.model;

import dev.hyphae.model.testkit.Mutations;
import dev.hyphae.model.testkit.States;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The delta-mutator law and what every delta of a correct replica is, for generated states and mutations. */
class DeltaMutatorProperties {

    @Provide
    Arbitrary<State> states() {
        return States.states();
    }

    @Provide
    Arbitrary<Mutations.Plan> plans() {
        return Mutations.plans(2);
    }

    @Provide
    Arbitrary<ReplicaId> replicas() {
        return Arbitraries.of(States.REPLICAS);
    }

    /**
     * The delta-mutator law, X ⊔ mδ(X) = m(X), with m the full-state mutator written apart in
     * {@link FullStateMutators}; and joining δ again, or in the other order, changes nothing.
     */
    @Property(tries = 1000)
    @Requirement({"HY-DATA-021", "HY-DATA-022", "HY-DATA-023"})
    void stateJoinedWithItsDeltaIsTheMutatedState(@ForAll("states") State state, @ForAll("plans") Mutations.Plan plan,
                                                   @ForAll("replicas") ReplicaId replica) {
        Mutation m = Mutations.resolve(plan, state.store());
        State delta;
        try {
            delta = Mutators.delta(state, replica, m);
        } catch (MutationRefused refused) {
            Assume.that(false);
            return;
        }
        State after = state.join(delta);
        assertEquals(FullStateMutators.mutated(state, replica, m), after);
        assertEquals(after, after.join(delta));
        assertEquals(after, delta.join(state));
    }

    /** A delta is a valid state, and its dots are the next dot of the writer, if any. */
    @Property(tries = 1000)
    @Requirement({"HY-DATA-005", "HY-DATA-006"})
    void aDeltaIsValidAndIssuesTheNextDot(@ForAll("states") State state, @ForAll("plans") Mutations.Plan plan,
                                          @ForAll("replicas") ReplicaId replica) {
        Mutation m = Mutations.resolve(plan, state.store());
        State delta;
        try {
            delta = Mutators.delta(state, replica, m);
        } catch (MutationRefused refused) {
            Assume.that(false);
            return;
        }
        assertTrue(delta.isValid(), () -> "not valid: " + delta);
        for (Dot d : delta.store().dots()) {
            assertEquals(state.context().next(replica), d);
        }
    }

    /** The refusals that the types' rules require, each tried on a state where it applies. */
    @Property(tries = 300)
    @Requirement({"HY-DATA-025", "HY-DATA-027", "HY-DATA-029", "HY-DATA-031", "HY-DATA-017"})
    void refusalsAreThoseOfTheTypes(@ForAll("replicas") ReplicaId replica) {
        refused(State.empty(1), replica, new Mutation.Increment(0));
        refused(State.empty(2), replica, new Mutation.Decrement(0));
        State big = Mutators.apply(State.empty(1), replica, new Mutation.Increment(-1L));
        refused(big, replica, new Mutation.Increment(1));
        State written = Mutators.apply(State.empty(3), replica, new Mutation.Write(Value.NULL, -1L));
        refused(written, replica, new Mutation.Write(Value.NULL, 0L));
        refused(State.empty(7), replica, new Mutation.Update(Value.NULL, 1, new Mutation.Increment(1)));
        refused(State.empty(7), replica, new Mutation.RemoveKey(Value.of(true)));
        State exhausted = new State(EWFlag.EMPTY, CausalContext.of(List.of(new Dot(replica, -1L))));
        refused(exhausted, replica, new Mutation.Enable());
    }

    private static void refused(State state, ReplicaId replica, Mutation m) {
        try {
            Mutators.delta(state, replica, m);
        } catch (MutationRefused expected) {
            return;
        }
        throw new AssertionError(m + " on " + state + " is not refused");
    }
}
