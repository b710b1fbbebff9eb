package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.conformance.BrokenClaim;
import dev.hyphae.conformance.Counterexamples;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Response;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.Unsupported;
import dev.hyphae.conformance.model.Model;
import dev.hyphae.conformance.model.SelectionReader;
import dev.hyphae.model.encoding.Malformed;
import dev.hyphae.model.handshake.Negotiation;
import dev.hyphae.ProtocolException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs one vector file against the adapter, as the chapter "Test vectors" requires of an implementation for the
 * vector's area and result. A result or operation this runner does not implement is reported as unsupported,
 * never as passed (HY-VEC-018).
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
                if (!result.equals("valid") || !List.of("join", "query", "mutate").contains(operation)) {
                    throw new Unsupported("operation '" + operation + "' with result '" + result + "'");
                }
                switch (operation) {
                    case "join" -> join(v);
                    case "query" -> query(v);
                    default -> mutate(v);
                }
            }
            case "handshake" -> {
                Sut.requireProfile(Profile.HANDSHAKE);
                handshake(v);
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
                inflate(v);
            }
            case "session" -> {
                Sut.requireProfile(Profile.CODEC);
                if (!operation.equals("receiveDeltas")) {
                    throw new Unsupported("operation '" + operation + "'");
                }
                receiveDeltas(v);
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
        expectView(v, view, "decode of the input");
        Response encoded = v.has("keys") ? Sut.encode(view, replicas(v), v.path("keys"))
                : v.has("replicas") ? Sut.encode(view, replicas(v)) : Sut.encode(view);
        byte[] again = Sut.bytes(Sut.result(encoded, "encode of the decoded state").path("payload"));
        JsonNode second = Sut.result(decode(v, again), "decode of the re-encoded payload " + Sut.hex(again)).path("view");
        expectView(v, second, "decode of the re-encoded payload " + Sut.hex(again));
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
        expectView(v, view, "decode of the input");
        byte[] again = Sut.bytes(Sut.result(Sut.encodeCompact(view, table), "encode of the decoded state").path("payload"));
        if (!Arrays.equals(again, Sut.bytes(v.path("input")))) {
            throw new AssertionError("the compact form of the decoded state is " + Sut.hex(again) + ", not the input");
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
            throw new AssertionError("expected a refusal with " + code + " " + v.path("error").path("name").asText()
                    + ", got " + r.describe());
        }
    }

    /** HY-COMP-017: each delta inflates to its expected payload; in an invalid case the last is refused with the code. */
    private static void inflate(JsonNode v) {
        List<Sut.CompressedDelta> deltas = new ArrayList<>();
        v.path("deltas").forEach(d -> deltas.add(new Sut.CompressedDelta(d.path("channel").asLong(), d.path("compression").asInt(),
                Sut.bytes(d.path("payload")))));
        JsonNode r = Sut.result(Sut.inflate(v.path("negotiated").asBoolean(), deltas), "inflate");
        if (!r.path("payloads").equals(v.path("expected"))) {
            throw new AssertionError("the deltas inflated to\n" + r.path("payloads") + "\nexpected\n" + v.path("expected"));
        }
        JsonNode error = r.path("error");
        if (v.path("result").asText().equals("valid")) {
            if (!error.isNull()) {
                throw new AssertionError("refused delta " + (r.path("payloads").size() + 1) + " with " + error);
            }
        } else if (error.isNull() || error.path("code").asInt() != v.path("error").path("code").asInt()) {
            throw new AssertionError("expected the last delta refused with " + v.path("error").path("code").asInt() + " "
                    + v.path("error").path("name").asText() + ", got " + (error.isNull() ? "no refusal" : error));
        }
    }

    /**
     * HY-VEC-042: the session takes each Delta as the case expects, the view of its payload or the refusal of the payload
     * with its code, and in an invalid case ends after the last of them with the case's code.
     */
    private static void receiveDeltas(JsonNode v) {
        for (JsonNode e : v.path("expected")) {
            Sut.requireTypesOf(e.path("view"));
        }
        List<byte[]> messages = new ArrayList<>();
        v.path("messages").forEach(m -> messages.add(Sut.bytes(m)));
        JsonNode r = Sut.result(Sut.receiveDeltas(v.path("opener").asText(), messages), "receiveDeltas");
        JsonNode results = r.path("results");
        JsonNode expected = v.path("expected");
        for (int i = 0; i < Math.max(results.size(), expected.size()); i++) {
            JsonNode got = results.path(i);
            JsonNode want = expected.path(i);
            String which = "delta " + (i + 1) + " of " + v.path("messages").size();
            if (want.isMissingNode()) {
                throw new AssertionError(which + " was taken (" + got + "), but the session should have ended before it");
            }
            if (got.isMissingNode()) {
                throw new AssertionError(which + " was not taken: the session ended with " + r.path("error")
                        + "; expected " + (want.has("view") ? "the view\n" + want.path("view") : "its payload refused with "
                        + want.path("error")));
            }
            if (want.has("view") && !want.path("view").equals(got.path("view"))) {
                throw new AssertionError(which + ": its payload decodes to\n" + (got.has("view") ? got.path("view") : got)
                        + "\nexpected\n" + want.path("view"));
            }
            if (want.has("error") && got.path("error").path("code").asInt(-1) != want.path("error").path("code").asInt()) {
                throw new AssertionError(which + ": expected its payload refused with " + want.path("error").path("code").asInt()
                        + " " + want.path("error").path("name").asText() + ", got " + got);
            }
        }
        JsonNode error = r.path("error");
        if (v.path("result").asText().equals("valid")) {
            if (!error.isNull()) {
                throw new AssertionError("the session ended after delta " + results.size() + " with " + error);
            }
        } else if (error.isNull() || error.path("code").asInt() != v.path("error").path("code").asInt()) {
            throw new AssertionError("expected the session to end at delta " + (expected.size() + 1) + " with "
                    + v.path("error").path("code").asInt() + " " + v.path("error").path("name").asText() + ", got "
                    + (error.isNull() ? "no refusal" : error));
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
        expectView(v, joined.path("view"), "join of the inputs");
        JsonNode payload = joined.path("payload");
        if (!payload.isTextual()) {
            if (!severalOpaqueVersions(v.path("expected"))) {
                throw new Counterexamples.Failure("HY-VEC-049: the join gave no payload, though one payload may carry its state: "
                        + "it holds no value of unknown type with several opaque versions (HY-ENC-051)", List.of(REENCODED_JOIN));
            }
            return;
        }
        try {
            JsonNode again = Sut.result(Sut.decode(Sut.bytes(payload)), "decode of the join's payload " + payload.asText()).path("view");
            expectView(v, again, "decode of the join's payload " + payload.asText());
        } catch (Counterexamples.Failure | BrokenClaim passOn) {
            throw passOn;
        } catch (AssertionError wrong) {
            throw new Counterexamples.Failure(REENCODED_JOIN + ": " + wrong.getMessage(), List.of(REENCODED_JOIN));
        }
    }

    /** The requirement that the payload of a join breaks when it is missing or does not decode to the join's view. */
    private static final String REENCODED_JOIN = "HY-VEC-049";

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
            throw new AssertionError("the query of the input gave\n" + value + "\nexpected\n" + expected);
        }
    }

    /**
     * HY-VEC-052 and HY-VEC-053: the adapter's {@code mutate}, given the one input as its {@code state} with the case's type,
     * replica, timestamp and mutation, makes the mutation, with the expected delta, and gives the expected state after it.
     * The payloads it returns are read by the model, as the mutator properties read them, so that an adapter's decoder
     * cannot excuse its own mutator; a payload the model refuses fails on HY-ENC-047.
     */
    private static void mutate(JsonNode v) {
        if (v.path("inputs").size() != 1) {
            throw new Unsupported("a mutate case with " + v.path("inputs").size() + " inputs");
        }
        if (!v.path("type").asText().matches("[0-9]{1,9}")) {
            throw new AssertionError("a mutate case must give in type the CRDT type id of the root of its input (HY-VEC-054); it gives "
                    + (v.has("type") ? v.path("type") : "none"));
        }
        int type = Integer.parseInt(v.path("type").asText());
        byte[] input = Sut.bytes(v.path("inputs").get(0));
        // HY-CONF-007: the types the request itself holds, those of the state it sends.
        Sut.requireType(type);
        try {
            Sut.requireTypesOf(Model.view(Model.decode(input)));
        } catch (Malformed e) {
            throw new AssertionError("the input of the case is not a valid payload: " + e.getMessage());
        }
        Long timestamp = v.hasNonNull("timestamp") ? Long.parseUnsignedLong(v.path("timestamp").asText()) : null;
        String doing = "mutation " + v.path("mutation") + (timestamp == null ? "" : " at timestamp " + v.path("timestamp").asText())
                + " by replica " + v.path("replica").asText() + " of the input";
        JsonNode r = Sut.result(Sut.mutate(input, type, v.path("replica").asText(), timestamp, v.path("mutation")), doing);
        if (r.has("refused")) {
            throw new AssertionError(doing + " was refused (" + r.path("refused").asText() + "); expected the delta\n"
                    + v.path("expected").path("delta"));
        }
        JsonNode delta = modelView(Sut.bytes(r.path("delta")), doing + ", the delta");
        if (!v.path("expected").path("delta").equals(delta)) {
            throw new AssertionError(doing + " gave the delta\n" + delta + "\nexpected\n" + v.path("expected").path("delta"));
        }
        JsonNode state = modelView(Sut.bytes(r.path("state")), doing + ", the state after it");
        if (!v.path("expected").path("state").equals(state)) {
            throw new AssertionError(doing + " left the state\n" + state + "\nexpected\n" + v.path("expected").path("state"));
        }
    }

    /** The model's view of a payload that the adapter wrote, which a decoder must accept (HY-ENC-047). */
    private static JsonNode modelView(byte[] payload, String what) {
        try {
            return Model.view(Model.decode(payload));
        } catch (Malformed e) {
            throw new Counterexamples.Failure("HY-ENC-047: " + what + " is a payload that a decoder must refuse: " + e.getMessage() + "\n"
                    + Sut.hex(payload), List.of("HY-ENC-047"));
        }
    }

    static void expectView(JsonNode v, JsonNode view, String doing) {
        // HY-VEC-023: JSON values compared as values; Jackson's equality is member-order-free and array-order-exact.
        if (!v.path("expected").equals(view)) {
            throw new AssertionError(doing + " gave\n" + view + "\nexpected\n" + v.path("expected"));
        }
    }

    /**
     * HY-VEC-025, HY-VEC-026 and HY-VEC-036: the adapter plays both sides, each receiving its message as the case
     * delivers it (HY-VEC-046); the suite relays, and judges what a side that refuses sends (HY-CONF-023).
     */
    private static void handshake(JsonNode v) {
        if (v.path("result").asText().equals("valid")) {
            ValidHandshakes.judge(v);
            return;
        }
        HandshakeReplay.Run run = HandshakeReplay.replay(v, false);
        int code = v.path("error").path("code").asInt();
        JsonNode messages = v.path("messages");
        // A case played as recorded, whose forged message 2 is not the responder's own answer to messages[0].
        boolean initiatorReadAForgedReply = !HandshakeReplay.live(v) && messages.size() >= 2 && (run.error == null || run.atMessage >= 2)
                && run.written.size() >= 2 && !messages.get(1).asText().equals(run.written.get(1));
        if (initiatorReadAForgedReply && !messages.get(0).asText().equals(run.written.get(0))) {
            // HY-VEC-037: the forged message 2 answers the vector's message 1. An initiator whose own message 1 differs
            // has another transcript and fails to decrypt it whatever it checks, so its refusal proves nothing. (When
            // messages[0] itself is tampered, the responder's genuine answer failing at the initiator is the point.)
            throw new AssertionError("not judgeable: the initiator's message 1 " + run.written.get(0) + " differs from the vector's "
                    + messages.get(0).asText() + ", so it cannot read the recorded message 2 (HY-VEC-037: the same keys and offer give "
                    + "the same message 1 byte for byte); "
                    + (run.error == null ? "the handshake completed" : "the " + run.failingSide + " refused message " + run.atMessage
                    + " with " + run.error.describe()));
        }
        if (run.error == null) {
            throw new AssertionError("the handshake completed; expected the " + v.path("failingSide").asText() + " to refuse message "
                    + v.path("atMessage").asInt() + " with " + code);
        }
        if (run.error.code() != code || !run.failingSide.equals(v.path("failingSide").asText())
                || run.atMessage != v.path("atMessage").asInt()) {
            throw new AssertionError("the " + run.failingSide + " refused message " + run.atMessage + " with " + run.error.describe()
                    + "; expected the " + v.path("failingSide").asText() + " to refuse message " + v.path("atMessage").asInt()
                    + " with " + code + " " + v.path("error").path("name").asText());
        }
        if (!v.path("reported").asBoolean()) {
            if (run.error.message() != null) {
                throw new AssertionError("the " + run.failingSide + " refused message " + run.atMessage + " with " + code
                        + ", which ends the handshake without a word, and still sent " + run.error.message());
            }
            return;
        }
        expectReported(v, run, code);
    }

    /**
     * HY-VEC-036: the responder's own message 2 reports the refusal. The suite reads it as the case's initiator, whose
     * transcript holds the message 1 that the responder read; and when that is the message 1 that the adapter's
     * initiator wrote, the adapter's initiator reads it too, and must end with the code that HY-HS-007 makes of the
     * reported one.
     */
    private static void expectReported(JsonNode v, HandshakeReplay.Run run, int code) {
        if (run.error.message() == null) {
            throw new AssertionError("the responder refused message 1 with " + code + " and sent no message 2 to report it");
        }
        String first = run.delivered.get(0);
        JsonNode initiator = v.path("initiator");
        try {
            SelectionReader.Reply reply = SelectionReader.read(Sut.bytes(initiator.path("staticPrivateKey")),
                    Sut.bytes(initiator.path("ephemeralPrivateKey")), Sut.bytes(first), Sut.bytes(run.error.message()));
            if (reply.error() != code) {
                throw new AssertionError("the responder refused message 1 with " + code + ", but its message 2 "
                        + (reply.error() == 0 ? "selects a version" : "reports " + reply.error()) + ": " + run.error.message());
            }
            if (reply.otherFields()) {
                // HY-HS-006, HY-HS-017: an error Selection holds the error alone.
                throw new AssertionError("the responder's message 2 reports " + code + " in a Selection that also holds a version, "
                        + "capabilities, a certificate or a max_frame_size: " + run.error.message());
            }
        } catch (ProtocolException e) {
            throw new AssertionError("the responder's message 2, " + run.error.message() + ", cannot be read as the initiator of the "
                    + "case: " + e.getMessage());
        }
        if (!run.written.get(0).equals(first)) {
            return;
        }
        Response r = Sut.supported(Sut.handshakeRead(run.initiator, Sut.bytes(run.error.message())), "handshakeRead");
        int ends = Negotiation.initiatorEndsWith(code);
        if (!r.isError() || r.code() != ends || r.message() != null) {
            throw new AssertionError("the initiator read the responder's report of " + code + " and answered " + r.describe()
                    + "; expected a refusal with " + ends + " and no message");
        }
    }
}
