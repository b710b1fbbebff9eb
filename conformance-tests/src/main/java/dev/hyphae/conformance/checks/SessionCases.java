package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.conformance.Sut;

import java.util.ArrayList;
import java.util.List;

/**
 * The cases of the areas {@code compression} and {@code session} (chapter "Test vectors"): the {@code Delta} messages that
 * one side of a session receives, inflated, or read against the session tables that their declarations build. Part of
 * {@link VectorRunner}.
 */
final class SessionCases {

    private SessionCases() {
    }

    /** HY-COMP-017: each delta inflates to its expected payload; in an invalid case the last is refused with the code. */
    static void inflate(JsonNode v) {
        List<Sut.CompressedDelta> deltas = new ArrayList<>();
        v.path("deltas").forEach(d -> deltas.add(new Sut.CompressedDelta(d.path("channel").asLong(), d.path("compression").asInt(),
                Sut.bytes(d.path("payload")))));
        JsonNode r = Sut.result(Sut.inflate(v.path("negotiated").asBoolean(), deltas), "inflate");
        if (!r.path("payloads").equals(v.path("expected"))) {
            throw new AssertionError("each compressed delta inflates to the payload that was compressed, on its channel's own stream"
                    + "\ninput: " + deltas(v) + "\nexpected: " + v.path("expected") + "\nactual: " + r.path("payloads"));
        }
        JsonNode error = r.path("error");
        if (v.path("result").asText().equals("valid")) {
            if (!error.isNull()) {
                throw new AssertionError("a valid compressed delta is inflated\ninput: delta " + (r.path("payloads").size() + 1)
                        + " of " + deltas(v) + "\nexpected: its payload\nactual: refused with " + error);
            }
        } else if (error.isNull() || error.path("code").asInt() != v.path("error").path("code").asInt()) {
            throw new AssertionError("a delta that breaks a rule of compression is refused with the code of the case\ninput: the last "
                    + "of " + deltas(v) + "\nexpected: a refusal with " + v.path("error").path("code").asInt() + " "
                    + v.path("error").path("name").asText() + "\nactual: " + (error.isNull() ? "no refusal" : error));
        }
    }

    /** The deltas of a compression case as the session receives them, for a failure's input line. */
    private static String deltas(JsonNode v) {
        StringBuilder text = new StringBuilder((v.path("negotiated").asBoolean() ? "compression negotiated" : "compression not negotiated")
                + ", the deltas");
        int i = 1;
        for (JsonNode d : v.path("deltas")) {
            text.append(i == 1 ? " " : "; ").append(i++).append(": channel ").append(d.path("channel").asLong()).append(", compression ")
                    .append(d.path("compression").asInt()).append(", payload ").append(d.path("payload").asText());
        }
        return text.toString();
    }

    /**
     * HY-VEC-042: the session takes each Delta as the case expects, the view of its payload or the refusal of the payload
     * with its code, and in an invalid case ends after the last of them with the case's code.
     */
    static void receiveDeltas(JsonNode v) {
        for (JsonNode e : v.path("expected")) {
            Sut.requireTypesOf(e.path("view"));
        }
        List<byte[]> messages = new ArrayList<>();
        v.path("messages").forEach(m -> messages.add(Sut.bytes(m)));
        JsonNode r = Sut.result(Sut.receiveDeltas(v.path("opener").asText(), messages), "receiveDeltas");
        JsonNode results = r.path("results");
        JsonNode expected = v.path("expected");
        String law = "a session reads each Delta against the session tables that the declarations before it built";
        for (int i = 0; i < Math.max(results.size(), expected.size()); i++) {
            JsonNode got = results.path(i);
            JsonNode want = expected.path(i);
            String input = "\ninput: delta " + (i + 1) + " of " + v.path("messages").size() + ", " + v.path("messages").path(i).asText();
            if (want.isMissingNode()) {
                throw new AssertionError(law + ", and ends at a Delta that breaks a rule of the session" + input
                        + "\nexpected: the session ended before it\nactual: taken, " + got);
            }
            if (got.isMissingNode()) {
                throw new AssertionError(law + input + "\nexpected: " + (want.has("view") ? "the view " + want.path("view")
                        : "its payload refused with " + want.path("error")) + "\nactual: the session ended before it, with " + r.path("error"));
            }
            if (want.has("view") && !want.path("view").equals(got.path("view"))) {
                throw new AssertionError(law + input + "\nexpected: the view " + want.path("view") + "\nactual: "
                        + (got.has("view") ? "the view " + got.path("view") + "\nthe views differ "
                        + Views.firstDifference(want.path("view"), got.path("view")) : got));
            }
            if (want.has("error") && got.path("error").path("code").asInt(-1) != want.path("error").path("code").asInt()) {
                throw new AssertionError(law + ", and refuses a malformed payload alone" + input + "\nexpected: its payload refused with "
                        + want.path("error").path("code").asInt() + " " + want.path("error").path("name").asText() + "\nactual: " + got);
            }
        }
        JsonNode error = r.path("error");
        if (v.path("result").asText().equals("valid")) {
            if (!error.isNull()) {
                throw new AssertionError(law + "\ninput: the deltas of the case\nexpected: the session goes on after delta "
                        + results.size() + "\nactual: it ended with " + error);
            }
        } else if (error.isNull() || error.path("code").asInt() != v.path("error").path("code").asInt()) {
            throw new AssertionError("a Delta that breaks a rule of the session ends it with the code of the case\ninput: delta "
                    + (expected.size() + 1) + " of the case\nexpected: the session ended with " + v.path("error").path("code").asInt() + " "
                    + v.path("error").path("name").asText() + "\nactual: " + (error.isNull() ? "no end" : error));
        }
    }
}
