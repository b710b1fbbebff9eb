package dev.hyphae.conformance.checks;

import dev.hyphae.model.CrdtType;
import dev.hyphae.model.State;
import dev.hyphae.model.testkit.Corners;
import dev.hyphae.model.testkit.States;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

import java.util.Set;

/**
 * The states that the generated checks draw: those of {@link States}, and one time in three a state from the
 * corners of its type ({@link Corners}), where implementations go wrong and a uniform draw seldom goes.
 */
final class Generators {

    private Generators() {
    }

    /** Valid states of {@code type}, corners included. */
    static Arbitrary<State> states(CrdtType type) {
        Arbitrary<State> corners = corners(type);
        Arbitrary<State> plain = States.states(type, false);
        return corners == null ? plain : Arbitraries.frequencyOf(Tuple.of(2, plain), Tuple.of(1, corners));
    }

    /**
     * Valid states of {@code type}, three times in four from its corners: for the checks of a rule that only the
     * corners exercise, such as the order of a query of many elements.
     */
    static Arbitrary<State> cornersMostly(CrdtType type) {
        Arbitrary<State> corners = corners(type);
        Arbitrary<State> plain = States.states(type, false);
        return corners == null ? plain : Arbitraries.frequencyOf(Tuple.of(1, plain), Tuple.of(3, corners));
    }

    /** Valid states of any of {@code types}, corners included. */
    static Arbitrary<State> states(Set<CrdtType> types) {
        return Arbitraries.of(types).flatMap(Generators::states);
    }

    /** The corners of {@code type}, or null when it has none of its own. */
    static Arbitrary<State> corners(CrdtType type) {
        return switch (type) {
            case GCOUNTER, PNCOUNTER -> Arbitraries.of(States.REPLICAS).flatMap(r -> Corners.counters(type, r));
            case LWW_REGISTER -> Corners.lwwTies();
            case MV_REGISTER -> Corners.mvSiblings();
            case AW_SET -> Corners.sets();
            case OR_MAP -> Corners.deepMaps(false);
            case EW_FLAG -> null;
        };
    }
}
