package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Counterexamples;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Response;
import dev.hyphae.conformance.SuiteSettingsHook;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.model.Model;
import dev.hyphae.model.CrdtType;
import dev.hyphae.model.JsonView;
import dev.hyphae.model.ORMap;
import dev.hyphae.model.ReplicaId;
import dev.hyphae.model.State;
import dev.hyphae.model.Store;
import dev.hyphae.model.Value;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Generated properties of the Codec profile for payloads in session form whose ORMap batches name their keys by index
 * (specification, "Encoding", section "Key indexes"): read and written against a session key table that the request
 * gives in {@code keys}, beside the replica table in {@code replicas}; compared with the model.
 */
@Checks(Profile.CODEC)
@AddLifecycleHook(SuiteSettingsHook.class)
class KeyIndexProperties {

    @Provide
    Arbitrary<State> maps() {
        Sut.requireProfile(Profile.CODEC);
        // A value of a type nobody defines travels only in the payload that carried it: not in session form.
        return States.states(CrdtType.OR_MAP, false);
    }

    /** Every replica of the test kit, in the order that {@code seed} gives. */
    private static List<ReplicaId> replicas(long seed) {
        List<ReplicaId> table = new ArrayList<>(States.REPLICAS);
        Collections.shuffle(table, new Random(seed));
        return table;
    }

    /** Every key of the maps of {@code store}, at any depth, each once, and one it does not name, in an order of {@code seed}. */
    private static List<Value> keys(Store store, long seed) {
        Set<Value> keys = new LinkedHashSet<>();
        collect(store, keys);
        keys.add(new Value.Str("a key no map names"));
        List<Value> table = new ArrayList<>(keys);
        Collections.shuffle(table, new Random(seed));
        return table;
    }

    private static void collect(Store store, Set<Value> into) {
        if (store instanceof ORMap map) {
            map.entries().forEach((key, value) -> {
                into.add(key.key());
                collect(value, into);
            });
        }
    }

    private static List<String> hex(List<ReplicaId> table) {
        return table.stream().map(ReplicaId::hex).toList();
    }

    private static ArrayNode json(List<Value> keys) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        keys.forEach(k -> array.add(JsonView.value(k)));
        return array;
    }

    @Property
    // Valid payloads only: the refusal of HY-ENC-104 is the vectors' (key_indexes_type_ids_not_ascending).
    @Requirement({"HY-ENC-102", "HY-ENC-105", "HY-CONF-013"})
    void decodeAgainstAKeyTableAgreesWithTheModel(@ForAll("maps") State state, @ForAll long seed) {
        List<ReplicaId> replicas = replicas(seed);
        List<Value> keys = keys(state.store(), seed);
        byte[] payload = PayloadEncoder.encode(state, replicas, keys);
        JsonNode expected = Model.view(state);
        JsonNode view = Sut.result(Sut.decode(payload, hex(replicas), json(keys)), "decode against a key table").path("view");
        if (!expected.equals(view)) {
            ObjectNode v = Counterexamples.vector("payload", "valid", "decodeAgainstAKeyTableAgreesWithTheModel",
                    "A payload whose maps name their keys by index, which the adapter decodes, against the same tables, "
                            + "to another view.", List.of("HY-ENC-102"));
            v.put("input", Sut.hex(payload));
            hex(replicas).forEach(v.putArray("replicas")::add);
            v.set("keys", json(keys));
            v.set("expected", expected);
            throw Counterexamples.failure("the key indexes of a payload in session form name the keys of the session key table, and "
                    + "the payload decodes to the state whose maps hold those keys\ninput: the payload " + Sut.hex(payload)
                    + " against the replica table " + hex(replicas) + " and the key table " + json(keys) + "\nexpected: " + expected
                    + "\nactual: " + (view.isMissingNode() ? "no view" : view) + "\nthe views differ " + Views.firstDifference(expected, view), v);
        }
    }

    @Property
    @Requirement({"HY-ENC-106", "HY-CONF-014"})
    void encodeAgainstAKeyTableIsReadAgainstIt(@ForAll("maps") State state, @ForAll long seed) {
        List<ReplicaId> replicas = replicas(seed);
        List<Value> keys = keys(state.store(), seed);
        JsonNode view = Model.view(state);
        byte[] payload = Sut.payload(Sut.result(Sut.encode(view, hex(replicas), json(keys)), "encode against a key table"),
                "encode in session form against the replica table " + hex(replicas) + " and the key table " + json(keys)
                        + " of the view " + view);
        String law = "an encoder given a session key table writes a payload that, read against that table, holds the state";
        String input = "\ninput: encode in session form against the replica table " + hex(replicas) + " and the key table "
                + json(keys) + " of the view " + view;
        State decoded;
        try {
            decoded = PayloadDecoder.decode(payload, replicas, keys);
        } catch (Malformed e) {
            throw new AssertionError(law + input + "\nexpected: a payload that a decoder accepts against those tables\nactual: the "
                    + "payload " + Sut.hex(payload) + ", refused under " + String.join(", ", e.requirements()) + ": " + e.getMessage());
        }
        JsonNode actual = Model.view(decoded);
        if (!view.equals(actual)) {
            throw new AssertionError(law + input + "\nexpected: a payload that decodes against those tables to the view\nactual: the "
                    + "payload " + Sut.hex(payload) + ", which decodes to " + actual + "\nthe views differ " + Views.firstDifference(view, actual));
        }
    }

    @Property
    @Requirement({"HY-ENC-103", "HY-VEC-014"})
    void aKeyIndexPastTheKeyTableIsRefusedWithMalformedDelta(@ForAll("maps") State state, @ForAll long seed) {
        Set<Value> named = new LinkedHashSet<>();
        collect(state.store(), named);
        Assume.that(!named.isEmpty());
        List<ReplicaId> replicas = replicas(seed);
        List<Value> keys = keys(state.store(), seed);
        byte[] payload = PayloadEncoder.encode(state, replicas, keys);
        // The receiver's key table stops before the last key that the payload names.
        int last = named.stream().mapToInt(keys::indexOf).max().orElseThrow();
        List<Value> shorter = keys.subList(0, last);
        Response r = Sut.supported(Sut.decode(payload, hex(replicas), json(shorter)), "decode against a key table");
        if (!r.isError() || r.code() != Malformed.MALFORMED_DELTA) {
            ObjectNode v = Counterexamples.vector("payload", "invalid", "aKeyIndexPastTheKeyTableIsRefusedWithMalformedDelta",
                    "A payload in session form that names a key index past the session key table.", List.of("HY-ENC-103"));
            v.put("input", Sut.hex(payload));
            hex(replicas).forEach(v.putArray("replicas")::add);
            v.set("keys", json(shorter));
            v.putObject("error").put("code", Malformed.MALFORMED_DELTA).put("name", "MALFORMED_DELTA");
            v.put("phase", "decode");
            throw Counterexamples.failure("a payload whose key index is past the end of the session key table is refused with "
                    + "MALFORMED_DELTA\ninput: the payload " + Sut.hex(payload) + " against the replica table " + hex(replicas)
                    + " and the key table " + json(shorter) + ", which ends before the key " + JsonView.value(keys.get(last))
                    + " that the payload names by the index " + last + "\nexpected: a refusal with " + Malformed.MALFORMED_DELTA
                    + " MALFORMED_DELTA\nactual: " + r.describe(), v);
        }
    }
}
