package dev.hyphae.conformance.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Codec;
import dev.hyphae.codec.JsonView;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;

/**
 * The reference implementation in the role of the model: what a conforming implementation answers. The
 * suite compares the adapter's answers with these; it never asks the model to stand in for the adapter.
 */
public final class Model {

    /** The JSON mapper of the suite: it keeps every string exactly as read (HY-VEC-024). */
    public static final ObjectMapper JSON = new ObjectMapper();

    private Model() {
    }

    /** The model's payload of {@code state}. */
    public static byte[] encode(CausalState<? extends Crdt> state) {
        return Codec.encode(state);
    }

    /** The model's decoding of {@code payload}. */
    public static CausalState<Crdt> decode(byte[] payload) throws ProtocolException {
        return Codec.decode(payload).state();
    }

    /** The JSON view of {@code state} (chapter "Test vectors", section "JSON view"). */
    public static JsonNode view(CausalState<? extends Crdt> state) {
        return JSON.valueToTree(JsonView.of(state));
    }

    /** The join of {@code states}, left to right. */
    @SafeVarargs
    public static CausalState<Crdt> join(CausalState<Crdt>... states) {
        CausalState<Crdt> joined = states[0];
        for (int i = 1; i < states.length; i++) {
            joined = joined.join(states[i]);
        }
        return joined;
    }

    /**
     * The answer to {@code query} for a store, computed from its view (chapter "Conformance", section "query"):
     * a counter's value as a decimal string, an LWWRegister's value or null, an MVRegister's values, an
     * EWFlag's bool, an AWSet's elements, an ORMap's entries each with its key, type id and the query of its
     * value, and null for a type the implementation does not know.
     */
    public static JsonNode query(JsonNode store) {
        return switch (store.path("type").asText()) {
            case "GCounter", "PNCounter", "LWWRegister", "EWFlag" -> store.get("value");
            case "MVRegister" -> store.get("values");
            case "AWSet" -> store.get("elements");
            case "ORMap" -> {
                ArrayNode entries = JSON.createArrayNode();
                for (JsonNode e : store.path("entries")) {
                    ObjectNode entry = entries.addObject();
                    entry.set("key", e.get("key"));
                    entry.set("typeId", e.path("value").get("typeId"));
                    entry.set("value", query(e.path("value")));
                }
                yield entries;
            }
            default -> JSON.nullNode();
        };
    }
}
