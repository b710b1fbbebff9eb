package dev.hyphae.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Codec;
import dev.hyphae.codec.ExternalTables;
import dev.hyphae.codec.JsonView;
import dev.hyphae.codec.Payload;
import dev.hyphae.codec.SeveralOpaqueVersionsException;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.data.MutationRefusedException;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs the reference implementation against a tree of vector files (format {@value VectorGenerator#FORMAT}):
 * a valid payload must decode to its expected view and re-encode to a payload with the same view; an
 * invalid one must be refused with its error code, in its phase; a join must give its expected view, and encode to a
 * payload with that view; a query must report its expected value; a mutation of the one input, by the case's replica, must
 * give a delta with the expected view, and the input joined with that delta the expected state, or, in an invalid mutate
 * case, which has no error code and no phase, be refused.
 */
final class VectorVerifier {

    /** One vector's verdict; {@code skipped} files are of a format this runner does not know (HY-VEC-009). */
    record Result(String id, String path, boolean passed, String reason, boolean skipped) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private VectorVerifier() {
    }

    /** Every vector file under {@code dir} (JSON files whose "format" is ours), in path order. */
    static List<Result> verify(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        List<Result> results = new ArrayList<>();
        for (Path file : files) {
            JsonNode vector = JSON.readTree(file.toFile());
            String path = dir.relativize(file).toString().replace('\\', '/');
            if (!VectorGenerator.FORMAT.equals(vector.path("format").asText())) {
                // Third-party data in its own format, or a later format: reported, not run.
                results.add(new Result(file.getFileName().toString(), path, false, "format '" + vector.path("format").asText("")
                        + "' is not " + VectorGenerator.FORMAT, true));
                continue;
            }
            String id = vector.path("id").asText(file.getFileName().toString());
            String reason = check(vector);
            if (reason == null && !file.getFileName().toString().equals(id + ".json")) {
                reason = "the id differs from the file name";
            }
            Path folder = file.toAbsolutePath().getParent();
            if (reason == null && (folder.getParent() == null
                    || !folder.getFileName().toString().equals(vector.path("result").asText())
                    || !folder.getParent().getFileName().toString().equals(vector.path("area").asText()))) {
                reason = "the file is not under <area>/<result>/";
            }
            results.add(new Result(id, path, reason == null, reason, false));
        }
        return results;
    }

    private static String check(JsonNode v) {
        if (!v.path("requirements").isArray() || v.path("requirements").isEmpty()) {
            return "cites no requirement";
        }
        String result = v.path("result").asText();
        String operation = v.path("operation").asText("");
        if (operation.equals("inflate")) {
            return CompressionVectors.check(v);
        }
        if (operation.equals(SessionVectors.OPERATION)) {
            return SessionVectors.check(v);
        }
        if (operation.equals("handshake") || operation.equals("framing")) {
            try {
                return HandshakeVectors.check(v);
            } catch (Exception e) {
                return e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        }
        if (v.path("form").asText("columnar").equals("compact")) {
            return checkCompact(v, result);
        }
        try {
            if (operation.equals("mutate")) {
                return mutate(v, result);
            }
            if (result.equals("invalid")) {
                try {
                    Codec.decode(HEX.parseHex(v.path("input").asText()), tables(v));
                    return "accepted, but should be refused with " + v.path("error").path("name").asText();
                } catch (ProtocolException e) {
                    return refusal(v, e);
                }
            }
            if (!result.equals("valid")) {
                return "unknown result '" + result + "'";
            }
            CausalState<Crdt> state;
            if (operation.equals("query")) {
                if (v.path("inputs").size() != 1) {
                    return "a query without exactly one input";
                }
                // HY-VEC-050: the query of the decoded state.
                JsonNode value = OperationVectors.queryOf(Codec.decode(HEX.parseHex(v.path("inputs").get(0).asText())).state());
                JsonNode expected = v.path("expected").path("value");
                return !expected.isMissingNode() && expected.equals(value) ? null : "queried to " + value + ", expected " + expected;
            }
            if (operation.equals("join")) {
                state = null;
                for (JsonNode input : v.path("inputs")) {
                    CausalState<Crdt> next = Codec.decode(HEX.parseHex(input.asText())).state();
                    state = state == null ? next : state.join(next);
                }
                if (state == null) {
                    return "an operation without inputs";
                }
                // HY-VEC-049: the join encoded and decoded again is the same state, unless it holds a value of unknown type
                // with several versions, which no payload may carry (HY-ENC-051). No join of the vectors is beyond a
                // limit or holds versions under conflicting replica tables (HY-ENC-050, HY-ENC-053): runners rely on it,
                // so those refusals fail the case here.
                try {
                    if (!Codec.decode(Codec.encode(state)).state().equals(state)) {
                        return "encoding the join changed it";
                    }
                } catch (SeveralOpaqueVersionsException severalVersions) {
                    // forwarded as the payloads that carried them
                }
            } else if (operation.isEmpty()) {
                ExternalTables tables = tables(v);
                Payload payload = Codec.decode(HEX.parseHex(v.path("input").asText()), tables);
                state = payload.state();
                // HY-VEC-013: encoded as it came, in session form against the same tables, or with a table of its own.
                CausalState<Crdt> again = tables == null ? Codec.decode(Codec.encode(payload)).state()
                        : Codec.decode(Codec.encode(state, tables), tables).state();
                if (!again.equals(state)) {
                    return "re-encoding changed the payload";
                }
            } else {
                return "unknown operation '" + operation + "'";
            }
            JsonNode actual = JSON.valueToTree(JsonView.of(state));
            return actual.equals(v.path("expected")) ? null : "decoded to " + actual + ", expected " + v.path("expected");
        } catch (ProtocolException e) {
            return "refused: " + e.getMessage();
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    /**
     * HY-VEC-052 and HY-VEC-053: the mutation of the one input, by the case's replica, gives the expected delta, which a
     * payload carries unchanged, and the input joined with it the expected state; HY-VEC-054: the input's root is of the
     * case's type, the mutation is not refused, and the case has a timestamp exactly when the reference needs one; HY-VEC-056
     * and HY-VEC-057: an invalid case's mutation is refused, and the case has no {@code expected}, {@code error} or {@code phase};
     * HY-VEC-055: a mutate case is valid or invalid.
     */
    private static String mutate(JsonNode v, String result) throws ProtocolException {
        if (v.path("inputs").size() != 1) {
            return "a mutation without exactly one input";
        }
        CausalState<Crdt> state = Codec.decode(HEX.parseHex(v.path("inputs").get(0).asText())).state();
        if (!Integer.toString(state.store().typeId()).equals(v.path("type").asText())) {
            return "the input's root is of the type " + state.store().typeId() + ", not " + v.path("type").asText();
        }
        Long timestamp = v.hasNonNull("timestamp") ? Long.parseUnsignedLong(v.path("timestamp").asText()) : null;
        if ((timestamp != null) != lwwWrite(state.store().typeId(), v.path("mutation"))) {
            return timestamp == null ? "no timestamp for a write to an LWWRegister" : "a timestamp, though the mutation is no write to an "
                    + "LWWRegister";
        }
        CausalState<Crdt> delta;
        try {
            delta = ReferenceAdapter.deltaOf(state, ReplicaId.fromHex(v.path("replica").asText()), timestamp, v.path("mutation"));
        } catch (MutationRefusedException e) {
            // HY-VEC-056, HY-VEC-057: an invalid case's mutation is refused, and the case says nothing of what it would give,
            // neither a result (expected) nor a code and a phase, since a refused mutation has none.
            if (!result.equals("invalid")) {
                return "the mutation is refused: " + e.getMessage();
            }
            for (String member : List.of("expected", "error", "phase")) {
                if (v.has(member)) {
                    return "an invalid mutate case with the member " + member;
                }
            }
            return null;
        }
        if (!result.equals("valid")) {
            return result.equals("invalid") ? "the mutation is made, not refused: its delta is " + JSON.valueToTree(JsonView.of(delta))
                    : "unknown result '" + result + "'";
        }
        if (!Codec.decode(Codec.encode(delta)).state().equals(delta)) {
            return "encoding the delta changed it";
        }
        JsonNode actual = JSON.valueToTree(JsonView.of(delta));
        if (!actual.equals(v.path("expected").path("delta"))) {
            return "the delta is " + actual + ", expected " + v.path("expected").path("delta");
        }
        JsonNode after = JSON.valueToTree(JsonView.of(state.join(delta)));
        return after.equals(v.path("expected").path("state")) ? null : "the state after it is " + after + ", expected "
                + v.path("expected").path("state");
    }

    /** Whether {@code mutation} of a store of the type {@code typeId} is a write to an LWWRegister, at the root or in an update. */
    private static boolean lwwWrite(int typeId, JsonNode mutation) {
        if (mutation.path("op").asText().equals("update")) {
            return lwwWrite(Integer.parseInt(mutation.path("type").asText()), mutation.path("mutation"));
        }
        return typeId == dev.hyphae.crdt.CrdtType.LWW_REGISTER.id() && mutation.path("op").asText().equals("write");
    }

    /** Why an invalid case's refusal {@code e} is not the one the case states (its code and phase), or null if it is. */
    private static String refusal(JsonNode v, ProtocolException e) {
        if (e.code().value() != v.path("error").path("code").asInt()) {
            return "refused with " + e.code() + ", expected " + v.path("error").path("name").asText() + ": " + e.getMessage();
        }
        if (!e.phase().map(ProtocolException.Phase::label).orElse("").equals(v.path("phase").asText())) {
            return "refused in another phase than " + v.path("phase").asText() + ": " + e.getMessage();
        }
        return null;
    }

    /**
     * The session tables that a payload case is read against: its {@code replicas} and its {@code keys}, the session
     * key table, in the vectors' value notation (empty when absent); null if it has no {@code replicas}.
     */
    private static ExternalTables tables(JsonNode v) {
        List<ReplicaId> replicas = replicas(v);
        if (replicas == null) {
            return null;
        }
        List<Value> keys = new ArrayList<>();
        v.path("keys").forEach(k -> keys.add(ViewReader.value(k)));
        return new ExternalTables(replicas, keys);
    }

    /** The session replica table that a payload case is read against (its {@code replicas}), or null if it has none. */
    private static List<ReplicaId> replicas(JsonNode v) {
        if (!v.has("replicas")) {
            return null;
        }
        List<ReplicaId> table = new ArrayList<>();
        v.path("replicas").forEach(r -> table.add(ReplicaId.fromHex(r.asText())));
        return table;
    }

    /**
     * A payload case in the compact form: decoded under the replica table {@code replicas}; a valid one must also
     * encode, under that table, to exactly its input, since the form is canonical (HY-ENC-060).
     */
    private static String checkCompact(JsonNode v, String result) {
        List<ReplicaId> table = java.util.Objects.requireNonNullElse(replicas(v), List.of());
        byte[] input = HEX.parseHex(v.path("input").asText());
        try {
            if (result.equals("invalid")) {
                try {
                    Codec.decodeCompact(input, table);
                    return "accepted, but should be refused with " + v.path("error").path("name").asText();
                } catch (ProtocolException e) {
                    return refusal(v, e);
                }
            }
            if (!result.equals("valid")) {
                return "unknown result '" + result + "'";
            }
            CausalState<Crdt> state = Codec.decodeCompact(input, table);
            if (!Arrays.equals(input, Codec.encodeCompact(state, table).orElse(null))) {
                return "encoding the decoded state again gave other bytes";
            }
            JsonNode actual = JSON.valueToTree(JsonView.of(state));
            return actual.equals(v.path("expected")) ? null : "decoded to " + actual + ", expected " + v.path("expected");
        } catch (ProtocolException e) {
            return "refused: " + e.getMessage();
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
