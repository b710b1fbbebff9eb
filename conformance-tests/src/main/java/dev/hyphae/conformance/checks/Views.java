package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.TreeSet;

/**
 * JSON views as the checks compare them. A view holds a state and, beside each store, its query ("The JSON view"):
 * {@code value}, {@code values} or {@code elements}. A check of join compares the states, and leaves the queries to
 * the checks of the queries, so that a wrong query is reported against the query's requirement and not as a wrong
 * join. Where two views differ, a failure names the first place ({@link #firstDifference}): a whole view is long, and the
 * member that differs is what points at the broken rule (an integer written with a plus sign, a float with another bit
 * pattern, an array in another order, a member too many).
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

    /**
     * The first place where {@code actual} differs from {@code expected}, or null if they are equal: members of an object
     * are visited in the alphabetical order of their names, elements of an array in their order.
     */
    static String firstDifference(JsonNode expected, JsonNode actual) {
        return difference("", expected, actual);
    }

    private static String difference(String path, JsonNode expected, JsonNode actual) {
        if (expected.equals(actual)) {
            return null;
        }
        String at = path.isEmpty() ? "/" : path;
        if (expected.isObject() && actual.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            expected.fieldNames().forEachRemaining(names::add);
            actual.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (!expected.has(name)) {
                    return "at " + path + "/" + name + ": expected no such member, actual " + abbreviate(actual.get(name));
                }
                if (!actual.has(name)) {
                    return "at " + path + "/" + name + ": expected " + abbreviate(expected.get(name)) + ", actual no such member";
                }
                String d = difference(path + "/" + name, expected.get(name), actual.get(name));
                if (d != null) {
                    return d;
                }
            }
        }
        if (expected.isArray() && actual.isArray()) {
            if (expected.size() != actual.size()) {
                return "at " + at + ": expected " + expected.size() + " items, actual " + actual.size() + " (expected " + abbreviate(expected)
                        + ", actual " + abbreviate(actual) + ")";
            }
            for (int i = 0; i < expected.size(); i++) {
                String d = difference(path + "/" + i, expected.get(i), actual.get(i));
                if (d != null) {
                    return d;
                }
            }
        }
        return "at " + at + ": expected " + abbreviate(expected) + ", actual " + abbreviate(actual);
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() > 300 ? text.substring(0, 300) + "...(" + text.length() + " characters)" : text;
    }
}
