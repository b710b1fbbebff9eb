package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Counterexamples;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Response;
import dev.hyphae.conformance.SuiteSettingsHook;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.model.Model;
import dev.hyphae.model.ReplicaId;
import dev.hyphae.model.State;
import dev.hyphae.model.encoding.CompactDecoder;
import dev.hyphae.model.encoding.CompactEncoder;
import dev.hyphae.model.encoding.Malformed;
import dev.hyphae.model.testkit.States;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.util.Arrays;
import java.util.List;

/**
 * Generated properties of the Codec profile for the compact form (specification, "Encoding", section "Compact
 * form"), against the model's compact encoder and decoder: the adapter decodes what the model encodes, writes the
 * same bytes as the model for every state (the form is canonical), and reaches the model's verdict on damaged
 * input. The replica table is the model's test replicas in an order that is not that of their ids.
 */
@Checks(Profile.CODEC)
@AddLifecycleHook(SuiteSettingsHook.class)
class CompactCodecProperties {

    private static final List<ReplicaId> TABLE = List.of(States.REPLICAS.get(2), States.REPLICAS.get(0), States.REPLICAS.get(1));
    private static final List<String> HEX_TABLE = TABLE.stream().map(ReplicaId::hex).toList();

    @Provide
    Arbitrary<State> states() {
        Sut.requireProfile(Profile.CODEC);
        // The compact form holds the types of version 1 alone (HY-ENC-062).
        return States.states(Types.claimed(), false);
    }

    private static byte[] compact(State state) {
        return CompactEncoder.encode(state, TABLE).orElseThrow(() -> new IllegalStateException("no compact form of " + state));
    }

    @Property
    @Requirement({"HY-ENC-061", "HY-ENC-068", "HY-ENC-069", "HY-ENC-070", "HY-ENC-071", "HY-ENC-072", "HY-ENC-073"})
    void compactDecodeAgreesWithTheModel(@ForAll("states") State state) {
        byte[] payload = compact(state);
        JsonNode expected = Model.view(state);
        JsonNode view = Sut.result(Sut.decodeCompact(payload, HEX_TABLE), "decode of the compact form").path("view");
        if (!expected.equals(view)) {
            throw Counterexamples.failure("decode gave\n" + view, valid("compactDecodeAgreesWithTheModel", payload, expected,
                    "The adapter decoded this payload in the compact form to another view."));
        }
    }

    @Property
    @Requirement({"HY-ENC-060", "HY-ENC-063"})
    void compactEncodeWritesTheModelsBytes(@ForAll("states") State state) {
        byte[] expected = compact(state);
        JsonNode view = Model.view(state);
        byte[] payload = Sut.bytes(Sut.result(Sut.encodeCompact(view, HEX_TABLE), "encode in the compact form").path("payload"));
        if (!Arrays.equals(expected, payload)) {
            throw Counterexamples.failure("the compact form of this state is " + Sut.hex(expected) + "; the adapter wrote "
                    + Sut.hex(payload), valid("compactEncodeWritesTheModelsBytes", expected, view,
                    "The adapter writes the state of this payload in the compact form with other bytes."));
        }
    }

    @Property
    @Requirement({"HY-ENC-065", "HY-ENC-066", "HY-ENC-077", "HY-VEC-014"})
    void damagedCompactInputGetsTheModelsVerdict(@ForAll("states") State state,
                                                 @ForAll @Size(min = 1, max = 3) List<@IntRange(min = 0, max = 1 << 20) Integer> positions,
                                                 @ForAll("flips") int flip, @ForAll @IntRange(min = 0, max = 3) int cut) {
        byte[] payload = compact(state);
        for (int p : positions) {
            payload[p % payload.length] ^= (byte) flip;
        }
        byte[] input = Arrays.copyOf(payload, Math.max(0, payload.length - cut));
        Malformed refusal = null;
        State accepted = null;
        try {
            accepted = CompactDecoder.decode(input, TABLE);
        } catch (Malformed e) {
            refusal = e;
        }
        Response r = Sut.supported(Sut.decodeCompact(input, HEX_TABLE), "decode of the compact form");
        if (refusal != null) {
            if (!r.isError() || r.code() != Malformed.MALFORMED_DELTA) {
                ObjectNode v = vector("invalid", "damagedCompactInputGetsTheModelsVerdict",
                        "Refused by the model with MALFORMED_DELTA, answered by the adapter with " + r.describe() + ".",
                        "HY-VEC-014", input);
                v.putObject("error").put("code", Malformed.MALFORMED_DELTA).put("name", "MALFORMED_DELTA");
                v.put("phase", refusal.phase().specName());
                throw Counterexamples.failure("expected a refusal with " + Malformed.MALFORMED_DELTA + " MALFORMED_DELTA ("
                        + refusal.getMessage() + "), got " + r.describe(), v);
            }
            return;
        }
        JsonNode expected = Model.view(accepted);
        if (!r.isResult() || !expected.equals(r.result().path("view"))) {
            throw Counterexamples.failure("the model accepts this input; the adapter answered " + r.describe(),
                    valid("damagedCompactInputGetsTheModelsVerdict", input, expected,
                            "A payload in the compact form that the model accepts, and the adapter does not decode to the same view."));
        }
    }

    @Provide
    Arbitrary<Integer> flips() {
        return Arbitraries.of(0x01, 0x02, 0x04, 0x10, 0x80, 0xff);
    }

    private static ObjectNode vector(String result, String check, String description, String requirement, byte[] input) {
        ObjectNode v = Counterexamples.vector("payload", result, check, description, List.of(requirement));
        v.put("form", "compact");
        HEX_TABLE.forEach(v.putArray("replicas")::add);
        v.put("input", Sut.hex(input));
        return v;
    }

    private static ObjectNode valid(String check, byte[] payload, JsonNode expected, String description) {
        ObjectNode v = vector("valid", check, description, "HY-VEC-012", payload);
        v.set("expected", expected);
        return v;
    }
}
