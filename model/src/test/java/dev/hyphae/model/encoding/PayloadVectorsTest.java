package dev.hyphae.model.encoding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyphae.model.JsonView;
import dev.hyphae.model.Mutation;
import dev.hyphae.model.MutationRefused;
import dev.hyphae.model.Mutators;
import dev.hyphae.model.ORMap;
import dev.hyphae.model.Query;
import dev.hyphae.model.ReplicaId;
import dev.hyphae.model.State;
import dev.hyphae.model.Store;
import dev.hyphae.model.Unknown;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every payload and operations vector of {@code test-vectors/v1}, run against the model's decoder and encoder: a
 * valid input decodes to the vector's view, and so does the model's encoding of what it decoded; an invalid input
 * is refused in the vector's phase (the code of every payload refusal is MALFORMED_DELTA); the inputs of an
 * operation, decoded and joined in order, give the vector's view; a mutation gives the vector's delta and state.
 */
class PayloadVectorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    static List<Path> vectors(String area) throws IOException {
        Path root = Path.of(System.getProperty("hyphae.root", "..")).resolve("test-vectors/v1").resolve(area);
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    @TestFactory
    @Requirement({"HY-VEC-012", "HY-VEC-013", "HY-VEC-014", "HY-VEC-010", "HY-ENC-002", "HY-ENC-047", "HY-ENC-055", "HY-ENC-056",
            "HY-ENC-060", "HY-ENC-100", "HY-ENC-102", "HY-ENC-103", "HY-ENC-104"})
    Stream<DynamicTest> payloadVectors() throws IOException {
        return vectors("payload").stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            JsonNode vector = JSON.readTree(file.toFile());
            byte[] input = HEX.parseHex(vector.path("input").asText());
            if (vector.path("form").asText("columnar").equals("compact")) {
                compactVector(vector, input);
                return;
            }
            // A payload in session form is read against the session replica table that the case gives (HY-ENC-055).
            List<ReplicaId> table = null;
            if (vector.has("replicas")) {
                table = new ArrayList<>();
                for (JsonNode id : vector.path("replicas")) {
                    table.add(new ReplicaId(id.asText()));
                }
            }
            List<ReplicaId> external = table;
            // And its key indexes against the session key table that the case gives as its "keys" (HY-ENC-102).
            List<dev.hyphae.model.Value> keys = table == null ? null : new ArrayList<>();
            vector.path("keys").forEach(k -> keys.add(JsonView.readValue(k)));
            if (vector.path("result").asText().equals("valid")) {
                State state = PayloadDecoder.decode(input, external, keys);
                assertEquals(vector.get("expected"), JsonView.of(state));
                byte[] again = external == null ? PayloadEncoder.encode(state) : PayloadEncoder.encode(state, external, keys);
                assertEquals(vector.get("expected"), JsonView.of(PayloadDecoder.decode(again, external, keys)));
            } else {
                assertEquals(Malformed.MALFORMED_DELTA, vector.path("error").path("code").asInt());
                Malformed refusal = assertThrows(Malformed.class, () -> PayloadDecoder.decode(input, external, keys));
                assertEquals(vector.path("phase").asText(), refusal.phase().specName(), refusal.getMessage());
                namesARequirementOfTheCase(vector, refusal);
            }
        }));
    }

    /**
     * A vector in the compact form, under its replica table: a valid input decodes to the view, and the model's
     * compact encoding of what it decoded is the input, byte for byte; an invalid one is refused in its phase.
     */
    private static void compactVector(JsonNode vector, byte[] input) throws Malformed {
        List<ReplicaId> table = new ArrayList<>();
        vector.path("replicas").forEach(r -> table.add(new ReplicaId(r.asText())));
        if (vector.path("result").asText().equals("valid")) {
            State state = CompactDecoder.decode(input, table);
            assertEquals(vector.get("expected"), JsonView.of(state));
            assertArrayEquals(input, CompactEncoder.encode(state, table).orElseThrow());
        } else {
            assertEquals(Malformed.MALFORMED_DELTA, vector.path("error").path("code").asInt());
            Malformed refusal = assertThrows(Malformed.class, () -> CompactDecoder.decode(input, table));
            assertEquals(vector.path("phase").asText(), refusal.phase().specName(), refusal.getMessage());
            namesARequirementOfTheCase(vector, refusal);
        }
    }

    /** The model's refusal names a requirement that the case cites: the rule that the input breaks. */
    private static void namesARequirementOfTheCase(JsonNode vector, Malformed refusal) {
        List<String> cited = new ArrayList<>();
        vector.path("requirements").forEach(r -> cited.add(r.asText()));
        assertTrue(refusal.requirements().stream().anyMatch(cited::contains), vector.path("id").asText() + ": the model refuses it under "
                + refusal.requirements() + " (" + refusal.getMessage() + "), the case cites " + cited);
    }

    /**
     * The operations: a join gives the vector's view, and so does the model's encoding of the join, unless it holds a value
     * of unknown type with several opaque versions, which no payload carries; a query reports the vector's value.
     */
    @TestFactory
    @Requirement({"HY-VEC-017", "HY-VEC-049", "HY-VEC-050", "HY-VEC-052", "HY-VEC-053", "HY-VEC-054", "HY-VEC-055", "HY-VEC-056",
            "HY-VEC-057", "HY-DATA-020", "HY-DATA-021", "HY-VER-023"})
    Stream<DynamicTest> operationVectors() throws IOException {
        return vectors("operations").stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            JsonNode vector = JSON.readTree(file.toFile());
            List<State> states = new ArrayList<>();
            for (JsonNode input : vector.path("inputs")) {
                states.add(PayloadDecoder.decode(HEX.parseHex(input.asText())));
            }
            if (vector.path("operation").asText().equals("query")) {
                assertEquals(1, states.size());
                assertEquals(vector.path("expected").path("value"), Query.of(states.get(0)));
                return;
            }
            if (vector.path("operation").asText().equals("mutate")) {
                mutationVector(vector, states);
                return;
            }
            assertEquals("join", vector.path("operation").asText());
            State joined = State.joinAll(states);
            assertEquals(vector.get("expected"), JsonView.of(joined));
            if (!severalOpaqueVersions(joined.store())) {
                assertEquals(vector.get("expected"), JsonView.of(PayloadDecoder.decode(PayloadEncoder.encode(joined))));
            }
        }));
    }

    /**
     * A mutation: the model's delta mutator, given the case's replica, mutation and timestamp, makes the mutation of the
     * one input, of the case's type, without refusing it; its delta, and the input joined with it, have the case's views;
     * and the case has a timestamp exactly when the mutation is a write to an LWWRegister. An invalid case's mutation the
     * model refuses, under a rule that the case cites.
     */
    private static void mutationVector(JsonNode vector, List<State> states) throws Malformed {
        assertEquals(1, states.size());
        State state = states.get(0);
        assertEquals(vector.path("type").asText(), Integer.toString(state.store().typeId()));
        Long timestamp = vector.hasNonNull("timestamp") ? Long.parseUnsignedLong(vector.path("timestamp").asText()) : null;
        Mutation mutation = mutation(vector.path("mutation"), timestamp);
        // The notation is read back to what it says: the model writes the same object.
        assertEquals(vector.path("mutation"), JsonView.mutation(mutation));
        // HY-VEC-054: a timestamp exactly for a write to an LWWRegister, at the root or in an update.
        assertEquals(lwwWrite(state.store().typeId(), mutation), timestamp != null,
                "the case has a timestamp exactly when its mutation is a write to an LWWRegister");
        if (vector.path("result").asText().equals("invalid")) {
            // HY-VEC-056, HY-VEC-057: a mutation that the data model refuses, under a rule that the case cites; no expected.
            MutationRefused refused = assertThrows(MutationRefused.class,
                    () -> Mutators.delta(state, new ReplicaId(vector.path("replica").asText()), mutation));
            assertFalse(vector.has("expected"), "an invalid mutate case has no expected");
            assertFalse(vector.has("error"), "an invalid mutate case has no error: a refused mutation has no code");
            assertFalse(vector.has("phase"), "an invalid mutate case has no phase: a refused mutation has no code");
            List<String> cited = new ArrayList<>();
            vector.path("requirements").forEach(r -> cited.add(r.asText()));
            assertTrue(cited.stream().anyMatch(refused.getMessage()::contains), vector.path("id").asText() + ": the model refuses it ("
                    + refused.getMessage() + "), under no requirement that the case cites, " + cited);
            return;
        }
        // HY-VEC-055: a mutate case is valid or invalid.
        assertEquals("valid", vector.path("result").asText());
        State delta = Mutators.delta(state, new ReplicaId(vector.path("replica").asText()), mutation);
        assertEquals(vector.path("expected").path("delta"), JsonView.of(delta));
        assertEquals(vector.path("expected").path("state"), JsonView.of(state.join(delta)));
        assertEquals(vector.path("expected").path("delta"), JsonView.of(PayloadDecoder.decode(PayloadEncoder.encode(delta))));
    }

    /** The mutation of a {@code mutate} case, in the notation of the adapter's request, whose LWW writes are at {@code timestamp}. */
    private static Mutation mutation(JsonNode m, Long timestamp) {
        String op = m.path("op").asText();
        return switch (op) {
            case "increment" -> new Mutation.Increment(Long.parseUnsignedLong(m.path("amount").asText()));
            case "decrement" -> new Mutation.Decrement(Long.parseUnsignedLong(m.path("amount").asText()));
            case "write" -> new Mutation.Write(JsonView.readValue(m.path("value")), timestamp);
            case "enable" -> new Mutation.Enable();
            case "disable" -> new Mutation.Disable();
            case "add" -> new Mutation.Add(JsonView.readValue(m.path("element")));
            case "remove" -> m.has("key") ? new Mutation.RemoveKey(JsonView.readValue(m.path("key")))
                    : new Mutation.Remove(JsonView.readValue(m.path("element")));
            case "clear" -> new Mutation.Clear();
            case "update" -> new Mutation.Update(JsonView.readValue(m.path("key")), Integer.parseInt(m.path("type").asText()),
                    mutation(m.path("mutation"), timestamp));
            default -> throw new IllegalArgumentException("no mutation '" + op + "'");
        };
    }

    private static boolean lwwWrite(int typeId, Mutation m) {
        return m instanceof Mutation.Update u ? lwwWrite(u.typeId(), u.mutation())
                : m instanceof Mutation.Write && typeId == dev.hyphae.model.CrdtType.LWW_REGISTER.id();
    }

    /** Whether {@code store} holds, at any depth, a value of unknown type with more than one opaque version (HY-ENC-051). */
    private static boolean severalOpaqueVersions(Store store) {
        if (store instanceof Unknown u) {
            return u.versions().size() > 1;
        }
        return store instanceof ORMap map && map.entries().values().stream().anyMatch(PayloadVectorsTest::severalOpaqueVersions);
    }
}
