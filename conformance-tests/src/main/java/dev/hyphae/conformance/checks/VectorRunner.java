package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.conformance.Counterexamples;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Response;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.Unsupported;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs one vector file against the adapter, as the chapter "Test vectors" requires of an implementation for the
 * vector's area and result. A result or operation this runner does not implement is reported as unsupported,
 * never as passed (HY-VEC-018). The cases of each area but {@code payload} are run by a class of their own:
 * {@link OperationCases}, {@link SessionCases}, {@link HandshakeCases} and {@link HandshakeReplay}.
 */
final class VectorRunner {

    private VectorRunner() {
    }

    static void run(JsonNode v) {
        String area = v.path("area").asText();
        String result = v.path("result").asText();
        String operation = v.path("operation").asText("");
        if (!v.path("format").asText().equals("hyphae-vector/1")) {
            throw new Unsupported("format '" + v.path("format").asText() + "' is not hyphae-vector/1");
        }
        switch (area) {
            case "payload" -> {
                Sut.requireProfile(Profile.CODEC);
                if (result.equals("valid")) {
                    validPayload(v);
                } else if (result.equals("invalid")) {
                    invalidPayload(v);
                } else {
                    throw new Unsupported("result '" + result + "'");
                }
            }
            case "operations" -> {
                Sut.requireProfile(Profile.REPLICA_SEMANTICS);
                OperationCases.run(v, operation, result);
            }
            case "handshake" -> {
                Sut.requireProfile(Profile.HANDSHAKE);
                HandshakeCases.run(v);
            }
            case "framing" -> {
                Sut.requireProfile(Profile.HANDSHAKE);
                HandshakeReplay.framing(v);
            }
            case "compression" -> {
                Sut.requireProfile(Profile.CODEC);
                if (!operation.equals("inflate")) {
                    throw new Unsupported("operation '" + operation + "'");
                }
                SessionCases.inflate(v);
            }
            case "session" -> {
                Sut.requireProfile(Profile.CODEC);
                if (!operation.equals("receiveDeltas")) {
                    throw new Unsupported("operation '" + operation + "'");
                }
                SessionCases.receiveDeltas(v);
            }
            default -> throw new Unsupported("area '" + area + "'");
        }
    }

    /**
     * HY-VEC-012 and HY-VEC-013: decode to the expected view; encode, decode again, the same view. A case with
     * {@code replicas} is read, and written again, in session form against that table (HY-VEC-011), and against its
     * {@code keys} as well when it has them.
     */
    private static void validPayload(JsonNode v) {
        if (compact(v)) {
            validCompactPayload(v);
            return;
        }
        JsonNode view = Sut.result(decode(v, Sut.bytes(v.path("input"))), "decode of a valid payload").path("view");
        expectView(v, view, "a valid payload decodes to the view of the case", "HY-VEC-012",
                "the decode of the payload " + v.path("input").asText());
        Response encoded = v.has("keys") ? Sut.encode(view, replicas(v), v.path("keys"))
                : v.has("replicas") ? Sut.encode(view, replicas(v)) : Sut.encode(view);
        // A valid case's state is one that one payload carries, in the form of the case: null breaks HY-CONF-067.
        byte[] again = Sut.payload(Sut.result(encoded, "encode of the decoded state"), (v.has("keys") ? "session form against the "
                + "case's replica and key tables, " : v.has("replicas") ? "session form against the case's replica table, " : "")
                + "the view " + view);
        JsonNode second = Sut.result(decode(v, again), "decode of the re-encoded payload " + Sut.hex(again)).path("view");
        expectView(v, second, "a decoded state, encoded again, decodes to the same view", "HY-VEC-013",
                "the decode of the adapter's own encoding of that state, " + Sut.hex(again));
    }

    /**
     * {@code decode} of {@code payload} as the case presents it: against its {@code replicas}, and its {@code keys}, the
     * session key table, if it has them.
     */
    static Response decode(JsonNode v, byte[] payload) {
        return v.has("keys") ? Sut.decode(payload, replicas(v), v.path("keys"))
                : v.has("replicas") ? Sut.decode(payload, replicas(v)) : Sut.decode(payload);
    }

    /**
     * A valid case in the compact form: the same, under the vector's replica table; and since the form is canonical
     * (HY-ENC-060), the encoding of the decoded state is the input, byte for byte.
     */
    private static void validCompactPayload(JsonNode v) {
        List<String> table = replicas(v);
        JsonNode view = Sut.result(Sut.decodeCompact(Sut.bytes(v.path("input")), table), "decode of a valid payload").path("view");
        expectView(v, view, "a valid payload decodes to the view of the case", "HY-VEC-012",
                "the decode in the compact form of the payload " + v.path("input").asText());
        // The compact form holds this state, since the case's input holds it: null breaks HY-CONF-067.
        byte[] again = Sut.payload(Sut.result(Sut.encodeCompact(view, table), "encode of the decoded state"),
                "the compact form against the case's replica table, the view " + view);
        if (!Arrays.equals(again, Sut.bytes(v.path("input")))) {
            throw new AssertionError("the compact form is canonical: one state has one encoding\ninput: the view " + view
                    + "\nexpected: the payload of the case, " + v.path("input").asText() + "\nactual: " + Sut.hex(again));
        }
    }

    /** Whether the case's input is in the compact form, whose {@code replicas} the adapter then needs. */
    static boolean compact(JsonNode v) {
        return v.path("form").asText("columnar").equals("compact");
    }

    static List<String> replicas(JsonNode v) {
        List<String> table = new ArrayList<>();
        v.path("replicas").forEach(r -> table.add(r.asText()));
        return table;
    }

    /** The adapter's answer to the decode of a case's input, in the case's form and against its table. */
    static Response decodeInput(JsonNode v) {
        byte[] input = Sut.bytes(v.path("input"));
        return compact(v) ? Sut.decodeCompact(input, replicas(v)) : decode(v, input);
    }

    /** HY-VEC-014: refused with exactly the vector's code. */
    private static void invalidPayload(JsonNode v) {
        Response r = Sut.supported(decodeInput(v), "decode");
        int code = v.path("error").path("code").asInt();
        if (!r.isError() || r.code() != code) {
            throw new AssertionError("an invalid payload is refused with the code of the case\ninput: " + v.path("input").asText()
                    + presented(v) + "\nexpected: a refusal with " + code + " " + v.path("error").path("name").asText()
                    + "\nactual: " + r.describe());
        }
    }

    /**
     * How the case presents its input beside the bytes: in which form, and against which replica and key tables (HY-VEC-011);
     * empty for a columnar payload read alone.
     */
    private static String presented(JsonNode v) {
        return (compact(v) ? ", in the compact form" : "") + (v.has("replicas") ? ", against the replica table " + v.path("replicas") : "")
                + (v.has("keys") ? " and the key table " + v.path("keys") : "");
    }

    /**
     * The view that the adapter gave, {@code view}, is the case's {@code expected}, or the check fails on {@code rule}, the
     * requirement {@code id}, with what the adapter was doing as the input. HY-VEC-023: JSON values are compared as values;
     * Jackson's equality is member-order-free and array-order-exact.
     */
    static void expectView(JsonNode v, JsonNode view, String rule, String id, String doing) {
        if (!v.path("expected").equals(view)) {
            throw new Counterexamples.Failure(rule + " (" + id + ")\ninput: " + doing + "\nexpected: " + v.path("expected")
                    + "\nactual: " + view + "\nthe views differ " + Views.firstDifference(v.path("expected"), view), List.of(id));
        }
    }
}
