package dev.hyphae.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * One answer of the adapter: a result, a refusal with a registry error code, an "unsupported", a failure
 * of the adapter to handle the request, or a crash (no answer at all).
 *
 * @param kind    which of these it is
 * @param result  the {@code result} member, for {@link Kind#RESULT}; the whole response otherwise
 * @param code    the error code, for {@link Kind#ERROR}
 * @param name    the error's name, for {@link Kind#ERROR}
 * @param text    a human-readable explanation: the error's message, the reason for "unsupported", the
 *                failure, or what happened to the process
 * @param message a handshake message that the adapter sends with a refusal (the responder's report of a
 *                failed negotiation), or null
 */
public record Response(Kind kind, JsonNode result, int code, String name, String text, String message) {

    /** What kind of answer. */
    public enum Kind { RESULT, ERROR, UNSUPPORTED, FAILURE, CRASHED }

    static Response of(JsonNode response) {
        if (response.has("result")) {
            return new Response(Kind.RESULT, response.get("result"), 0, null, null, null);
        }
        if (response.has("error")) {
            JsonNode error = response.get("error");
            if (!error.path("code").canConvertToInt()) {
                return new Response(Kind.FAILURE, response, 0, null, "an error without a numeric code: " + response, null);
            }
            return new Response(Kind.ERROR, response, error.path("code").asInt(), error.path("name").asText(""),
                    error.path("message").asText(""), response.hasNonNull("message") ? response.get("message").asText() : null);
        }
        if (response.has("unsupported")) {
            return new Response(Kind.UNSUPPORTED, response, 0, null, response.path("unsupported").asText(""), null);
        }
        if (response.has("failure")) {
            return new Response(Kind.FAILURE, response, 0, null, response.path("failure").asText(""), null);
        }
        return new Response(Kind.FAILURE, response, 0, null, "a response with none of result, error, unsupported, failure: " + response, null);
    }

    static Response crashed(String why) {
        return new Response(Kind.CRASHED, MissingNode.getInstance(), 0, null, why, null);
    }

    /** Whether the adapter answered with a result. */
    public boolean isResult() {
        return kind == Kind.RESULT;
    }

    /** Whether the adapter refused with an error code. */
    public boolean isError() {
        return kind == Kind.ERROR;
    }

    /** For people: what the answer was. */
    public String describe() {
        return switch (kind) {
            case RESULT -> "result " + result;
            case ERROR -> "error " + code + " " + name + (text.isEmpty() ? "" : " (" + text + ")");
            case UNSUPPORTED -> "unsupported (" + text + ")";
            case FAILURE -> "adapter failure: " + text;
            case CRASHED -> "adapter crashed: " + text;
        };
    }
}
