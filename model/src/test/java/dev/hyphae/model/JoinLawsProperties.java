package dev.hyphae.model;

import dev.hyphae.model.testkit.States;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The model's join is a semilattice on every state that a decoder accepts, valid or not, values of unknown types included. */
class JoinLawsProperties {

    @Provide
    Arbitrary<List<State>> threeStatesOfOneType() {
        return Arbitraries.of(CrdtType.values()).flatMap(t -> States.anyStates(t, true).list().ofSize(3));
    }

    @Property(tries = 500)
    @Requirement({"HY-DATA-020", "HY-DATA-038"})
    void joinIsCommutative(@ForAll("threeStatesOfOneType") List<State> s) {
        assertEquals(s.get(0).join(s.get(1)), s.get(1).join(s.get(0)));
    }

    @Property(tries = 500)
    @Requirement({"HY-DATA-020", "HY-DATA-038"})
    void joinIsAssociative(@ForAll("threeStatesOfOneType") List<State> s) {
        assertEquals(s.get(0).join(s.get(1)).join(s.get(2)), s.get(0).join(s.get(1).join(s.get(2))));
    }

    @Property(tries = 500)
    @Requirement({"HY-DATA-020", "HY-DATA-038"})
    void joinIsIdempotent(@ForAll("threeStatesOfOneType") List<State> s) {
        assertEquals(s.get(0), s.get(0).join(s.get(0)));
    }

    @Property(tries = 500)
    @Requirement("HY-DATA-020")
    void theEmptyStateIsTheIdentity(@ForAll("threeStatesOfOneType") List<State> s) {
        State empty = State.empty(s.get(0).store().typeId());
        assertEquals(s.get(0), s.get(0).join(empty));
        assertEquals(s.get(0), empty.join(s.get(0)));
    }

    @Provide
    Arbitrary<List<State>> twoValidStatesOfOneType() {
        return Arbitraries.of(CrdtType.values()).flatMap(t -> States.states(t, true).list().ofSize(2));
    }

    @Property(tries = 500)
    @Requirement("HY-DATA-020")
    void theJoinOfValidStatesIsValid(@ForAll("twoValidStatesOfOneType") List<State> s) {
        assertEquals(true, s.get(0).join(s.get(1)).isValid());
    }
}
