package dev.hyphae.conformance.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.data.Value;

import java.util.HexFormat;

/** Values from their JSON view (chapter "Test vectors", section "Values"), for the model's side of a mutation. */
final class Values {

    private Values() {
    }

    static Value of(JsonNode view) {
        return switch (view.path("kind").asText()) {
            case "null" -> Value.ofNull();
            case "bool" -> Value.of(view.path("value").asBoolean());
            case "int64" -> Value.of(Long.parseLong(view.path("value").asText()));
            case "float64" -> Value.of(Double.longBitsToDouble(Long.parseUnsignedLong(view.path("bits").asText(), 16)));
            case "string" -> Value.of(view.path("value").asText());
            case "bytes" -> Value.of(HexFormat.of().parseHex(view.path("hex").asText()));
            default -> throw new IllegalArgumentException("no value kind " + view.path("kind"));
        };
    }
}
