package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Counterexamples;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Response;
import dev.hyphae.conformance.SuiteSettingsHook;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.model.Model;
import dev.hyphae.model.State;
import dev.hyphae.model.encoding.Malformed;
import dev.hyphae.model.testkit.States;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.util.Arrays;
import java.util.List;

/**
 * Generated properties of the Codec profile: the adapter decodes what the model encodes, the model decodes what
 * the adapter encodes, and input that the model refuses, the adapter refuses with the same code. A refusal with
 * another code is a failure (chapter "Conformance").
 */
@Checks(Profile.CODEC)
@AddLifecycleHook(SuiteSettingsHook.class)
class CodecProperties {

    @Provide
    Arbitrary<State> states() {
        Sut.requireProfile(Profile.CODEC);
        return States.states(Types.claimed(), true);
    }

    @Property
    @Requirement({"HY-ENC-002", "HY-VEC-019", "HY-VEC-020", "HY-VEC-021", "HY-VEC-022", "HY-DATA-011", "HY-DATA-013"})
    void decodeAgreesWithTheModel(@ForAll("states") State state) {
        byte[] payload = Model.encode(state);
        JsonNode expected = Model.view(state);
        JsonNode view = Sut.result(Sut.decode(payload), "decode").path("view");
        if (!expected.equals(view)) {
            throw Counterexamples.failure("decode gave\n" + view, valid("decodeAgreesWithTheModel", payload, expected,
                    "The adapter decoded this payload to another view."));
        }
    }

    @Property
    @Requirement({"HY-ENC-047", "HY-DATA-043", "HY-VEC-013", "HY-VEC-028"})
    void decodeInvertsEncode(@ForAll("states") State state) {
        JsonNode view = Model.view(state);
        byte[] payload = Sut.bytes(Sut.result(Sut.encode(view), "encode").path("payload"));
        State decoded;
        try {
            decoded = Model.decode(payload);
        } catch (Malformed e) {
            throw Counterexamples.failure("the adapter encoded a payload that a decoder must refuse: " + e.getMessage()
                    + "\nits payload: " + Sut.hex(payload), valid("decodeInvertsEncode", Model.encode(state), view,
                    "The adapter encodes the state of this payload into a payload that a decoder refuses."));
        }
        JsonNode modelView = Model.view(decoded);
        JsonNode adapterView = Sut.result(Sut.decode(payload), "decode of the encoded payload").path("view");
        if (!view.equals(modelView) || !view.equals(adapterView)) {
            throw Counterexamples.failure("encode then decode gave\n" + (view.equals(modelView) ? adapterView : modelView)
                    + "\nits payload: " + Sut.hex(payload), valid("decodeInvertsEncode", Model.encode(state), view,
                    "The adapter's encoding of this payload's state decodes to another view."));
        }
    }

    @Property
    @Requirement({"HY-ENC-005", "HY-ENC-007", "HY-ENC-008", "HY-ENC-009", "HY-ENC-013", "HY-VEC-014"})
    void truncatedInputIsRefusedWithTheRightCode(@ForAll("states") State state,
                                                 @ForAll @IntRange(min = 1, max = 24) int cut) {
        byte[] payload = Model.encode(state);
        byte[] truncated = Arrays.copyOf(payload, Math.max(0, payload.length - cut));
        expectTheModelsVerdict("truncatedInputIsRefusedWithTheRightCode", truncated, true);
    }

    @Property
    @Requirement({"HY-ENC-002", "HY-ENC-005", "HY-ENC-007", "HY-VEC-014"})
    void mutatedInputIsRefusedWithTheModelsCode(@ForAll("states") State state,
                                                @ForAll @Size(min = 1, max = 3) List<@IntRange(min = 0, max = 1 << 20) Integer> positions,
                                                @ForAll("flips") int flip) {
        byte[] payload = Model.encode(state);
        for (int p : positions) {
            payload[p % payload.length] ^= (byte) flip;
        }
        expectTheModelsVerdict("mutatedInputIsRefusedWithTheModelsCode", payload, false);
    }

    @Provide
    Arbitrary<Integer> flips() {
        // Low bits change offsets and counts by a little, high bits by a lot; 0xff turns 0 into -1.
        return Arbitraries.of(0x01, 0x02, 0x04, 0x10, 0x80, 0xff);
    }

    /**
     * The adapter agrees with the model: refuses with the model's code what the model refuses, and decodes to the
     * model's view what the model accepts.
     *
     * @param mustRefuse whether the model is expected to refuse; an input it accepts is then discarded
     */
    private static void expectTheModelsVerdict(String check, byte[] input, boolean mustRefuse) {
        Malformed refusal = null;
        State accepted = null;
        try {
            accepted = Model.decode(input);
        } catch (Malformed e) {
            refusal = e;
        }
        if (mustRefuse) {
            Assume.that(refusal != null);
        }
        Response r = Sut.supported(Sut.decode(input), "decode");
        if (refusal != null) {
            // A payload that a delta carries is refused with MALFORMED_DELTA, whatever the rule (HY-VEC-011).
            if (!r.isError() || r.code() != Malformed.MALFORMED_DELTA) {
                // The requirement that the input breaks is the model's: a failure names it, and the counterexample cites it.
                List<String> broken = new java.util.ArrayList<>(refusal.requirements());
                broken.add("HY-VEC-014");
                ObjectNode v = Counterexamples.vector("payload", "invalid", check,
                        "Refused by the model with MALFORMED_DELTA under " + String.join(", ", refusal.requirements())
                                + ", answered by the adapter with " + r.describe() + ".", broken);
                v.put("input", Sut.hex(input));
                v.putObject("error").put("code", Malformed.MALFORMED_DELTA).put("name", "MALFORMED_DELTA");
                v.put("phase", refusal.phase().specName());
                throw Counterexamples.failure("the input breaks " + String.join(", ", refusal.requirements()) + ": expected a refusal with "
                        + Malformed.MALFORMED_DELTA + " MALFORMED_DELTA (" + refusal.phase().specName() + ": " + refusal.getMessage()
                        + "), got " + r.describe(), v);
            }
            return;
        }
        JsonNode expected = Model.view(accepted);
        if (!r.isResult() || !expected.equals(r.result().path("view"))) {
            throw Counterexamples.failure("the model accepts this input; the adapter answered " + r.describe(),
                    valid(check, input, expected, "A payload that the model accepts, and the adapter does not decode to the same view."));
        }
    }

    private static ObjectNode valid(String check, byte[] payload, JsonNode expected, String description) {
        ObjectNode v = Counterexamples.vector("payload", "valid", check, description, List.of("HY-VEC-012"));
        v.put("input", Sut.hex(payload));
        v.set("expected", expected);
        return v;
    }
}
