package dev.hyphae.crdt;

import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Join is a semilattice for every type: commutative, associative, idempotent, on every state the decoder
 * accepts, including pairs of states that only faulty replicas produce (one dot with different data in each).
 */
class JoinLawsProperties {

    @Provide
    Arbitrary<List<CausalState<Crdt>>> threeStatesOfOneType() {
        return CrdtArbitraries.types().flatMap(t -> CrdtArbitraries.states(t).list().ofSize(3));
    }

    @Property(tries = 1000)
    @Requirement({"HY-DATA-020", "HY-DATA-038"})
    void joinIsCommutative(@ForAll("threeStatesOfOneType") List<CausalState<Crdt>> s) {
        assertEquals(s.get(0).join(s.get(1)), s.get(1).join(s.get(0)));
    }

    @Property(tries = 1000)
    @Requirement({"HY-DATA-020", "HY-DATA-038"})
    void joinIsAssociative(@ForAll("threeStatesOfOneType") List<CausalState<Crdt>> s) {
        assertEquals(s.get(0).join(s.get(1)).join(s.get(2)), s.get(0).join(s.get(1).join(s.get(2))));
    }

    @Property(tries = 1000)
    @Requirement({"HY-DATA-020", "HY-DATA-038"})
    void joinIsIdempotent(@ForAll("threeStatesOfOneType") List<CausalState<Crdt>> s) {
        assertEquals(s.get(0), s.get(0).join(s.get(0)));
    }

    @Property(tries = 1000)
    @Requirement("HY-DATA-020")
    void joiningTheEmptyDeltaChangesNothing(@ForAll("threeStatesOfOneType") List<CausalState<Crdt>> s) {
        CausalState<Crdt> empty = new CausalState<>(CrdtType.emptyOf(s.get(0).store().typeId()),
                dev.hyphae.data.CausalContext.EMPTY);
        assertEquals(s.get(0), s.get(0).join(empty));
    }
}
