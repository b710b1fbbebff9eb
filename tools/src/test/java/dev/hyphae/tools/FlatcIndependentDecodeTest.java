package dev.hyphae.tools;

import dev.hyphae.spec.Requirement;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An independent decoder agrees: Google's {@code flatc --json --raw-binary} decodes every valid vector's bytes
 * with the normative schema, and what it sees agrees with the vector's expected view on the root type, the
 * root count, the replica table and the bits of every float64 value, put together from the byte planes that
 * flatc prints (the other packed columns are byte vectors to flatc too, and their contents are left to our
 * reader). This shows the bytes follow {@code spec/schema/payload.fbs}, not only the reference reader. Runs where flatc is installed, as CI makes sure; skipped elsewhere, and fails
 * in CI if flatc is missing.
 */
class FlatcIndependentDecodeTest {

    private static final Path ROOT = Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private static boolean flatcPresent() {
        try {
            Process p = new ProcessBuilder("flatc", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** flatc's JSON for {@code payload}, with its non-JSON spellings of non-finite floats made parseable. */
    private static JsonNode flatc(byte[] payload, Path dir, String name) throws Exception {
        Path bin = dir.resolve(name + ".bin");
        Files.write(bin, payload);
        Process p = new ProcessBuilder("flatc", "--json", "--raw-binary", "--strict-json", "-o", dir.toString(),
                ROOT.resolve("spec/schema/payload.fbs").toString(), "--", bin.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "flatc did not finish on " + name);
        assertEquals(0, p.exitValue(), "flatc could not decode " + name + ": " + log);
        String text = Files.readString(dir.resolve(name + ".json"))
                .replaceAll("(?<=[\\[,:\\s])-?(nan|inf)(?=[\\],\\s])", "\"$0\"");
        return JSON.readTree(text);
    }

    /** The float64 values the entries of an expected view hold (not the queries, which repeat them), as doubles. */
    private static void floats(JsonNode view, List<Long> out) {
        if (view.isObject()) {
            if ("float64".equals(view.path("kind").asText())) {
                out.add(Long.parseUnsignedLong(view.path("bits").asText(), 16));
            }
            boolean store = view.has("typeId");
            view.fields().forEachRemaining(e -> {
                if (!(store && List.of("value", "values", "elements").contains(e.getKey()))) {
                    floats(e.getValue(), out);
                }
            });
        } else if (view.isArray()) {
            view.forEach(v -> floats(v, out));
        }
    }

    /**
     * The float values of every {@code float_planes} vector that flatc printed under {@code node}: a byte vector to
     * flatc, its 8 × n bytes put together here, byte i of value j at i × n + j, the most significant first.
     */
    private static void flatcFloats(JsonNode node, List<Long> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("float_planes")) {
                    int n = e.getValue().size() / 8;
                    for (int j = 0; j < n; j++) {
                        long bits = 0;
                        for (int i = 0; i < 8; i++) {
                            bits = bits << 8 | e.getValue().get(i * n + j).asInt();
                        }
                        out.add(bits);
                    }
                } else {
                    flatcFloats(e.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(v -> flatcFloats(v, out));
        }
    }

    private static void replicas(JsonNode view, List<String> out) {
        if (view.isObject()) {
            if (view.has("replica")) {
                out.add(view.path("replica").asText());
            }
            view.fields().forEachRemaining(e -> replicas(e.getValue(), out));
        } else if (view.isArray()) {
            view.forEach(v -> replicas(v, out));
        }
    }

    @Test
    @Requirement({"HY-ENC-001", "HY-VEC-012"})
    void flatcDecodesEveryValidVectorToTheExpectedFields(@TempDir Path dir) throws Exception {
        if (System.getenv("CI") != null) {
            assertTrue(flatcPresent(), "CI must install flatc (.ci/run does): the independent check would be skipped");
        }
        assumeTrue(flatcPresent(), "flatc is not installed (Debian package flatbuffers-compiler): not checked here");
        List<Path> vectors;
        try (Stream<Path> walk = Files.walk(ROOT.resolve("test-vectors/v1"))) {
            vectors = walk.filter(p -> p.toString().endsWith(".json") && p.toString().contains("/valid/")).sorted().toList();
        }
        int checked = 0;
        for (Path file : vectors) {
            JsonNode vector = JSON.readTree(file.toFile());
            String area = vector.path("area").asText();
            if (!area.equals("payload") && !area.equals("operations")) {
                continue; // handshake and framing vectors carry Noise messages, not CRDT payloads
            }
            if (vector.path("form").asText("columnar").equals("compact")) {
                continue; // the compact form is not a FlatBuffers buffer
            }
            String id = vector.path("id").asText();
            JsonNode expected = vector.path("expected");
            if (vector.has("inputs")) {
                // An operation: each input must decode; the expected view is of their join, so only the type is compared.
                // A query expects a value, not a view: its input need only decode. A mutation names the type of its input.
                String operation = vector.path("operation").asText();
                String type = operation.equals("mutate") ? vector.path("type").asText() : expected.path("store").path("typeId").asText();
                int i = 0;
                for (JsonNode input : vector.path("inputs")) {
                    JsonNode decoded = flatc(HEX.parseHex(input.asText()), dir, id + "-" + i++);
                    if (!operation.equals("query")) {
                        assertEquals(type, decoded.path("root").path("type").asText(), id);
                    }
                }
                checked++;
                continue;
            }
            JsonNode decoded = flatc(HEX.parseHex(vector.path("input").asText()), dir, id);

            assertEquals(expected.path("store").path("typeId").asText(), decoded.path("root").path("type").asText(), id + ": root type");
            assertEquals(1, decoded.path("root").path("count").asInt(), id + ": root count");

            StringBuilder table = new StringBuilder();
            decoded.path("replicas").forEach(b -> table.append(String.format("%02x", b.asInt())));
            // A payload in session form has no table of its own: the case gives the session's (HY-ENC-055).
            vector.path("replicas").forEach(r -> table.append(r.asText()));
            List<String> named = new ArrayList<>();
            replicas(expected, named);
            for (String replica : named) {
                assertTrue(table.indexOf(replica) % 32 == 0, id + ": replica " + replica + " is not in the replica table " + table);
            }

            List<Long> expectedFloats = new ArrayList<>();
            floats(expected, expectedFloats);
            List<Long> flatcFloats = new ArrayList<>();
            flatcFloats(decoded.path("root"), flatcFloats);
            expectedFloats.sort(Long::compare);
            flatcFloats.sort(Long::compare);
            assertEquals(expectedFloats.size(), flatcFloats.size(), id + ": number of float64 values");
            for (int i = 0; i < expectedFloats.size(); i++) {
                // The bits: flatc sees the planes as bytes, so nothing is lost to printing doubles in decimal.
                assertEquals(expectedFloats.get(i), flatcFloats.get(i), id + ": float64 bits");
            }
            checked++;
        }
        assertTrue(checked >= 40, "checked " + checked + " valid vectors");
    }
}
