package dev.hyphae.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The query of a store, as the adapter protocol's {@code query} answers it (chapter "Conformance", table "The
 * result of query"), computed from the store by the definitions of "CRDT types"; the JSON view's query members are
 * the same values.
 */
public final class Query {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Query() {
    }

    /** The query of the store of {@code state}. */
    public static JsonNode of(State state) {
        return of(state.store());
    }

    /** The query of {@code store}: null for a type that the model does not know. */
    public static JsonNode of(Store store) {
        if (store instanceof GCounter g) {
            return JSON.textNode(g.value().toString());
        } else if (store instanceof PNCounter p) {
            return JSON.textNode(p.value().toString());
        } else if (store instanceof LWWRegister l) {
            return l.value().<JsonNode>map(JsonView::value).orElse(JSON.nullNode());
        } else if (store instanceof MVRegister m) {
            ArrayNode values = JSON.arrayNode();
            m.values().forEach(v -> values.add(JsonView.value(v)));
            return values;
        } else if (store instanceof EWFlag f) {
            return JSON.booleanNode(f.value());
        } else if (store instanceof AWSet s) {
            ArrayNode elements = JSON.arrayNode();
            s.elements().forEach(e -> elements.add(JsonView.value(e)));
            return elements;
        } else if (store instanceof ORMap map) {
            ArrayNode entries = JSON.arrayNode();
            map.entries().forEach((k, nested) -> entries.addObject()
                    .<com.fasterxml.jackson.databind.node.ObjectNode>set("key", JsonView.value(k.key()))
                    .put("typeId", Integer.toString(k.typeId()))
                    .set("value", of(nested)));
            return entries;
        }
        return JSON.nullNode();
    }
}
