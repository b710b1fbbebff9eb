package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON views as the checks compare them. A view holds a state and, beside each store, its query ("The JSON view"):
 * {@code value}, {@code values} or {@code elements}. A check of join compares the states, and leaves the queries to
 * the checks of the queries, so that a wrong query is reported against the query's requirement and not as a wrong
 * join.
 */
final class Views {

    private Views() {
    }

    /** {@code view} without the query members of its stores, at every depth. */
    static JsonNode withoutQueries(JsonNode view) {
        JsonNode copy = view.deepCopy();
        if (copy.has("store")) {
            strip(copy.path("store"));
        }
        return copy;
    }

    private static void strip(JsonNode store) {
        if (!(store instanceof ObjectNode node)) {
            return;
        }
        switch (node.path("type").asText()) {
            case "MVRegister" -> node.remove("values");
            case "AWSet" -> node.remove("elements");
            case "ORMap" -> node.path("entries").forEach(e -> strip(e.path("value")));
            case "GCounter", "PNCounter", "LWWRegister", "EWFlag" -> node.remove("value");
            default -> {
                // A store of unknown type has no query member.
            }
        }
    }
}
