package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Counterexamples;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.SuiteSettingsHook;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.model.Model;
import dev.hyphae.model.CrdtType;
import dev.hyphae.model.JsonView;
import dev.hyphae.model.LWWRegister;
import dev.hyphae.model.Query;
import dev.hyphae.model.State;
import dev.hyphae.model.testkit.Corners;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.util.List;

/**
 * Generated properties of the queries of the Replica semantics profile, one for each requirement of a query, each
 * on states of its type drawn with the type's corners: counters beyond 64 bits, LWW registers whose entries tie,
 * MV registers with several siblings, sets of many elements, and the order and equality of values. A failure
 * states the rule, and shows the state, the expected answer and the adapter's.
 */
@Checks(Profile.REPLICA_SEMANTICS)
@AddLifecycleHook(SuiteSettingsHook.class)
class QueryProperties {

    @Provide
    Arbitrary<State> counters() {
        return of(CrdtType.GCOUNTER, CrdtType.PNCOUNTER);
    }

    @Provide
    Arbitrary<State> lwwRegisters() {
        return of(CrdtType.LWW_REGISTER);
    }

    @Provide
    Arbitrary<State> mvRegisters() {
        return of(CrdtType.MV_REGISTER);
    }

    @Provide
    Arbitrary<State> sets() {
        return of(CrdtType.AW_SET);
    }

    @Provide
    Arbitrary<State> maps() {
        return of(CrdtType.OR_MAP);
    }

    /** States of the claimed ones of {@code types}; the check is unsupported when the adapter claims none. */
    private static Arbitrary<State> of(CrdtType... types) {
        Sut.requireProfile(Profile.REPLICA_SEMANTICS);
        List<CrdtType> claimed = List.of(types).stream().filter(t -> Types.claimed().contains(t)).toList();
        if (claimed.isEmpty()) {
            Sut.requireType(types[0].id());
        }
        return Arbitraries.of(claimed).flatMap(Generators::cornersMostly);
    }

    @Property
    @Requirement({"HY-DATA-026", "HY-DATA-028"})
    void aCounterIsQueriedExactly(@ForAll("counters") State state) {
        expectTheQuery("aCounterIsQueriedExactly", state, "the query of a GCounter is the sum of its counts, and that of a PNCounter the sum "
                + "of its parts p minus the sum of its parts n, computed exactly, without wrapping around or saturating");
    }

    @Property
    @Requirement("HY-DATA-032")
    void anLwwRegisterIsQueriedToItsWinner(@ForAll("lwwRegisters") State state) {
        expectTheQuery("anLwwRegisterIsQueriedToItsWinner", state, "the query of an LWWRegister is the value of its winner, the entry "
                + "greatest by timestamp (unsigned), then by the replica id of its dot (unsigned bytes), then by its counter, and unset "
                + "when the register is empty; the winner here is " + winner(state));
    }

    @Property
    @Requirement("HY-DATA-033")
    void anMvRegisterIsQueriedToEachDistinctValueOnce(@ForAll("mvRegisters") State state) {
        expectTheQuery("anMvRegisterIsQueriedToEachDistinctValueOnce", state,
                "the query of an MVRegister reports each distinct value of its entries once, in ascending value order");
    }

    @Property
    @Requirement("HY-DATA-034")
    void anAwSetIsQueriedInValueOrder(@ForAll("sets") State state) {
        expectTheQuery("anAwSetIsQueriedInValueOrder", state, "the query of an AWSet reports its elements in ascending value order");
    }

    @Property
    @Requirement("HY-DATA-035")
    void anOrMapIsQueriedEntryByEntry(@ForAll("maps") State state) {
        expectTheQuery("anOrMapIsQueriedEntryByEntry", state, "the query of an ORMap reports each entry, entries of one key and "
                + "different type ids apart, in the order of the view, each with the query of its store");
    }

    @Provide
    Arbitrary<List<State>> setsOfCornerValues() {
        Sut.requireProfile(Profile.REPLICA_SEMANTICS);
        Sut.requireType(CrdtType.AW_SET.id());
        return Corners.twinSets();
    }

    /**
     * HY-DATA-014 and HY-DATA-015, on the values that implementations compare wrongly: NaNs with payloads, both
     * zeros, int64 extremes, strings outside the Basic Multilingual Plane and above its surrogates. A set of them and a
     * set of their twins ({@link Corners#twin}), written concurrently and joined, hold the elements of both, each once,
     * ordered as "Order" defines, and so does the query.
     */
    @Property
    @Requirement({"HY-DATA-014", "HY-DATA-015"})
    void valuesAreComparedAndOrderedAsDefined(@ForAll("setsOfCornerValues") List<State> sets) {
        State a = sets.get(0);
        State b = sets.get(1);
        State joined = Model.join(a, b);
        JsonNode expected = Model.view(joined);
        JsonNode result = Sut.result(Sut.join(List.of(Model.encode(a), Model.encode(b))), "join");
        JsonNode view = result.path("view");
        JsonNode query = Sut.result(Sut.query(Sut.bytes(result.path("payload"))), "query of the join").path("value");
        if (!view.equals(expected) || !query.equals(Query.of(joined))) {
            ObjectNode v = Counterexamples.vector("operations", "valid", "valuesAreComparedAndOrderedAsDefined",
                    "Two sets of values whose equality or order an implementation gets wrong; joined, they give this.",
                    List.of("HY-DATA-014", "HY-DATA-015"));
            v.put("operation", "join");
            v.putArray("inputs").add(Sut.hex(Model.encode(a))).add(Sut.hex(Model.encode(b)));
            v.set("expected", expected);
            boolean viewRight = view.equals(expected);
            throw Counterexamples.failure("values are equal exactly when they have the same type and content (a float64 by its bit "
                    + "pattern, a string by its UTF-8 bytes) and are ordered by type rank, then within the type (float64 by totalOrder "
                    + "of the bit pattern, string by UTF-8 bytes); the join of two sets of them holds each element once, in that order"
                    + "\ninput: the join of two AWSets, " + ReplicaProperties.inputs(a, b) + "\nexpected: the elements "
                    + Query.of(joined) + (viewRight ? " in the query of the join" : " in the join's view")
                    + "\nactual: " + (viewRight ? query : view.path("store").path("elements")
                    + "\nthe views differ " + Views.firstDifference(expected, view)), v);
        }
    }

    /** The winner of an LWWRegister's store, as the rule of its query names it, for a failure message. */
    private static String winner(State state) {
        return ((LWWRegister) state.store()).winner().map(e -> "the entry of the dot (" + e.getKey().replica().hex() + ", "
                + Long.toUnsignedString(e.getKey().counter()) + ") at the timestamp " + Long.toUnsignedString(e.getValue().timestamp())
                + ", whose value is " + JsonView.value(e.getValue().value())).orElse("none: the register is empty");
    }

    /** The adapter's query of {@code state} is the model's, or the check fails stating {@code rule}. */
    private static void expectTheQuery(String check, State state, String rule) {
        JsonNode expected = Query.of(state);
        byte[] payload = Model.encode(state);
        JsonNode value = Sut.result(Sut.query(payload), "query").path("value");
        if (!expected.equals(value)) {
            ObjectNode v = Counterexamples.vector("payload", "valid", check,
                    "A state whose query the adapter gets wrong: it answered " + value + ", expected " + expected + ".",
                    List.of("HY-VEC-012"));
            v.put("input", Sut.hex(payload));
            v.set("expected", Model.view(state));
            throw Counterexamples.failure(rule + "\ninput: the state " + Model.view(state).path("store") + " (payload "
                    + Sut.hex(payload) + ")\nexpected: " + expected + "\nactual: " + value, v);
        }
    }
}
