package dev.hyphae.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules of the Conventions chapter, as enforced on small specifications written for each case. */
class RequirementExtractorTest {

    @TempDir
    Path root;

    private RequirementExtractor.Extraction extract(String master) throws IOException {
        write("spec/hyphae.adoc", master);
        return RequirementExtractor.extract(root, root.resolve("spec/hyphae.adoc"));
    }

    private void write(String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static String messages(List<SpecProblem> problems) {
        return problems.stream().map(SpecProblem::toString).reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    void extractsIdLevelKeywordsSectionSourceAndText() throws IOException {
        var extraction = extract(String.join("\n",
                "= Title",
                ":revnumber: 9.9",
                "",
                "== Framing",
                "",
                "=== Length prefix",
                "",
                "Some informative words. req:HY-FRAME-001[] A receiver MUST reject a frame",
                "longer than the limit, and MAY log it.",
                "req:HY-FRAME-002[] A sender SHOULD NOT split a message needlessly.",
                "",
                "* req:HY-FRAME-003[] An implementation MAY offer more.",
                ""));

        assertEquals(List.of(), extraction.problems());
        assertEquals("9.9", extraction.attributes().get("revnumber"));
        var reqs = extraction.requirements();
        assertEquals(3, reqs.size());

        SpecRequirement first = reqs.get(0);
        assertEquals("HY-FRAME-001", first.id());
        assertEquals(RequirementLevel.MUST, first.level());
        assertEquals(List.of("MUST", "MAY"), first.keywords());
        assertEquals("Framing > Length prefix", first.section());
        assertEquals("spec/hyphae.adoc:8", first.source());
        assertEquals("A receiver MUST reject a frame longer than the limit, and MAY log it.", first.text());

        assertEquals(RequirementLevel.SHOULD, reqs.get(1).level());
        assertEquals(List.of("SHOULD NOT"), reqs.get(1).keywords());
        assertEquals("spec/hyphae.adoc:10", reqs.get(1).source());
        assertEquals(RequirementLevel.MAY, reqs.get(2).level());
    }

    @Test
    void followsIncludesAndNamesTheIncludedFile() throws IOException {
        write("spec/chapters/a.adoc", "== A\n\nreq:HY-AA-001[] A peer MUST do A.\n");
        var extraction = extract("= T\n:chapters: chapters\n\ninclude::{chapters}/a.adoc[]\n\ninclude::chapters/missing.adoc[]\n");

        assertEquals("spec/chapters/a.adoc:3", extraction.requirements().get(0).source());
        assertEquals(1, extraction.problems().size());
        assertTrue(extraction.problems().get(0).message().contains("included file does not exist: chapters/missing.adoc"),
                messages(extraction.problems()));
    }

    @Test
    void duplicateIdFailsNamingBothPlaces() throws IOException {
        write("spec/chapters/b.adoc", "== B\n\nreq:HY-DUP-001[] A peer MUST do B.\n");
        var extraction = extract("= T\n\n== A\n\nreq:HY-DUP-001[] A peer MUST do A.\n\ninclude::chapters/b.adoc[]\n");

        assertEquals(1, extraction.requirements().size());
        assertEquals(1, extraction.problems().size());
        SpecProblem problem = extraction.problems().get(0);
        assertEquals("spec/chapters/b.adoc:3", problem.source());
        assertEquals("duplicate requirement id HY-DUP-001 (first defined at spec/hyphae.adoc:5)", problem.message());
    }

    @Test
    void keywordWithoutIdFailsNamingTheSentence() throws IOException {
        var extraction = extract("= T\n\n== A\n\nThis is fine. A receiver SHALL close\nthe session. This is fine too.\n");

        assertEquals(1, extraction.problems().size(), messages(extraction.problems()));
        SpecProblem problem = extraction.problems().get(0);
        assertEquals("spec/hyphae.adoc:5", problem.source());
        assertTrue(problem.message().startsWith("sentence uses \"SHALL\" but carries no requirement id"), problem.message());
        assertTrue(problem.message().endsWith("\"A receiver SHALL close the session.\""), problem.message());
    }

    @Test
    void everyKindOfProseIsChecked() throws IOException {
        var extraction = extract(String.join("\n",
                "= T",
                "",
                "== A",
                "",
                "* a list item that MUST be flagged",
                "",
                "NOTE: An admonition that SHOULD be flagged.",
                "",
                "[cols=\"1,1\"]",
                "|===",
                "|cell one |a cell that MAY be flagged",
                "|===",
                "",
                "term:: a description that is OPTIONAL here",
                ""));

        assertEquals(List.of("spec/hyphae.adoc:5", "spec/hyphae.adoc:7", "spec/hyphae.adoc:11", "spec/hyphae.adoc:14"),
                extraction.problems().stream().map(SpecProblem::source).toList(), messages(extraction.problems()));
    }

    @Test
    void mentionsAndVerbatimTextAreNotRequirements() throws IOException {
        var extraction = extract(String.join("\n",
                "= T",
                "",
                "== A",
                "",
                "The key words \"MUST\", \"MUST NOT\" and `SHOULD` are mentions here.",
                "",
                "----",
                "MUST inside a listing block",
                "----",
                "",
                "....",
                "MAY inside a literal block",
                "....",
                "",
                "////",
                "SHALL in a comment block",
                "////",
                "",
                "// MUST in a comment line",
                "",
                "  An indented literal paragraph MUST not count.",
                "",
                "=== Why a MUST in a title is not a sentence",
                "",
                ".A block title that MAY say anything",
                "Ordinary prose, in lowercase: must, may, should.",
                ""));

        assertEquals(List.of(), extraction.problems(), messages(extraction.problems()));
        assertEquals(List.of(), extraction.requirements());
    }

    @Test
    void markerWithoutKeywordFails() throws IOException {
        var extraction = extract("= T\n\n== A\n\nreq:HY-AA-001[] A peer does things.\n");

        assertEquals(1, extraction.problems().size());
        assertTrue(extraction.problems().get(0).message()
                .startsWith("requirement HY-AA-001 marks a sentence without an uppercase BCP 14 keyword"));
    }

    @Test
    void twoIdsInOneSentenceFail() throws IOException {
        var extraction = extract("= T\n\n== A\n\nreq:HY-AA-001[] req:HY-AA-002[] A peer MUST do things.\n");

        assertEquals(1, extraction.problems().size());
        assertTrue(extraction.problems().get(0).message().startsWith("sentence carries 2 requirement ids [HY-AA-001, HY-AA-002]"));
    }

    @Test
    void malformedIdFails() throws IOException {
        var extraction = extract("= T\n\n== A\n\nreq:HY-frame-1[] A peer MUST do things.\n");

        assertTrue(extraction.problems().stream().anyMatch(p -> p.message().startsWith("malformed requirement id 'HY-frame-1'")),
                messages(extraction.problems()));
    }

    @Test
    void crossReferencesToIdsAreRecordedButIdsInBackticksAreMentions() throws IOException {
        var extraction = extract("= T\n\n== A\n\nSee <<HY-AA-001>> and HY-BB-002, but not `HY-CC-003`.\n");

        assertEquals(List.of("HY-AA-001", "HY-BB-002"), extraction.references().stream().map(Citation::id).toList());
        assertEquals(Citation.Kind.SPEC, extraction.references().get(0).kind());
    }

    @Test
    void withdrawnRequirementKeepsItsIdAndNeedsNoKeyword() throws IOException {
        var extraction = extract("= T\n\n== A\n\nreq:HY-AA-001[withdrawn] Withdrawn in 1.0-draft.2: peers sent pings.\n"
                + "req:HY-AA-002[withdrawn] A peer MUST send pings.\nreq:HY-AA-003[obsolete] A peer MUST do it.\n");

        assertEquals(List.of("HY-AA-001", "HY-AA-002", "HY-AA-003"),
                extraction.requirements().stream().map(SpecRequirement::id).toList());
        assertTrue(extraction.requirements().get(0).withdrawn());
        assertEquals(null, extraction.requirements().get(0).level());
        assertEquals(RequirementLevel.MUST, extraction.requirements().get(1).level());
        assertEquals(1, extraction.problems().size(), messages(extraction.problems()));
        assertTrue(extraction.problems().get(0).message().startsWith("requirement HY-AA-003 has unknown attribute 'obsolete'"));
    }

    @Test
    void unclosedBlockIsReported() throws IOException {
        var extraction = extract("= T\n\n== A\n\n----\nlisting without end\n");

        assertEquals(1, extraction.problems().size());
        assertTrue(extraction.problems().get(0).message().contains("never closed"));
    }
}
