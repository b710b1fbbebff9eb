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
import net.jqwik.api.Tuple;
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

    /*
     * Decoding and encoding, split by rule: a payload that the model writes is accepted (HY-ENC-002); its state is viewed
     * as the JSON view section defines (HY-VEC-019 and the rules of integers and arrays that spell that out; floats and
     * strings at their corners are CodecCornerProperties'); what the adapter encodes is a payload that a decoder accepts
     * (HY-ENC-047, HY-DATA-043); and it holds the state that was encoded (HY-VEC-013, HY-VEC-028). Each pair of checks
     * shares the tries of the one property that once checked them together. The first of each pair fails only where the
     * second fails too (a payload refused is not decoded to the model's view; one that a decoder refuses does not decode to
     * the state encoded), so it runs a fifth of them, for the name of the rule that its failure gives.
     */

    @Property
    @ShareOfTries(5)
    @Requirement("HY-ENC-002")
    void decodeAcceptsEveryValidPayload(@ForAll("states") State state) {
        byte[] payload = Model.encode(state);
        Response r = Sut.supported(Sut.decode(payload), "decode");
        if (!r.isResult()) {
            throw Counterexamples.failure("a decoder accepts every buffer that satisfies the rules of the Encoding chapter, whatever "
                    + "the placement of its tables and vectors\ninput: the payload " + Sut.hex(payload) + ", which the model wrote\n"
                    + "expected: the payload decoded\nactual: " + r.describe(), valid("decodeAcceptsEveryValidPayload", payload,
                    Model.view(state), "A payload that the adapter refuses."));
        }
    }

    @Property
    @ShareOfTries(value = 5, parts = 4)
    @Requirement({"HY-VEC-019", "HY-VEC-020", "HY-VEC-022"})
    void decodeAgreesWithTheModel(@ForAll("states") State state) {
        byte[] payload = Model.encode(state);
        JsonNode expected = Model.view(state);
        JsonNode view = Sut.result(Sut.decode(payload), "decode").path("view");
        if (!expected.equals(view)) {
            throw Counterexamples.failure("the view of a decoded state has exactly the members that the JSON view section gives, each "
                    + "integer a string of its decimal digits, each array in the order the section gives\ninput: the payload "
                    + Sut.hex(payload) + "\nthe views differ " + Views.firstDifference(expected, view) + "\nexpected: " + expected
                    + "\nactual: " + view, valid("decodeAgreesWithTheModel", payload, expected, "The adapter decoded this payload to another view."));
        }
    }

    @Property
    @ShareOfTries(5)
    @Requirement({"HY-ENC-047", "HY-DATA-043"})
    void encodeWritesAPayloadThatADecoderAccepts(@ForAll("states") State state) {
        JsonNode view = Model.view(state);
        byte[] payload = Sut.payload(Sut.result(Sut.encode(view), "encode"), "encode of the view " + view);
        try {
            Model.decode(payload);
        } catch (Malformed e) {
            throw Counterexamples.failure("an encoder produces only payloads that a decoder following the Encoding chapter accepts, "
                    + "within every limit\ninput: the view " + view + "\nexpected: a payload that the model accepts\nactual: the payload "
                    + Sut.hex(payload) + ", refused by the model under " + String.join(", ", e.requirements()) + ": " + e.getMessage(),
                    valid("encodeWritesAPayloadThatADecoderAccepts", Model.encode(state), view,
                            "The adapter encodes the state of this payload into a payload that a decoder refuses."));
        }
    }

    @Property
    @ShareOfTries(value = 5, parts = 4)
    @Requirement({"HY-VEC-013", "HY-VEC-028"})
    void decodeInvertsEncode(@ForAll("states") State state) {
        JsonNode view = Model.view(state);
        byte[] payload = Sut.payload(Sut.result(Sut.encode(view), "encode"), "encode of the view " + view);
        String law = "an implementation decodes the payload that it wrote for a state to that state, opaque versions byte for byte";
        JsonNode modelView;
        try {
            modelView = Model.view(Model.decode(payload));
        } catch (Malformed e) {
            // Not this check's rule, but its law cannot be judged: encodeWritesAPayloadThatADecoderAccepts names the rule.
            throw new AssertionError(law + "\ninput: the view " + view + "\nexpected: a payload that holds it\nactual: the payload "
                    + Sut.hex(payload) + ", which the model refuses (" + e.getMessage() + ")");
        }
        JsonNode adapterView = Sut.result(Sut.decode(payload), "decode of the encoded payload").path("view");
        if (!view.equals(modelView) || !view.equals(adapterView)) {
            JsonNode actual = view.equals(modelView) ? adapterView : modelView;
            throw Counterexamples.failure(law + "\ninput: the view " + view + "\nexpected: the same view from "
                    + (view.equals(modelView) ? "the adapter's decode" : "the model's decode") + " of the adapter's payload " + Sut.hex(payload)
                    + "\nactual: " + actual + "\nthe views differ " + Views.firstDifference(view, actual), valid("decodeInvertsEncode",
                    Model.encode(state), view, "The adapter's encoding of this payload's state decodes to another view."));
        }
    }

    /*
     * Damaged input, judged against the model's verdict. The law is one: the adapter refuses with MALFORMED_DELTA what the
     * model refuses (HY-VEC-014), and ends on every input (HY-ENC-007); each check cites the rules that its damage reaches
     * on every try, and a failure adds the rule under which the model refused the counterexample.
     */

    @Provide
    Arbitrary<Integer> headerCuts() {
        return Arbitraries.integers().between(0, 7);
    }

    /**
     * A payload cut to fewer than 8 bytes holds no file identifier and is refused. Its cuts are few and alike, so it runs a
     * fifth of the tries that it shares with the next check, whose cuts are many.
     */
    @Property
    @ShareOfTries(5)
    @Requirement({"HY-ENC-008", "HY-VEC-014"})
    void aPayloadShorterThanItsHeaderIsRefused(@ForAll("states") State state, @ForAll("headerCuts") int length) {
        byte[] truncated = Arrays.copyOf(Model.encode(state), length);
        expectTheModelsVerdict("aPayloadShorterThanItsHeaderIsRefused", truncated, true);
    }

    /**
     * Cuts of 1 to 24 bytes, most of them of 1 to 4: a payload often ends in bytes of zero (padding, small scalars), and a
     * decoder that reads past the end of its input as zeros is caught only by a cut of such bytes alone.
     */
    @Provide
    Arbitrary<Integer> tailCuts() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.integers().between(1, 4)), Tuple.of(1, Arbitraries.integers().between(5, 24)));
    }

    /** A payload cut short by a few bytes holds an offset or a vector that reaches past its end, and is refused. */
    @Property
    @ShareOfTries(value = 5, parts = 4)
    @Requirement({"HY-ENC-009", "HY-ENC-013", "HY-VEC-014"})
    void truncatedInputIsRefusedWithTheRightCode(@ForAll("states") State state, @ForAll("tailCuts") int cut) {
        byte[] payload = Model.encode(state);
        byte[] truncated = Arrays.copyOf(payload, Math.max(0, payload.length - cut));
        expectTheModelsVerdict("truncatedInputIsRefusedWithTheRightCode", truncated, true);
    }

    /**
     * A payload with a few bits flipped anywhere: verified whole before anything of it is read, it is refused when the
     * model refuses it, and decoded to the model's view when the model accepts it.
     */
    @Property
    @Requirement({"HY-ENC-005", "HY-ENC-007", "HY-VEC-014"})
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
                throw Counterexamples.failure("a payload that breaks a rule of the Encoding chapter is refused with MALFORMED_DELTA"
                        + "\ninput: " + Sut.hex(input) + ", which breaks " + String.join(", ", refusal.requirements()) + "\nexpected: a refusal with "
                        + Malformed.MALFORMED_DELTA + " MALFORMED_DELTA (" + refusal.phase().specName() + ": " + refusal.getMessage()
                        + ")\nactual: " + r.describe(), v);
            }
            return;
        }
        JsonNode expected = Model.view(accepted);
        if (!r.isResult() || !expected.equals(r.result().path("view"))) {
            throw Counterexamples.failure("a payload that satisfies every rule of the Encoding chapter is decoded to its state"
                    + "\ninput: " + Sut.hex(input) + ", which the model accepts\nexpected: the view " + expected + "\nactual: " + r.describe()
                    + (r.isResult() ? "\nthe views differ " + Views.firstDifference(expected, r.result().path("view")) : ""),
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
