package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.ShareOfTries;
import dev.hyphae.conformance.SuiteSettingsHook;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.model.Model;
import dev.hyphae.model.CrdtType;
import dev.hyphae.model.JsonView;
import dev.hyphae.model.Mutation;
import dev.hyphae.model.MutationRefused;
import dev.hyphae.model.Mutators;
import dev.hyphae.model.ReplicaId;
import dev.hyphae.model.State;
import dev.hyphae.model.encoding.Malformed;
import dev.hyphae.model.testkit.Corners;
import dev.hyphae.model.testkit.Mutations;
import dev.hyphae.model.testkit.States;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.util.List;

/**
 * Generated properties of the delta-mutators of the Replica semantics profile, one for each group of types and the
 * requirements of their mutators: a mutation that the model refuses, the adapter refuses; one that the model makes,
 * the adapter makes, with the model's delta; and, in a check of its own, the state after a mutation is the adapter's
 * join of the state before it with the delta. Counters are mutated, among others, by a replica that holds several
 * entries of its own, which only a faulty replica writes but every replica must handle (HY-DATA-025).
 */
@Checks(Profile.REPLICA_SEMANTICS)
@AddLifecycleHook(SuiteSettingsHook.class)
class MutatorProperties {

    /** A state, a mutation of it planned, and the index of the replica that makes it in {@link States#REPLICAS}. */
    record Mutating(State state, Mutations.Plan plan, int replica) {
    }

    @Provide
    Arbitrary<Mutating> counters() {
        Arbitrary<Mutating> own = Combinators.combine(Arbitraries.of(claimed(CrdtType.GCOUNTER, CrdtType.PNCOUNTER)),
                        Arbitraries.integers().between(0, States.REPLICAS.size() - 1), Mutations.plans(0))
                .flatAs((type, replica, plan) -> Corners.counters(type, States.REPLICAS.get(replica)).map(s -> new Mutating(s, plan, replica)));
        return Arbitraries.frequencyOf(Tuple.of(1, any(CrdtType.GCOUNTER, CrdtType.PNCOUNTER)), Tuple.of(1, own));
    }

    @Provide
    Arbitrary<Mutating> registers() {
        return any(CrdtType.LWW_REGISTER, CrdtType.MV_REGISTER);
    }

    @Provide
    Arbitrary<Mutating> flagsAndSets() {
        return any(CrdtType.EW_FLAG, CrdtType.AW_SET);
    }

    @Provide
    Arbitrary<Mutating> maps() {
        return any(CrdtType.OR_MAP);
    }

    @Provide
    Arbitrary<Mutating> anyType() {
        return any(CrdtType.values());
    }

    private static Arbitrary<Mutating> any(CrdtType... types) {
        return Combinators.combine(Arbitraries.of(claimed(types)).flatMap(Generators::states), Mutations.plans(2),
                Arbitraries.integers().between(0, States.REPLICAS.size() - 1)).as(Mutating::new);
    }

    /** The claimed ones of {@code types}; the check is unsupported when the adapter claims none. */
    private static List<CrdtType> claimed(CrdtType... types) {
        Sut.requireProfile(Profile.REPLICA_SEMANTICS);
        List<CrdtType> claimed = List.of(types).stream().filter(t -> Types.claimed().contains(t)).toList();
        if (claimed.isEmpty()) {
            Sut.requireType(types[0].id());
        }
        return claimed;
    }

    /*
     * Counters and registers, split by the model's answer: a mutation that the model makes gives the model's delta
     * (HY-DATA-021), one that the model refuses is refused (the refusal rules of the type, with HY-DATA-024). Each pair
     * shares the tries of the one property that once checked both, and draws only mutations of its own kind.
     */

    @Provide
    Arbitrary<Mutating> counterMutationsMade() {
        return counters().filter(m -> !refusedByTheModel(m));
    }

    @Provide
    Arbitrary<Mutating> counterMutationsRefused() {
        return counters().filter(MutatorProperties::refusedByTheModel);
    }

    @Provide
    Arbitrary<Mutating> registerWritesMade() {
        return registers().filter(m -> !refusedByTheModel(m));
    }

    /**
     * Only an LWW write can be refused (HY-DATA-029, HY-DATA-031): an MV write never is, so drawing from MV registers
     * too would leave an adapter that claims MV but not LWW with nothing but misses, instead of an unsupported check.
     */
    @Provide
    Arbitrary<Mutating> registerWritesRefused() {
        return any(CrdtType.LWW_REGISTER).filter(MutatorProperties::refusedByTheModel);
    }

    private static boolean refusedByTheModel(Mutating m) {
        try {
            Mutators.delta(m.state(), States.REPLICAS.get(m.replica()), Mutations.resolve(m.plan(), m.state().store()));
            return false;
        } catch (MutationRefused e) {
            return true;
        }
    }

    @Property
    @ShareOfTries(2)
    @Requirement("HY-DATA-021")
    void counterMutatorsGiveTheDefinedDelta(@ForAll("counterMutationsMade") Mutating m) {
        expectTheModelsDelta(m, "an increment by n of replica r replaces the entries of r by one entry of a new dot that holds their sum "
                + "plus n (a decrement: the same with the parts n)");
    }

    @Property
    @ShareOfTries(2)
    @Requirement({"HY-DATA-025", "HY-DATA-027", "HY-DATA-024"})
    void counterMutationsOutOfRangeAreRefused(@ForAll("counterMutationsRefused") Mutating m) {
        expectTheModelsDelta(m, "an increment or a decrement by 0, or one that would take a sum of the replica's entries beyond 2^64-1, "
                + "is refused, and makes no delta");
    }

    @Property
    @ShareOfTries(2)
    @Requirement("HY-DATA-021")
    void registerWritesGiveTheDefinedDelta(@ForAll("registerWritesMade") Mutating m) {
        expectTheModelsDelta(m, "a write replaces every entry the writer holds by one entry of a new dot");
    }

    @Property
    @ShareOfTries(2)
    @Requirement({"HY-DATA-029", "HY-DATA-031", "HY-DATA-024"})
    void aStaleLwwWriteIsRefused(@ForAll("registerWritesRefused") Mutating m) {
        expectTheModelsDelta(m, "an LWW write whose timestamp is not above every timestamp of the store is refused, and so is one to a "
                + "store that holds 2^64-1, and makes no delta");
    }

    @Property
    @Requirement("HY-DATA-021")
    void flagAndSetMutatorsGiveTheDefinedDelta(@ForAll("flagsAndSets") Mutating m) {
        expectTheModelsDelta(m, "enable and add make a new dot and replace the dots they saw; disable, remove and clear delete the dots "
                + "they saw, and make none");
    }

    @Property
    @Requirement("HY-DATA-021")
    void mapMutatorsGiveTheDefinedDelta(@ForAll("maps") Mutating m) {
        expectTheModelsDelta(m, "an update applies the entry's mutator in the causal context of the whole map; remove and clear delete "
                + "the dots they saw");
    }

    /** HY-DATA-022 and HY-DATA-023: the state after a mutation is the state before it joined with its delta. */
    @Property
    @Requirement({"HY-DATA-022", "HY-DATA-023"})
    void theStateAfterAMutationIsTheJoinWithItsDelta(@ForAll("anyType") Mutating m) {
        ReplicaId replica = States.REPLICAS.get(m.replica());
        Mutation mutation = Mutations.resolve(m.plan(), m.state().store());
        JsonNode r = mutate(m.state(), replica, mutation);
        if (r.has("refused")) {
            return;
        }
        JsonNode after = modelView(Sut.bytes(r.path("state")), describe(m.state(), replica, mutation) + "the state after it");
        JsonNode joined = Sut.result(Sut.join(List.of(Model.encode(m.state()), Sut.bytes(r.path("delta")))), "join(state, delta)").path("view");
        if (!Views.withoutQueries(joined).equals(Views.withoutQueries(after))) {
            throw new AssertionError("a replica applies its own delta by joining it into its state: the state after a mutation is "
                    + "join(state, delta).\n" + describe(m.state(), replica, mutation) + "delta: " + modelView(Sut.bytes(r.path("delta")), "delta")
                    + "\nthe adapter's state after it:\n" + after + "\nthe adapter's join(state, delta):\n" + joined);
        }
    }

    private static JsonNode mutate(State state, ReplicaId replica, Mutation m) {
        return Sut.result(Sut.mutate(Model.encode(state), state.store().typeId(), replica.hex(), JsonView.timestamp(m), JsonView.mutation(m)),
                "mutate " + JsonView.mutation(m));
    }

    private static String describe(State state, ReplicaId replica, Mutation m) {
        Long timestamp = JsonView.timestamp(m);
        return "mutation " + JsonView.mutation(m) + (timestamp == null ? "" : " at timestamp " + Long.toUnsignedString(timestamp))
                + " by replica " + replica.hex() + " of the state\n" + Model.view(state) + "\n(payload " + Sut.hex(Model.encode(state)) + ")\n";
    }

    /** The adapter refuses what the model refuses, and makes what it makes, with the model's delta and state. */
    private static void expectTheModelsDelta(Mutating mutating, String rule) {
        State state = mutating.state();
        ReplicaId replica = States.REPLICAS.get(mutating.replica());
        Mutation m = Mutations.resolve(mutating.plan(), state.store());
        State modelDelta = null;
        String modelRefusal = null;
        try {
            modelDelta = Mutators.delta(state, replica, m);
        } catch (MutationRefused e) {
            modelRefusal = e.getMessage();
        }
        JsonNode r = mutate(state, replica, m);
        String doing = rule + ".\ninput: " + describe(state, replica, m);
        if (modelRefusal != null) {
            if (!r.has("refused")) {
                throw new AssertionError(doing + "expected: refused (" + modelRefusal + ")\nactual: made, with the delta "
                        + modelView(Sut.bytes(r.path("delta")), "delta"));
            }
            return;
        }
        if (r.has("refused")) {
            throw new AssertionError(doing + "expected: the delta\n" + Model.view(modelDelta) + "\nactual: refused: " + r.path("refused").asText());
        }
        // The delta only: the state after it is the join's concern (joinAgreesWithTheDefinition) and HY-DATA-022's.
        JsonNode delta = Views.withoutQueries(modelView(Sut.bytes(r.path("delta")), doing + "delta"));
        JsonNode expectedDelta = Views.withoutQueries(Model.view(modelDelta));
        if (!delta.equals(expectedDelta)) {
            throw new AssertionError(doing + "the deltas differ " + Views.firstDifference(expectedDelta, delta) + "\nexpected: the delta\n"
                    + expectedDelta + "\nactual: the delta\n" + delta);
        }
    }

    /** The model's view of a payload the adapter wrote, which a decoder must accept (HY-ENC-047). */
    private static JsonNode modelView(byte[] payload, String what) {
        try {
            return Model.view(Model.decode(payload));
        } catch (Malformed e) {
            throw new AssertionError(what + ": the adapter wrote a payload that a decoder must refuse: " + e.getMessage() + "\n" + Sut.hex(payload));
        }
    }
}
