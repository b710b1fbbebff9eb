package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Counterexamples;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Response;
import dev.hyphae.conformance.SuiteSettingsHook;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.model.Model;
import dev.hyphae.model.ReplicaId;
import dev.hyphae.model.State;
import dev.hyphae.model.encoding.Malformed;
import dev.hyphae.model.encoding.PayloadDecoder;
import dev.hyphae.model.encoding.PayloadEncoder;
import dev.hyphae.model.testkit.States;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * Generated properties of the Codec profile for payloads in session form (specification, "Encoding", section
 * "Session form"): read and written against a session replica table that the request gives in {@code replicas}, in
 * any order and with ids that the payload does not name; compared with the model, never with another implementation.
 */
@Checks(Profile.CODEC)
@AddLifecycleHook(SuiteSettingsHook.class)
class SessionFormProperties {

    @Provide
    Arbitrary<State> states() {
        Sut.requireProfile(Profile.CODEC);
        // A value of a type nobody defines travels only in the payload that carried it: not in session form.
        return States.states(Types.claimed(), false);
    }

    /** Every replica of the test kit, whether the state names it or not, in the order that {@code seed} gives. */
    private static List<ReplicaId> table(long seed) {
        List<ReplicaId> table = new ArrayList<>(States.REPLICAS);
        Collections.shuffle(table, new Random(seed));
        return table;
    }

    private static List<String> hex(List<ReplicaId> table) {
        return table.stream().map(ReplicaId::hex).toList();
    }

    @Property
    // How the adapter presents a payload against a table (HY-CONF-013) is KeyIndexProperties' to cite.
    @Requirement({"HY-ENC-055", "HY-ENC-057", "HY-VEC-011"})
    void decodeInSessionFormAgreesWithTheModel(@ForAll("states") State state, @ForAll long seed) {
        List<ReplicaId> table = table(seed);
        byte[] payload = PayloadEncoder.encode(state, table);
        JsonNode expected = Model.view(state);
        JsonNode view = Sut.result(Sut.decode(payload, hex(table)), "decode in session form").path("view");
        if (!expected.equals(view)) {
            ObjectNode v = Counterexamples.vector("payload", "valid", "decodeInSessionFormAgreesWithTheModel",
                    "A payload in session form that the adapter decodes, against the same table, to another view.",
                    List.of("HY-ENC-055"));
            v.put("input", Sut.hex(payload));
            replicas(v, table);
            v.set("expected", expected);
            throw Counterexamples.failure("a payload in session form is read against the session replica table: its replica indexes "
                    + "name the table's ids\ninput: the payload " + Sut.hex(payload) + " against the replica table " + hex(table)
                    + "\nexpected: " + expected + "\nactual: " + (view.isMissingNode() ? "no view" : view) + "\nthe views differ "
                    + Views.firstDifference(expected, view), v);
        }
    }

    @Property
    @Requirement({"HY-ENC-059", "HY-CONF-014"})
    void encodeInSessionFormIsReadAgainstTheTable(@ForAll("states") State state, @ForAll long seed) {
        List<ReplicaId> table = table(seed);
        JsonNode view = Model.view(state);
        byte[] payload = Sut.payload(Sut.result(Sut.encode(view, hex(table)), "encode in session form"),
                "encode in session form against the replica table " + hex(table) + " of the view " + view);
        String law = "an encoder asked for session form leaves the payload's replica table out and names each replica by its index "
                + "in the session replica table";
        String input = "\ninput: encode in session form against the replica table " + hex(table) + " of the view " + view;
        State decoded;
        try {
            decoded = PayloadDecoder.decode(payload, table);
        } catch (Malformed e) {
            throw new AssertionError(law + input + "\nexpected: a payload that a decoder accepts against that table\nactual: the "
                    + "payload " + Sut.hex(payload) + ", refused under " + String.join(", ", e.requirements()) + ": " + e.getMessage());
        }
        JsonNode actual = Model.view(decoded);
        if (!view.equals(actual)) {
            throw new AssertionError(law + input + "\nexpected: a payload that decodes against that table to the view\nactual: the "
                    + "payload " + Sut.hex(payload) + ", which decodes to " + actual + "\nthe views differ " + Views.firstDifference(view, actual));
        }
        if (!state.context().replicas().isEmpty()) {
            // Session form: the indexes are the table's, so outside the session the payload names nothing.
            boolean selfContained;
            try {
                PayloadDecoder.decode(payload);
                selfContained = true;
            } catch (Malformed expected) {
                selfContained = false;
            }
            if (selfContained) {
                throw new AssertionError(law + input + "\nexpected: a payload without a replica table of its own, which a decoder "
                        + "without the session's table refuses\nactual: the payload " + Sut.hex(payload) + ", which has one");
            }
        }
    }

    @Property
    @Requirement({"HY-ENC-026", "HY-ENC-056", "HY-VEC-014"})
    void anIndexPastTheTableIsRefusedWithMalformedDelta(@ForAll("states") State state, @ForAll long seed) {
        TreeSet<ReplicaId> named = new TreeSet<>(state.context().replicas());
        Assume.that(!named.isEmpty());
        List<ReplicaId> table = table(seed);
        byte[] payload = PayloadEncoder.encode(state, table);
        // The receiver's table stops before the last entry that the payload names.
        int last = named.stream().mapToInt(table::indexOf).max().orElseThrow();
        List<ReplicaId> shorter = table.subList(0, last);
        Response r = Sut.supported(Sut.decode(payload, hex(shorter)), "decode in session form");
        if (!r.isError() || r.code() != Malformed.MALFORMED_DELTA) {
            ObjectNode v = Counterexamples.vector("payload", "invalid", "anIndexPastTheTableIsRefusedWithMalformedDelta",
                    "A payload in session form that names an index past the session replica table.", List.of("HY-ENC-056"));
            v.put("input", Sut.hex(payload));
            replicas(v, shorter);
            v.putObject("error").put("code", Malformed.MALFORMED_DELTA).put("name", "MALFORMED_DELTA");
            v.put("phase", "decode");
            throw Counterexamples.failure("a payload in session form that names a replica index past the end of the session replica "
                    + "table is refused with MALFORMED_DELTA\ninput: the payload " + Sut.hex(payload) + " against the replica table "
                    + hex(shorter) + ", which ends before the index " + last + " that the payload names\nexpected: a refusal with "
                    + Malformed.MALFORMED_DELTA + " MALFORMED_DELTA\nactual: " + r.describe(), v);
        }
    }

    private static void replicas(ObjectNode vector, List<ReplicaId> table) {
        ArrayNode array = vector.putArray("replicas");
        table.forEach(r -> array.add(r.hex()));
    }
}
