package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Counterexamples;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Response;
import dev.hyphae.conformance.ShareOfTries;
import dev.hyphae.conformance.SuiteSettingsHook;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.model.Model;
import dev.hyphae.model.ReplicaId;
import dev.hyphae.model.State;
import dev.hyphae.model.encoding.CompactDecoder;
import dev.hyphae.model.encoding.CompactEncoder;
import dev.hyphae.model.encoding.Malformed;
import dev.hyphae.model.testkit.States;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.util.Arrays;
import java.util.List;

/**
 * Generated properties of the Codec profile for the compact form (specification, "Encoding", section "Compact
 * form"), against the model's compact encoder and decoder: the adapter decodes what the model encodes, writes the
 * same bytes as the model for every state (the form is canonical), and reaches the model's verdict on damaged
 * input. The replica table is the model's test replicas in an order that is not that of their ids.
 */
@Checks(Profile.CODEC)
@AddLifecycleHook(SuiteSettingsHook.class)
class CompactCodecProperties {

    private static final List<ReplicaId> TABLE = List.of(States.REPLICAS.get(2), States.REPLICAS.get(0), States.REPLICAS.get(1));
    private static final List<String> HEX_TABLE = TABLE.stream().map(ReplicaId::hex).toList();

    @Provide
    Arbitrary<State> states() {
        Sut.requireProfile(Profile.CODEC);
        // The compact form holds the types of version 1 alone (HY-ENC-062).
        return States.states(Types.claimed(), false);
    }

    private static byte[] compact(State state) {
        return CompactEncoder.encode(state, TABLE).orElseThrow(() -> new IllegalStateException("no compact form of " + state));
    }

    /*
     * Decoding a payload in the compact form, split by the part of the state it reads: the causal context from its
     * context runs, and the stores from their entries, dots, replica indexes and values. The rules of the form are all
     * refusals, which these valid payloads do not exercise: what they exercise is that a valid payload is accepted
     * (HY-ENC-002) and read to the view of the state it holds (HY-VEC-019). The two checks share the tries of the one
     * property that once checked both.
     */

    @Property
    @ShareOfTries(2)
    @Requirement({"HY-ENC-002", "HY-VEC-019"})
    void aCompactContextIsReadAsWritten(@ForAll("states") State state) {
        byte[] payload = compact(state);
        JsonNode expected = Model.view(state);
        JsonNode view = decoded(payload, expected, "aCompactContextIsReadAsWritten");
        if (!expected.path("context").equals(view.path("context"))) {
            throw Counterexamples.failure("the context runs of a payload in the compact form are read into the causal context that "
                    + "they encode\ninput: " + Sut.hex(payload) + " against the replica table " + HEX_TABLE + "\nthe contexts differ "
                    + Views.firstDifference(expected.path("context"), view.path("context")) + "\nexpected: " + expected.path("context")
                    + "\nactual: " + view.path("context"), valid("aCompactContextIsReadAsWritten", payload, expected,
                    "The adapter decoded this payload in the compact form to another causal context."));
        }
    }

    @Property
    @ShareOfTries(2)
    @Requirement({"HY-ENC-002", "HY-VEC-019"})
    void compactDecodeAgreesWithTheModel(@ForAll("states") State state) {
        byte[] payload = compact(state);
        JsonNode expected = Model.view(state);
        JsonNode view = decoded(payload, expected, "compactDecodeAgreesWithTheModel");
        JsonNode expectedStores = withoutContext(expected);
        JsonNode stores = withoutContext(view);
        if (!expectedStores.equals(stores)) {
            throw Counterexamples.failure("the entries of a payload in the compact form, in their order, are read with their dots, "
                    + "replica indexes of the table supplied and values\ninput: " + Sut.hex(payload) + " against the replica table "
                    + HEX_TABLE + "\nthe states differ " + Views.firstDifference(expectedStores, stores) + "\nexpected: " + expectedStores
                    + "\nactual: " + stores, valid("compactDecodeAgreesWithTheModel", payload, expected,
                    "The adapter decoded this payload in the compact form to another view."));
        }
    }

    /** The adapter's view of {@code payload}; a refusal fails the check, as a refusal of a valid payload. */
    private static JsonNode decoded(byte[] payload, JsonNode expected, String check) {
        Response r = Sut.supported(Sut.decodeCompact(payload, HEX_TABLE), "decode of the compact form");
        if (!r.isResult()) {
            throw Counterexamples.failure("a payload in the compact form that breaks none of the form's rules is decoded\ninput: "
                    + Sut.hex(payload) + " against the replica table " + HEX_TABLE + "\nexpected: the view " + expected + "\nactual: "
                    + r.describe(), valid(check, payload, expected, "A payload in the compact form that the adapter refuses."));
        }
        return r.result().path("view");
    }

    private static JsonNode withoutContext(JsonNode view) {
        ObjectNode copy = view.deepCopy();
        copy.remove("context");
        return copy;
    }

    @Property
    @Requirement({"HY-ENC-060", "HY-ENC-063"})
    void compactEncodeWritesTheModelsBytes(@ForAll("states") State state) {
        byte[] expected = compact(state);
        JsonNode view = Model.view(state);
        byte[] payload = Sut.payload(Sut.result(Sut.encodeCompact(view, HEX_TABLE), "encode in the compact form"),
                "encode in the compact form under the replica table " + HEX_TABLE + " of the view " + view);
        if (!Arrays.equals(expected, payload)) {
            throw Counterexamples.failure("an encoder writes a state in the compact form as the section defines it, which leaves it "
                    + "no choice: minimal varints, entries in the grammar's order, every Shared Length the longest common prefix, and "
                    + "the context runs of the section\ninput: encode in the compact form under the replica table " + HEX_TABLE
                    + " of the view " + view + "\nexpected: the bytes " + Sut.hex(expected) + "\nactual: the bytes " + Sut.hex(payload),
                    valid("compactEncodeWritesTheModelsBytes", expected, view,
                    "The adapter writes the state of this payload in the compact form with other bytes."));
        }
    }

    @Property
    @Requirement({"HY-ENC-077", "HY-VEC-014"})
    void damagedCompactInputGetsTheModelsVerdict(@ForAll("states") State state,
                                                 @ForAll @Size(min = 1, max = 3) List<@IntRange(min = 0, max = 1 << 20) Integer> positions,
                                                 @ForAll("flips") int flip, @ForAll @IntRange(min = 0, max = 3) int cut) {
        byte[] payload = compact(state);
        for (int p : positions) {
            payload[p % payload.length] ^= (byte) flip;
        }
        byte[] input = Arrays.copyOf(payload, Math.max(0, payload.length - cut));
        Malformed refusal = null;
        State accepted = null;
        try {
            accepted = CompactDecoder.decode(input, TABLE);
        } catch (Malformed e) {
            refusal = e;
        }
        Response r = Sut.supported(Sut.decodeCompact(input, HEX_TABLE), "decode of the compact form");
        if (refusal != null) {
            if (!r.isError() || r.code() != Malformed.MALFORMED_DELTA) {
                // The rule that the damage breaks is the model's: the failure names it beside the check's own.
                List<String> broken = new java.util.ArrayList<>(refusal.requirements());
                broken.add("HY-VEC-014");
                ObjectNode v = vector("invalid", "damagedCompactInputGetsTheModelsVerdict",
                        "Refused by the model with MALFORMED_DELTA under " + String.join(", ", refusal.requirements())
                                + ", answered by the adapter with " + r.describe() + ".", broken, input);
                v.putObject("error").put("code", Malformed.MALFORMED_DELTA).put("name", "MALFORMED_DELTA");
                v.put("phase", refusal.phase().specName());
                throw Counterexamples.failure("a payload in the compact form that breaks a rule of the form is refused with "
                        + "MALFORMED_DELTA\ninput: " + Sut.hex(input) + " against the replica table " + HEX_TABLE + ", which breaks "
                        + String.join(", ", refusal.requirements()) + "\nexpected: a refusal with " + Malformed.MALFORMED_DELTA
                        + " MALFORMED_DELTA (" + refusal.getMessage() + ")\nactual: " + r.describe(), v);
            }
            return;
        }
        JsonNode expected = Model.view(accepted);
        if (!r.isResult() || !expected.equals(r.result().path("view"))) {
            throw Counterexamples.failure("a payload in the compact form that breaks none of the form's rules is decoded to its "
                    + "state\ninput: " + Sut.hex(input) + " against the replica table " + HEX_TABLE + ", which the model accepts\n"
                    + "expected: the view " + expected + "\nactual: " + r.describe(),
                    valid("damagedCompactInputGetsTheModelsVerdict", input, expected,
                            "A payload in the compact form that the model accepts, and the adapter does not decode to the same view."));
        }
    }

    @Provide
    Arbitrary<Integer> flips() {
        return Arbitraries.of(0x01, 0x02, 0x04, 0x10, 0x80, 0xff);
    }

    private static ObjectNode vector(String result, String check, String description, List<String> requirements, byte[] input) {
        ObjectNode v = Counterexamples.vector("payload", result, check, description, requirements);
        v.put("form", "compact");
        HEX_TABLE.forEach(v.putArray("replicas")::add);
        v.put("input", Sut.hex(input));
        return v;
    }

    private static ObjectNode valid(String check, byte[] payload, JsonNode expected, String description) {
        ObjectNode v = vector("valid", check, description, List.of("HY-VEC-012"), payload);
        v.set("expected", expected);
        return v;
    }
}
