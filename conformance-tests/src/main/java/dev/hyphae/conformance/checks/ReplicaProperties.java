package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Counterexamples;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.SuiteSettingsHook;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.model.Model;
import dev.hyphae.model.CrdtType;
import dev.hyphae.model.JsonView;
import dev.hyphae.model.Mutation;
import dev.hyphae.model.MutationRefused;
import dev.hyphae.model.Mutators;
import dev.hyphae.model.Query;
import dev.hyphae.model.ReplicaId;
import dev.hyphae.model.State;
import dev.hyphae.model.encoding.Malformed;
import dev.hyphae.model.testkit.Mutations;
import dev.hyphae.model.testkit.States;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.util.ArrayList;
import java.util.List;

/**
 * Generated properties of the Replica semantics profile: join as the definition gives it, the laws of join
 * (commutative, associative, idempotent), each compared among the adapter's own answers, and convergence under any
 * order of delivery with duplicates. The queries and the delta-mutators have checks of their own
 * ({@link QueryProperties}, {@link MutatorProperties}); the checks of join compare states without their queries.
 */
@Checks(Profile.REPLICA_SEMANTICS)
@AddLifecycleHook(SuiteSettingsHook.class)
class ReplicaProperties {

    /** Three states of one type, for the laws of join. Values of unknown type are the Codec profile's concern. */
    @Provide
    Arbitrary<List<State>> sameType() {
        Sut.requireProfile(Profile.REPLICA_SEMANTICS);
        return Arbitraries.of(Types.claimed()).flatMap(t -> Generators.states(t).list().ofSize(3));
    }

    @Provide
    Arbitrary<State> states() {
        Sut.requireProfile(Profile.REPLICA_SEMANTICS);
        return Generators.states(Types.claimed());
    }

    /**
     * HY-DATA-020: the join of two states is the join that the chapter "Data model" defines, as the model computes
     * it. The laws below compare the adapter's joins with each other; this one compares them with the definition.
     */
    @Property
    @Requirement({"HY-DATA-020"})
    void joinAgreesWithTheDefinition(@ForAll("sameType") List<State> states) {
        State a = states.get(0);
        State b = states.get(1);
        JsonNode expected = Views.withoutQueries(Model.view(Model.join(a, b)));
        JsonNode ab = Views.withoutQueries(joinView(List.of(a, b)));
        if (!ab.equals(expected)) {
            String type = a.store().getClass().getSimpleName();
            throw Counterexamples.failure("the join of two " + type + " states is the join that the Data model chapter defines for "
                    + type + "\ninput: " + inputs(a, b) + "\nexpected: join(a, b) = " + expected + "\nactual: join(a, b) = " + ab
                    + "\nthe views differ " + Views.firstDifference(expected, ab), joinVector("joinAgreesWithTheDefinition",
                    List.of(a, b), Model.view(Model.join(a, b)), "Two states whose join the adapter gets wrong."));
        }
    }

    /** The law: join(a, b) = join(b, a), the adapter's joins compared with each other. */
    @Property
    @Requirement({"HY-DATA-020"})
    void joinIsCommutative(@ForAll("sameType") List<State> states) {
        State a = states.get(0);
        State b = states.get(1);
        JsonNode ab = Views.withoutQueries(joinView(List.of(a, b)));
        JsonNode ba = Views.withoutQueries(joinView(List.of(b, a)));
        if (!ab.equals(ba)) {
            throw Counterexamples.failure("join is commutative: join(a, b) = join(b, a)\ninput: " + inputs(a, b)
                    + "\nexpected: join(b, a) = join(a, b), the adapter's " + ab + "\nactual: join(b, a) = " + ba + "\nthe views differ "
                    + Views.firstDifference(ab, ba) + "\nthe join that the Data model chapter defines: "
                    + Views.withoutQueries(Model.view(Model.join(a, b))), joinVector("joinIsCommutative", List.of(b, a),
                    Model.view(Model.join(a, b)), "Joined in this order, these two states give another state than in the other order."));
        }
    }

    /** The law: join(join(a, b), c) = join(a, join(b, c)), the adapter's joins compared with each other. */
    @Property
    @Requirement({"HY-DATA-020"})
    void joinIsAssociative(@ForAll("sameType") List<State> states) {
        State a = states.get(0);
        State b = states.get(1);
        State c = states.get(2);
        JsonNode left = Views.withoutQueries(joinView(List.of(a, b, c)));
        JsonNode bc = Sut.result(Sut.join(List.of(Model.encode(b), Model.encode(c))), "join(b, c)");
        JsonNode right = Views.withoutQueries(Sut.result(Sut.join(List.of(Model.encode(a), Sut.bytes(bc.path("payload")))),
                "join(a, join(b, c))").path("view"));
        if (!left.equals(right)) {
            throw Counterexamples.failure("join is associative: join(join(a, b), c) = join(a, join(b, c))\ninput: " + inputs(a, b)
                    + ", c = " + Model.view(c) + " (payload " + Sut.hex(Model.encode(c)) + ")\nexpected: join(a, join(b, c)) = "
                    + "join(join(a, b), c), the adapter's " + left + "\nactual: join(a, join(b, c)) = " + right + "\nthe views differ "
                    + Views.firstDifference(left, right) + "\nthe join that the Data model chapter defines: "
                    + Views.withoutQueries(Model.view(Model.join(a, b, c))),
                    joinVector("joinIsAssociative", List.of(a, b, c), Model.view(Model.join(a, b, c)),
                            "Three states whose join the adapter gets wrong."));
        }
    }

    /** The law: join(a, a) = a (HY-DATA-020), which makes a delta received twice harmless (HY-DATA-022). */
    @Property
    @Requirement({"HY-DATA-020", "HY-DATA-022"})
    void joinIsIdempotent(@ForAll("states") State a) {
        JsonNode expected = Views.withoutQueries(Model.view(a));
        JsonNode aa = Views.withoutQueries(joinView(List.of(a, a)));
        if (!aa.equals(expected)) {
            throw Counterexamples.failure("join is idempotent: join(a, a) = a, so that a delta received twice changes nothing\ninput: "
                    + "a = " + Model.view(a) + " (payload " + Sut.hex(Model.encode(a)) + ")\nexpected: join(a, a) = a, " + expected
                    + "\nactual: join(a, a) = " + aa + "\nthe views differ " + Views.firstDifference(expected, aa),
                    joinVector("joinIsIdempotent", List.of(a, a), Model.view(a), "A state joined with itself is itself."));
        }
    }

    /** The two inputs of a join, as views and payloads, for the line {@code input:} of a failure message. */
    static String inputs(State a, State b) {
        return "a = " + Model.view(a) + " (payload " + Sut.hex(Model.encode(a)) + "), b = " + Model.view(b) + " (payload "
                + Sut.hex(Model.encode(b)) + ")";
    }

    @Provide
    Arbitrary<Mutations.Plan> plans() {
        return Mutations.plans(1);
    }

    @Provide
    Arbitrary<Integer> replicas() {
        return Arbitraries.integers().between(0, States.REPLICAS.size() - 1);
    }

    /** One step of a program: a replica receives some deltas made so far, then mutates. */
    record Step(int replica, List<Integer> receive, Mutations.Plan plan) {
    }

    @Provide
    Arbitrary<CrdtType> types() {
        Sut.requireProfile(Profile.REPLICA_SEMANTICS);
        return Arbitraries.of(Types.claimed());
    }

    @Provide
    Arbitrary<List<Step>> programs() {
        Arbitrary<Step> step = Combinators.combine(replicas(), Arbitraries.integers().between(0, 1000).list().ofMaxSize(3), plans())
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(8);
    }

    /**
     * Convergence: three replicas mutate and receive each other's deltas late, out of order and more than once;
     * once every replica has received every delta, in an order of its own with duplicates, all three hold the
     * model's state. The law is the join's and the replica's, whose rules stand or fall together here: a replica applies
     * every delta by the join (HY-DATA-020, HY-DATA-022), its own before its next write (HY-DATA-023). The deltas that the
     * mutators give are MutatorProperties' (HY-DATA-021).
     */
    @Property
    @Requirement({"HY-DATA-020", "HY-DATA-022", "HY-DATA-023"})
    void replicasConvergeUnderAnyDeliveryOrder(@ForAll("types") CrdtType type, @ForAll("programs") List<Step> program,
                                               @ForAll("orders") List<List<Integer>> finalOrders) {
        int n = States.REPLICAS.size();
        List<State> model = new ArrayList<>();
        List<byte[]> adapter = new ArrayList<>();
        State empty = State.empty(type.id());
        for (int i = 0; i < n; i++) {
            model.add(empty);
            adapter.add(Model.encode(empty));
        }
        List<State> modelDeltas = new ArrayList<>();
        List<byte[]> adapterDeltas = new ArrayList<>();
        StringBuilder log = new StringBuilder();
        for (Step step : program) {
            int i = step.replica();
            if (!modelDeltas.isEmpty() && !step.receive().isEmpty()) {
                List<Integer> picked = step.receive().stream().map(k -> k % modelDeltas.size()).toList();
                log.append("replica ").append(i).append(" receives deltas ").append(picked).append('\n');
                model.set(i, deliver(model.get(i), modelDeltas, picked));
                adapter.set(i, deliver(adapter.get(i), adapterDeltas, picked, log));
            }
            ReplicaId replica = States.REPLICAS.get(i);
            Mutation m = Mutations.resolve(step.plan(), model.get(i).store());
            Long timestamp = JsonView.timestamp(m);
            State delta;
            try {
                delta = Mutators.delta(model.get(i), replica, m);
            } catch (MutationRefused refused) {
                continue; // the delta-mutator law checks refusals; a program goes on without this step
            }
            log.append("replica ").append(i).append(" makes delta ").append(modelDeltas.size()).append(": ").append(JsonView.mutation(m))
                    .append(timestamp == null ? "" : " at " + Long.toUnsignedString(timestamp)).append('\n');
            JsonNode r = Sut.result(Sut.mutate(adapter.get(i), type.id(), replica.hex(), timestamp, JsonView.mutation(m)),
                    "mutate\n" + log);
            if (r.has("refused")) {
                throw new AssertionError("a replica makes every mutation that the Data model chapter does not require it to refuse"
                        + "\ninput: the program\n" + log + "expected: the last mutation made, as the model makes it: "
                        + Model.view(delta) + "\nactual: refused (" + r.path("refused").asText() + ")");
            }
            modelDeltas.add(delta);
            model.set(i, model.get(i).join(delta));
            adapterDeltas.add(Sut.bytes(r.path("delta")));
            adapter.set(i, Sut.bytes(r.path("state")));
        }
        if (modelDeltas.isEmpty()) {
            return;
        }
        State everything = empty;
        for (State d : modelDeltas) {
            everything = everything.join(d);
        }
        JsonNode expected = Model.view(everything);
        JsonNode expectedQuery = Query.of(everything);
        for (int i = 0; i < n; i++) {
            List<Integer> order = finalOrders.get(i).stream().map(k -> k % modelDeltas.size()).collect(java.util.stream.Collectors.toList());
            for (int k = 0; k < modelDeltas.size(); k++) {
                order.add(k); // every delta at least once, after the shuffled ones
            }
            log.append("replica ").append(i).append(" receives deltas ").append(order).append('\n');
            byte[] last = deliver(adapter.get(i), adapterDeltas, order, log);
            JsonNode view = modelView(last, "the state in which replica " + i + " ends, after the program\n" + log);
            if (!view.equals(expected)) {
                ObjectNode v = Counterexamples.vector("operations", "valid", "replicasConvergeUnderAnyDeliveryOrder",
                        "The model's deltas of a program, joined in one order; the adapter's replicas did not converge to this.",
                        List.of("HY-DATA-020", "HY-DATA-022"));
                v.put("operation", "join");
                ArrayNode inputs = v.putArray("inputs");
                inputs.add(Sut.hex(Model.encode(empty)));
                modelDeltas.forEach(d -> inputs.add(Sut.hex(Model.encode(d))));
                v.set("expected", expected);
                throw Counterexamples.failure("replicas that received the same deltas, in any order and any number of times, hold the "
                        + "same state: the join of those deltas\ninput: the program\n" + log + "expected: replica " + i + " ends in "
                        + expected + "\nactual: " + view + "\nthe views differ " + Views.firstDifference(expected, view), v);
            }
            JsonNode query = Sut.result(Sut.query(last), "query").path("value");
            if (!query.equals(expectedQuery)) {
                throw new AssertionError("the query of a state that received every delta is the query of their join\ninput: the "
                        + "program\n" + log + "expected: the query of replica " + i + " is " + expectedQuery + "\nactual: " + query);
            }
        }
    }

    @Provide
    Arbitrary<List<List<Integer>>> orders() {
        return Arbitraries.integers().between(0, 1000).list().ofMaxSize(10).list().ofSize(States.REPLICAS.size());
    }

    private static State deliver(State state, List<State> deltas, List<Integer> picked) {
        for (int k : picked) {
            state = state.join(deltas.get(k));
        }
        return state;
    }

    /** The adapter's replica state after joining the picked deltas, in order, in one request. */
    private static byte[] deliver(byte[] state, List<byte[]> deltas, List<Integer> picked, StringBuilder log) {
        List<byte[]> payloads = new ArrayList<>();
        payloads.add(state);
        picked.forEach(k -> payloads.add(deltas.get(k)));
        return Sut.bytes(Sut.result(Sut.join(payloads), "join\n" + log).path("payload"));
    }

    private static JsonNode joinView(List<State> states) {
        List<byte[]> payloads = states.stream().map(Model::encode).toList();
        return Sut.result(Sut.join(payloads), "join").path("view");
    }

    /** The model's view of a payload the adapter wrote, which a decoder must accept (HY-ENC-047). */
    private static JsonNode modelView(byte[] payload, String what) {
        try {
            return Model.view(Model.decode(payload));
        } catch (Malformed e) {
            throw new Counterexamples.Failure("an encoder produces only payloads that a decoder accepts (HY-ENC-047)\ninput: " + what
                    + "\nexpected: a payload that the model accepts\nactual: the payload " + Sut.hex(payload) + ", refused under "
                    + String.join(", ", e.requirements()) + ": " + e.getMessage(), List.of("HY-ENC-047"));
        }
    }

    private static ObjectNode joinVector(String check, List<State> inputs, JsonNode expected, String description) {
        ObjectNode v = Counterexamples.vector("operations", "valid", check, description, List.of("HY-DATA-020"));
        v.put("operation", "join");
        ArrayNode list = v.putArray("inputs");
        inputs.forEach(s -> list.add(Sut.hex(Model.encode(s))));
        v.set("expected", expected);
        return v;
    }
}
