package dev.hyphae.spec;

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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reviewed list of uncited MUSTs: every MUST is cited or listed, a listed one that is cited or is no MUST is a
 * problem, and the appendix generated from the list is kept in step with it. Citations in the temporary tree are
 * assembled from pieces so that the build's own scan of this file does not take them for citations.
 */
class CoverageExceptionsTest {

    private static final String ANNOTATION = "@" + "Requirement";

    @TempDir
    Path root;

    @BeforeEach
    void writeSpecification() throws IOException {
        write("spec/hyphae.adoc", "= T\n\n== A\n\nreq:HY-AA-001[] A peer MUST do one thing.\n"
                + "req:HY-AA-002[] A peer MUST do another thing.\nreq:HY-AA-003[] A peer SHOULD do a third thing.\n"
                + "req:HY-AA-004[] A peer MUST do a fourth thing.\n");
        write("m/src/test/java/x/ATest.java", "class ATest {\n  " + ANNOTATION + "(\"HY-AA-001\")\n  void a() {}\n}\n");
    }

    private void write(String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private List<String> problems() throws IOException {
        CoverageReport report = CoverageReport.of(RequirementExtractor.extract(root, root.resolve("spec/hyphae.adoc")),
                CitationScanner.scan(root));
        return CoverageExceptions.read(root).check(report).stream().map(SpecProblem::toString).toList();
    }

    @Test
    void aMustNeitherCitedNorListedIsAProblem() throws IOException {
        write(CoverageExceptions.FILE, "[later] Later\nHY-AA-002  Not yet.\n");

        assertEquals(List.of("spec/hyphae.adoc:8: HY-AA-004 is a MUST that no test, vector or check cites: cite it where a test"
                + " exercises it, or list it with its reason in " + CoverageExceptions.FILE), problems());
    }

    @Test
    void everyUncitedMustListedWithAReasonIsNoProblem() throws IOException {
        write(CoverageExceptions.FILE, "# reviewed\n[one] One kind\nHY-AA-002  A reason\n   that goes on.\n\n[two] Another kind\n"
                + "HY-AA-004  Another reason.\n");

        assertEquals(List.of(), problems());
        CoverageExceptions list = CoverageExceptions.read(root);
        assertEquals(new CoverageExceptions.Entry("HY-AA-002", "one", "A reason that goes on.", CoverageExceptions.FILE + ":3"),
                list.entries().get(0));
    }

    @Test
    void aStaleOrWrongEntryIsAProblem() throws IOException {
        write(CoverageExceptions.FILE, "[k] K\nHY-AA-001  Cited after all.\nHY-AA-002  Fine.\nHY-AA-002  Twice.\n"
                + "HY-AA-003  A SHOULD.\nHY-AA-004  Fine.\nHY-AA-009  Undefined.\nHY-AA-005\n   no reason on the id's line\n");

        List<String> problems = problems();

        assertTrue(problems.contains(CoverageExceptions.FILE + ":2: HY-AA-001 is cited by m/src/test/java/x/ATest.java:2;"
                + " remove it from the list of uncited MUSTs"), problems.toString());
        assertTrue(problems.contains(CoverageExceptions.FILE + ":4: HY-AA-002 is listed twice"), problems.toString());
        assertTrue(problems.contains(CoverageExceptions.FILE + ":5: HY-AA-003 is of level SHOULD; only MUSTs are listed"), problems.toString());
        assertTrue(problems.contains(CoverageExceptions.FILE + ":7: HY-AA-009 is not a requirement in force (undefined or withdrawn);"
                + " remove it from the list"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(CoverageExceptions.FILE + ":8: an entry reads")), problems.toString());
        assertEquals(6, problems.size(), problems.toString());
    }

    @Test
    void theAppendixIsGeneratedFromTheListAndTheBuildFailsWhenItIsStale() throws IOException {
        write(CoverageExceptions.FILE, "[one] Not observable\nHY-AA-002  A | reason.\n[empty] All cited\n\n[two] Later\nHY-AA-004  Another.\n");
        CoverageExceptions list = CoverageExceptions.read(root);
        String table = list.asciidoc();
        assertTrue(table.contains(".Not observable (1)\n"), table);
        assertTrue(table.contains("|<<HY-AA-002>> |A \\| reason.\n"), table);
        assertTrue(table.contains(".Later (1)\n"), table);
        // A group without entries has no table, which would render as a header alone.
        assertFalse(table.contains("All cited"), table);
        assertEquals(2L, table.lines().filter(line -> line.startsWith(".")).count(), table);

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(1, SpecBuild.run(root, root.resolve("out"), false, false, quiet, new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(CoverageExceptions.PARTIAL + ":1: differs from what"), err.toString());

        assertEquals(0, SpecBuild.run(root, root.resolve("out"), false, true, quiet, quiet));
        assertEquals(table, Files.readString(root.resolve(CoverageExceptions.PARTIAL)));
        assertNull(list.checkPartial(root, false));
    }
}
