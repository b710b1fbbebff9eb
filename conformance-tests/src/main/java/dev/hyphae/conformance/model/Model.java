package dev.hyphae.conformance.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyphae.model.JsonView;
import dev.hyphae.model.State;
import dev.hyphae.model.encoding.Malformed;
import dev.hyphae.model.encoding.PayloadDecoder;
import dev.hyphae.model.encoding.PayloadEncoder;

/**
 * The executable model ({@code dev.hyphae.model}) in the role of the oracle: what a conforming implementation
 * answers. The suite compares the adapter's answers with these; it never asks the model to stand in for the
 * adapter, and it takes nothing of the data model from the reference implementation.
 */
public final class Model {

    /** The JSON mapper of the suite: it keeps every string exactly as read (HY-VEC-024). */
    public static final ObjectMapper JSON = new ObjectMapper();

    private Model() {
    }

    /** The model's payload of {@code state}. */
    public static byte[] encode(State state) {
        return PayloadEncoder.encode(state);
    }

    /** The model's decoding of {@code payload}: the state, or a refusal with its phase. */
    public static State decode(byte[] payload) throws Malformed {
        return PayloadDecoder.decode(payload);
    }

    /** The JSON view of {@code state} (chapter "Test vectors", section "JSON view"). */
    public static JsonNode view(State state) {
        return JsonView.of(state);
    }

    /** The join of {@code states}, left to right. */
    public static State join(State... states) {
        State joined = states[0];
        for (int i = 1; i < states.length; i++) {
            joined = joined.join(states[i]);
        }
        return joined;
    }
}
