package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.conformance.BrokenClaim;
import dev.hyphae.conformance.Counterexamples;
import dev.hyphae.conformance.Response;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.Unsupported;
import dev.hyphae.conformance.model.Model;
import dev.hyphae.model.encoding.Malformed;

import java.util.ArrayList;
import java.util.List;

/**
 * The cases of the area {@code operations} (chapter "Test vectors"): a join, a query or a mutation of decoded states,
 * and a mutation that the data model requires to be refused. Part of {@link VectorRunner}.
 */
final class OperationCases {

    /** The requirement that the payload of a join breaks when it is missing or does not decode to the join's view. */
    private static final String REENCODED_JOIN = "HY-VEC-049";

    private OperationCases() {
    }

    static void run(JsonNode v, String operation, String result) {
        switch (operation + "/" + result) {
            case "join/valid" -> join(v);
            case "query/valid" -> query(v);
            case "mutate/valid" -> mutate(v);
            case "mutate/invalid" -> refusedMutation(v);
            default -> throw new Unsupported("operation '" + operation + "' with result '" + result + "'");
        }
    }

    /**
     * HY-VEC-017: the inputs joined left to right give the expected view. HY-VEC-049: the payload of the join decodes to
     * that view too. No payload is right only for a state that one payload may not carry; of those, the vectors hold only
     * states with a value of unknown type with several opaque versions (HY-ENC-051), since their generator writes no join
     * whose state is beyond a limit (HY-ENC-050) or whose opaque versions came under replica tables that are not a prefix
     * one of the other (HY-ENC-053). A failure of the payload is a failure of HY-VEC-049, whatever else the vector cites.
     */
    private static void join(JsonNode v) {
        List<byte[]> inputs = new ArrayList<>();
        v.path("inputs").forEach(i -> inputs.add(Sut.bytes(i)));
        JsonNode joined = Sut.result(Sut.join(inputs), "join");
        VectorRunner.expectView(v, joined.path("view"), "the inputs joined left to right give the view of the case", "HY-VEC-017",
                "the join of the inputs, left to right");
        JsonNode payload = joined.path("payload");
        String law = "the payload of a join decodes to the join's view";
        if (!payload.isTextual()) {
            if (!severalOpaqueVersions(v.path("expected"))) {
                throw new Counterexamples.Failure(law + ", and a join has a payload whenever one payload may carry its state ("
                        + REENCODED_JOIN + ")\ninput: the inputs of the case\nexpected: a payload; the state holds no value of unknown "
                        + "type with several opaque versions (HY-ENC-051)\nactual: " + (payload.isMissingNode() ? "no member payload" : payload),
                        List.of(REENCODED_JOIN));
            }
            return;
        }
        String input = "\ninput: the join's payload " + payload.asText();
        JsonNode again;
        try {
            again = Sut.result(Sut.decode(Sut.bytes(payload)), "decode of the join's payload").path("view");
        } catch (Counterexamples.Failure | BrokenClaim passOn) {
            throw passOn;
        } catch (AssertionError | IllegalArgumentException refused) {
            // Refused by the adapter's own decoder, or no payload at all (not hexadecimal digits).
            throw new Counterexamples.Failure(law + " (" + REENCODED_JOIN + ")" + input + "\nexpected: the view " + v.path("expected")
                    + "\nactual: " + refused.getMessage(), List.of(REENCODED_JOIN));
        }
        if (!v.path("expected").equals(again)) {
            throw new Counterexamples.Failure(law + " (" + REENCODED_JOIN + ")" + input + "\nexpected: " + v.path("expected")
                    + "\nactual: " + again + "\nthe views differ " + Views.firstDifference(v.path("expected"), again), List.of(REENCODED_JOIN));
        }
    }

    /** Whether a view holds, at any depth, a store of unknown type with more than one opaque version. */
    private static boolean severalOpaqueVersions(JsonNode view) {
        if (view.path("type").asText().equals("unknown") && view.path("versions").size() > 1) {
            return true;
        }
        for (JsonNode child : view) {
            if (child.isContainerNode() && severalOpaqueVersions(child)) {
                return true;
            }
        }
        return false;
    }

    /** HY-VEC-050: the query of the one input is the expected value, JSON values compared as values (HY-VEC-023). */
    private static void query(JsonNode v) {
        if (v.path("inputs").size() != 1) {
            throw new Unsupported("a query case with " + v.path("inputs").size() + " inputs");
        }
        JsonNode value = Sut.result(Sut.query(Sut.bytes(v.path("inputs").get(0))), "query").path("value");
        JsonNode expected = v.path("expected").path("value");
        if (!expected.equals(value)) {
            throw new AssertionError("the query of a state reports its value as the table of queries writes it\ninput: the state "
                    + v.path("inputs").get(0).asText() + "\nexpected: " + expected + "\nactual: " + value);
        }
    }

    /** A mutate case's request, checked as HY-VEC-054 and HY-VEC-057 ask of its producer. */
    private record Request(byte[] input, int type, String replica, Long timestamp, JsonNode mutation, String doing) {

        static Request of(JsonNode v) {
            if (v.path("inputs").size() != 1) {
                throw new Unsupported("a mutate case with " + v.path("inputs").size() + " inputs");
            }
            if (!v.path("type").asText().matches("[0-9]{1,9}")) {
                throw new AssertionError("a mutate case gives in type the CRDT type id of the root of its input (HY-VEC-054)\ninput: the "
                        + "case\nexpected: a decimal type id\nactual: " + (v.has("type") ? v.path("type") : "no member type"));
            }
            int type = Integer.parseInt(v.path("type").asText());
            byte[] input = Sut.bytes(v.path("inputs").get(0));
            // HY-CONF-007: the types the request itself holds, those of the state it sends.
            Sut.requireType(type);
            try {
                Sut.requireTypesOf(Model.view(Model.decode(input)));
            } catch (Malformed e) {
                throw new AssertionError("the input of a mutate case is a valid payload\ninput: " + Sut.hex(input)
                        + "\nexpected: a payload that the model accepts\nactual: refused by the model: " + e.getMessage());
            }
            Long timestamp = v.hasNonNull("timestamp") ? Long.parseUnsignedLong(v.path("timestamp").asText()) : null;
            String doing = "the mutation " + v.path("mutation") + (timestamp == null ? "" : " at timestamp " + v.path("timestamp").asText())
                    + " by replica " + v.path("replica").asText() + " of the state " + v.path("inputs").get(0).asText();
            return new Request(input, type, v.path("replica").asText(), timestamp, v.path("mutation"), doing);
        }

        /**
         * The adapter's answer to the request, a result; any other answer fails {@code rule}, with the case's input and
         * {@code expected}, since the adapter protocol answers a mutation that is made or refused with a result, and a
         * refusal as its member {@code refused}, never as an error, which a refused mutation does not have (HY-DATA-024).
         */
        JsonNode answer(String rule, String expected) {
            Response r = Sut.supported(Sut.mutate(input, type, replica, timestamp, mutation), "mutate");
            if (r.kind() != Response.Kind.RESULT) {
                throw new AssertionError(rule + "\ninput: " + doing + "\nexpected: " + expected + "\nactual: " + r.describe());
            }
            return r.result();
        }
    }

    /**
     * HY-VEC-052 and HY-VEC-053: the adapter's {@code mutate}, given the one input as its {@code state} with the case's type,
     * replica, timestamp and mutation, makes the mutation, with the expected delta, and gives the expected state after it.
     * The payloads it returns are read by the model, as the mutator properties read them, so that an adapter's decoder
     * cannot excuse its own mutator; a payload the model refuses fails on HY-ENC-047.
     */
    private static void mutate(JsonNode v) {
        Request request = Request.of(v);
        JsonNode expected = v.path("expected");
        JsonNode r = request.answer("a mutation that the data model does not require to be refused is made, and answered as a "
                + "result with its delta and the state after it", "the delta " + expected.path("delta"));
        if (r.has("refused")) {
            throw new AssertionError("a mutation that the data model does not require to be refused is made\ninput: " + request.doing()
                    + "\nexpected: the delta " + expected.path("delta") + "\nactual: refused (" + r.path("refused").asText() + ")");
        }
        JsonNode delta = modelView(Sut.bytes(r.path("delta")), request.doing() + ", the delta");
        if (!expected.path("delta").equals(delta)) {
            throw new AssertionError("the delta-mutator gives the delta that the Data model chapter defines for the mutation\ninput: "
                    + request.doing() + "\nexpected: " + expected.path("delta") + "\nactual: " + delta + "\nthe views differ "
                    + Views.firstDifference(expected.path("delta"), delta));
        }
        JsonNode state = modelView(Sut.bytes(r.path("state")), request.doing() + ", the state after it");
        if (!expected.path("state").equals(state)) {
            throw new AssertionError("the state after a mutation is the join of the state with the mutation's delta\ninput: "
                    + request.doing() + "\nexpected: " + expected.path("state") + "\nactual: " + state + "\nthe views differ "
                    + Views.firstDifference(expected.path("state"), state));
        }
    }

    /**
     * HY-VEC-056: the mutation of an invalid case is refused, as a result whose only member is {@code refused}, with no
     * delta and no state (HY-DATA-024). The rule that requires the refusal is the case's, and its failure cites it.
     */
    private static void refusedMutation(JsonNode v) {
        Request request = Request.of(v);
        List<String> rules = new ArrayList<>();
        v.path("requirements").forEach(id -> rules.add(id.asText()));
        String law = "a mutation that the Data model chapter requires a replica to refuse is refused, with no delta and no change "
                + "of state, and answered as a result whose only member is refused (" + String.join(", ", rules) + ")";
        String expected = "a result {\"refused\": \"...\"} and nothing else";
        JsonNode r = request.answer(law, expected);
        if (!r.path("refused").isTextual() || r.has("delta") || r.has("state")) {
            throw new AssertionError(law + "\ninput: " + request.doing() + "\nexpected: " + expected + "\nactual: " + r);
        }
    }

    /** The model's view of a payload that the adapter wrote, which a decoder must accept (HY-ENC-047). */
    private static JsonNode modelView(byte[] payload, String what) {
        try {
            return Model.view(Model.decode(payload));
        } catch (Malformed e) {
            throw new Counterexamples.Failure("an encoder produces only payloads that a decoder accepts (HY-ENC-047)\ninput: " + what
                    + "\nexpected: a payload that the model accepts\nactual: the payload " + Sut.hex(payload) + ", refused: "
                    + e.getMessage(), List.of("HY-ENC-047"));
        }
    }
}
