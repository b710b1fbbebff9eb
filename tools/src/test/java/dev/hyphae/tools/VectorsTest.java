package dev.hyphae.tools;

import dev.hyphae.spec.Requirement;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed vectors are exactly what the generator writes, and the reference implementation passes every
 * one of them. Regenerate with {@code tools/hyphae vectors generate --out test-vectors}.
 */
class VectorsTest {

    private static final Path ROOT = Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath();
    private static final Path VECTORS = ROOT.resolve("test-vectors");

    private static List<String> committedFiles() throws IOException {
        // Vector files only: third-party data and READMEs live beside v1/, not in it.
        try (Stream<Path> walk = Files.walk(VECTORS.resolve("v1"))) {
            return walk.filter(Files::isRegularFile).map(p -> VECTORS.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }

    @Test
    @Requirement({"HY-VEC-001", "HY-VEC-003"})
    void regeneratingReproducesEveryCommittedFileByteForByte() throws Exception {
        SortedMap<String, byte[]> generated = VectorsCommand.generated();
        assertEquals(List.copyOf(generated.keySet()), committedFiles(),
                "the set of vector files differs: run tools/hyphae vectors generate --out test-vectors");
        List<String> differing = new ArrayList<>();
        for (Map.Entry<String, byte[]> file : generated.entrySet()) {
            if (!java.util.Arrays.equals(file.getValue(), Files.readAllBytes(VECTORS.resolve(file.getKey())))) {
                differing.add(file.getKey());
            }
        }
        assertEquals(List.of(), differing, "regenerate with tools/hyphae vectors generate --out test-vectors, and commit");
    }

    @Test
    @Requirement({"HY-VEC-003"})
    void theSpecificationsAnnotatedExamplesAreRegeneratedByteForByte() throws Exception {
        SortedMap<String, byte[]> partials = VectorsCommand.generatedPartials();
        Path generated = ROOT.resolve("spec/generated");
        List<String> committed;
        try (Stream<Path> walk = Files.walk(generated)) {
            // conformance/ holds the conformance suite's table of profiles, which ProfileTableTest keeps up to date, and
            // requirements/ the table of uncited MUSTs, which the specification's build keeps up to date.
            committed = walk.filter(Files::isRegularFile).map(p -> generated.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.startsWith("conformance/") && !p.startsWith("requirements/")).sorted().toList();
        }
        assertEquals(List.copyOf(partials.keySet()), committed,
                "run tools/hyphae vectors generate --out test-vectors --partials spec/generated");
        for (Map.Entry<String, byte[]> file : partials.entrySet()) {
            assertTrue(java.util.Arrays.equals(file.getValue(), Files.readAllBytes(generated.resolve(file.getKey()))),
                    file.getKey() + " differs: run tools/hyphae vectors generate --out test-vectors --partials spec/generated");
        }
    }

    @Test
    @Requirement({"HY-CONV-003", "HY-VEC-005"})
    void everyByteStringInTheVectorsIsLowercaseHexWithoutSeparators() throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (String file : committedFiles()) {
            com.fasterxml.jackson.databind.JsonNode v = json.readTree(VECTORS.resolve(file).toFile());
            List<com.fasterxml.jackson.databind.JsonNode> hex = new ArrayList<>();
            if (v.has("input")) {
                hex.add(v.get("input"));
            }
            if (v.has("stream")) {
                hex.add(v.get("stream"));
            }
            v.path("inputs").forEach(hex::add);
            v.path("messages").forEach(hex::add);
            v.path("deltas").forEach(d -> hex.add(d.path("payload")));
            if (v.path("area").asText().equals("compression")) {
                v.path("expected").forEach(hex::add);
            }
            assertFalse(hex.isEmpty(), file);
            for (com.fasterxml.jackson.databind.JsonNode h : hex) {
                assertTrue(h.asText().matches("([0-9a-f]{2})*"), file + ": not lowercase hex without separators");
            }
        }
    }

    @Test
    @Requirement({"HY-VEC-003"})
    void generationIsDeterministic() throws Exception {
        SortedMap<String, byte[]> first = VectorsCommand.generated();
        SortedMap<String, byte[]> second = VectorsCommand.generated();
        assertEquals(first.keySet(), second.keySet());
        first.forEach((path, bytes) -> assertTrue(java.util.Arrays.equals(bytes, second.get(path)), path));
    }

    @Test
    @Requirement({"HY-VEC-012", "HY-VEC-013", "HY-VEC-014", "HY-VEC-017", "HY-VEC-009", "HY-VEC-025", "HY-VEC-026", "HY-VEC-027", "HY-COMP-017",
            "HY-VEC-042"})
    void theReferenceImplementationPassesEveryVector() throws IOException {
        List<VectorVerifier.Result> results = VectorVerifier.verify(VECTORS).stream().filter(r -> !r.skipped()).toList();
        List<String> failures = results.stream().filter(r -> !r.passed()).map(r -> r.id() + ": " + r.reason()).toList();
        assertEquals(List.of(), failures);
        long valid = results.stream().filter(r -> r.path().contains("/valid/")).count();
        long invalid = results.stream().filter(r -> r.path().contains("/invalid/")).count();
        assertTrue(valid >= 40 && invalid >= 30, valid + " valid and " + invalid + " invalid cases");
    }

    @Test
    @Requirement({"HY-VEC-002", "HY-VEC-014", "HY-VEC-017"})
    void theVerifierCatchesAWrongExpectation(@TempDir Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Path source = VECTORS.resolve("v1/operations/valid/lww_tie_broken_by_replica_id.json");
        ObjectNode vector = (ObjectNode) json.readTree(source.toFile());
        ((ObjectNode) vector.path("expected").path("store").path("value")).put("value", "from 7f");
        Files.createDirectories(dir.resolve("operations/valid"));
        Files.write(dir.resolve("operations/valid/lww_tie_broken_by_replica_id.json"), json.writeValueAsBytes(vector));

        Path invalid = VECTORS.resolve("v1/payload/invalid/invalid_utf8_overlong.json");
        ObjectNode wrongPhase = (ObjectNode) json.readTree(invalid.toFile());
        wrongPhase.put("phase", "verify");
        Files.createDirectories(dir.resolve("payload/invalid"));
        Files.write(dir.resolve("payload/invalid/invalid_utf8_overlong.json"), json.writeValueAsBytes(wrongPhase));
        Files.write(dir.resolve("zz_renamed.json"), Files.readAllBytes(VECTORS.resolve("v1/payload/valid/lwwregister_float.json")));

        List<VectorVerifier.Result> results = VectorVerifier.verify(dir);
        assertEquals(3, results.size());
        results.forEach(r -> assertFalse(r.passed() || r.skipped(), r.id()));
        assertTrue(results.get(0).reason().startsWith("decoded to "), results.get(0).reason());
        assertTrue(results.get(1).reason().startsWith("refused in another phase than verify"), results.get(1).reason());
        assertEquals("the id differs from the file name", results.get(2).reason());
    }

    @Test
    void theSpecificationRevisionOfTheVectorsIsTheSpecificationsOwn() throws IOException {
        Matcher revision = Pattern.compile("(?m)^:revnumber: (.+)$").matcher(Files.readString(ROOT.resolve("spec/hyphae.adoc")));
        assertTrue(revision.find());
        assertEquals(revision.group(1).strip(), Hyphae.versions().getProperty("spec.revision"),
                "hyphae.spec.revision in pom.xml must equal :revnumber: in spec/hyphae.adoc");
    }
}
