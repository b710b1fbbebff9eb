package dev.hyphae.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Citations from tests, vectors and code, matched against a small specification in a temporary tree.
 *
 * <p>Java sources for the tree are assembled from pieces ({@code "@" + "Requirement"}) so that the build's
 * own scan of this file does not take them for citations.
 */
class CoverageReportTest {

    private static final String ANNOTATION = "@" + "Requirement";

    @TempDir
    Path root;

    @BeforeEach
    void writeSpecification() throws IOException {
        write("spec/hyphae.adoc", String.join("\n",
                "= T",
                ":revnumber: 1.0-test",
                "",
                "== A",
                "",
                "req:HY-AA-001[] A peer MUST do one thing.",
                "req:HY-AA-002[] A peer MUST do another thing.",
                "req:HY-AA-003[] A peer SHOULD do a third thing.",
                "req:HY-AA-004[] A peer MUST do a fourth thing.",
                ""));
    }

    private void write(String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private CoverageReport report() throws IOException {
        var extraction = RequirementExtractor.extract(root, root.resolve("spec/hyphae.adoc"));
        assertEquals(List.of(), extraction.problems());
        var scan = CitationScanner.scan(root);
        assertEquals(List.of(), scan.problems());
        return CoverageReport.of(extraction, scan);
    }

    @Test
    void testsAndVectorsCoverButCodeCommentsDoNot() throws IOException {
        write("m/src/test/java/x/ATest.java", String.join("\n",
                "package x;",
                "class ATest {",
                "  " + ANNOTATION + "(\"HY-AA-001\")",
                "  void one() {}",
                "  " + ANNOTATION + "({\"HY-AA-003\",",
                "      \"HY-AA-001\"})",
                "  void two() {}",
                "}"));
        write("test-vectors/v1/x/valid/case.json", "{\n  \"id\": \"case\",\n  \"requirements\": [\"HY-AA-002\"]\n}\n");
        write("m/src/main/java/x/A.java", "class A {\n  // HY-AA-004: why this line is here\n}\n");

        CoverageReport report = report();

        assertEquals(List.of(), report.problems());
        assertEquals(List.of("m/src/test/java/x/ATest.java:3", "m/src/test/java/x/ATest.java:5"),
                report.citations("HY-AA-001").stream().map(Citation::source).toList());
        assertEquals(Citation.Kind.VECTOR, report.citations("HY-AA-002").get(0).kind());
        assertEquals("test-vectors/v1/x/valid/case.json:3", report.citations("HY-AA-002").get(0).source());
        assertTrue(report.isCovered("HY-AA-003"));
        assertEquals(Citation.Kind.CODE, report.citations("HY-AA-004").get(0).kind());
        assertFalse(report.isCovered("HY-AA-004"));
        assertEquals(List.of("HY-AA-004"), report.uncoveredMusts().stream().map(SpecRequirement::id).toList());
    }

    @Test
    @Requirement("HY-VEC-006")
    void citationOfUnknownIdFailsNamingItAndItsPlace() throws IOException {
        write("m/src/test/java/x/BTest.java", "class BTest {\n\n  " + ANNOTATION + "(\"HY-NOPE-001\")\n  void b() {}\n}\n");
        write("test-vectors/v1/x/invalid/bad.json", "{\"requirements\": [\"HY-NOPE-002\"]}");

        CoverageReport report = report();

        assertEquals(List.of(
                        new SpecProblem("m/src/test/java/x/BTest.java:3",
                                "cites unknown requirement id HY-NOPE-001 (no sentence of the specification defines it)"),
                        new SpecProblem("test-vectors/v1/x/invalid/bad.json:1",
                                "cites unknown requirement id HY-NOPE-002 (no sentence of the specification defines it)")),
                report.problems().stream().sorted((a, b) -> a.message().compareTo(b.message())).toList());
    }

    @Test
    void crossReferenceInTheSpecificationToAnUnknownIdFails() throws IOException {
        write("spec/hyphae.adoc", "= T\n\n== A\n\nreq:HY-AA-001[] A peer MUST do what <<HY-AA-009>> says.\n");

        CoverageReport report = report();

        assertEquals(1, report.problems().size());
        assertEquals("spec/hyphae.adoc:5", report.problems().get(0).source());
        assertTrue(report.problems().get(0).message().startsWith("cites unknown requirement id HY-AA-009"));
    }

    @Test
    void citationsThatAreNotLiteralIdsAreProblems() throws IOException {
        write("m/src/test/java/x/CTest.java", "class CTest {\n  " + ANNOTATION + "(IDS)\n  void c() {}\n  "
                + ANNOTATION + "(\"HY-a-1\")\n  void d() {}\n}\n");
        write("test-vectors/v1/x/valid/empty.json", "{\"requirements\": []}");
        write("test-vectors/v1/x/valid/broken.json", "{\"requirements\": [");
        write("test-vectors/third-party/other.json", "{\"vectors\": []}");

        var scan = CitationScanner.scan(root);

        List<String> messages = scan.problems().stream().map(SpecProblem::toString).sorted().toList();
        assertEquals(4, messages.size(), String.join("\n", messages));
        assertTrue(messages.get(0).startsWith("m/src/test/java/x/CTest.java:2: " + ANNOTATION + " must cite ids as string literals"));
        assertTrue(messages.get(1).startsWith("m/src/test/java/x/CTest.java:4: malformed requirement id 'HY-a-1'"));
        assertTrue(messages.get(2).startsWith("test-vectors/v1/x/valid/broken.json:1: not valid JSON"));
        assertTrue(messages.get(3).startsWith("test-vectors/v1/x/valid/empty.json:1: \"requirements\" must be a non-empty array"));
    }

    @Test
    void withdrawnRequirementIsNotCountedAndMustNotBeCited() throws IOException {
        write("spec/hyphae.adoc", "= T\n\n== A\n\nreq:HY-AA-001[withdrawn] A peer MUST ping.\n"
                + "req:HY-AA-002[] A peer MUST pong, unlike what HY-AA-001 said.\n");
        write("m/src/test/java/x/ATest.java", "class ATest {\n  " + ANNOTATION + "(\"HY-AA-001\")\n  void a() {}\n}\n");

        CoverageReport report = report();

        assertEquals(List.of("HY-AA-002"), report.requirements().stream().map(SpecRequirement::id).toList());
        assertEquals(List.of("HY-AA-002"), report.uncoveredMusts().stream().map(SpecRequirement::id).toList());
        assertEquals(List.of(new SpecProblem("m/src/test/java/x/ATest.java:2",
                "cites withdrawn requirement id HY-AA-001 (it binds nobody; cite what replaced it)")), report.problems());
    }

    @Test
    void buildOutputIsNotScanned() throws IOException {
        write("m/target/generated-test-sources/src/test/java/x/DTest.java", ANNOTATION + "(\"HY-NOPE-001\") class DTest {}");

        assertEquals(List.of(), report().problems());
    }

    @Test
    void jsonReportFollowsTheDocumentedLayout() throws IOException {
        write("m/src/test/java/x/ATest.java", "class ATest {\n  " + ANNOTATION + "(\"HY-AA-001\")\n  void a() {}\n}\n");
        Path json = root.resolve("out/requirements.json");

        report().writeJson(json);

        JsonNode tree = new ObjectMapper().readTree(json.toFile());
        assertEquals(CoverageReport.FORMAT, tree.get("format").asText());
        assertEquals("1.0-test", tree.get("specRevision").asText());
        assertEquals(4, tree.get("summary").get("requirements").asInt());
        assertEquals(3, tree.get("summary").get("must").get("total").asInt());
        assertEquals(1, tree.get("summary").get("must").get("covered").asInt());
        assertEquals("[\"HY-AA-002\",\"HY-AA-004\"]", tree.get("uncoveredMust").toString());
        JsonNode first = tree.get("requirements").get(0);
        assertEquals("HY-AA-001", first.get("id").asText());
        assertEquals("MUST", first.get("level").asText());
        assertEquals("A", first.get("section").asText());
        assertEquals("spec/hyphae.adoc:6", first.get("source").asText());
        assertTrue(first.get("covered").asBoolean());
        assertEquals("test", first.get("citations").get(0).get("kind").asText());
    }

    @Test
    void specBuildFailsWithEveryProblemNamedAndStillWritesTheReport() throws IOException {
        write("spec/hyphae.adoc", "= T\n\n== A\n\nreq:HY-AA-001[] A peer MUST do one thing.\n"
                + "req:HY-AA-001[] A peer MUST do it again.\nA peer MUST NOT be silent.\n");
        write("m/src/test/java/x/ATest.java", "class ATest {\n  " + ANNOTATION + "(\"HY-BB-001\")\n  void a() {}\n}\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = SpecBuild.run(root, root.resolve("out"), false,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        String errors = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, status);
        assertTrue(errors.contains("spec/hyphae.adoc:6: duplicate requirement id HY-AA-001 (first defined at spec/hyphae.adoc:5)"), errors);
        assertTrue(errors.contains("spec/hyphae.adoc:7: sentence uses \"MUST NOT\" but carries no requirement id"), errors);
        assertTrue(errors.contains("m/src/test/java/x/ATest.java:2: cites unknown requirement id HY-BB-001"), errors);
        assertTrue(errors.contains("spec/hyphae.adoc:5: HY-AA-001 is a MUST that no test, vector or check cites"), errors);
        assertTrue(errors.contains("4 problems in the specification or its citations"), errors);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("MUST requirements without a test: 1"));
        assertTrue(Files.isRegularFile(root.resolve("out/requirements/requirements.json")));
    }
}
