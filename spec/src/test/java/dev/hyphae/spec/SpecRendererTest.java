package dev.hyphae.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rendering with AsciidoctorJ: requirement badges are visible anchors, and warnings are problems. */
class SpecRendererTest {

    @TempDir
    Path root;

    @Test
    void requirementMarkerRendersAsAVisibleSelfLinkingAnchorAndWarningsAreProblems() throws IOException {
        Path master = root.resolve("spec/hyphae.adoc");
        Files.createDirectories(master.getParent());
        Files.writeString(master, String.join("\n",
                "= T",
                ":toc: left",
                ":webfonts!:",
                "",
                "== A",
                "",
                "req:HY-AA-001[] A peer MUST do one thing.",
                "req:HY-AA-002[withdrawn] A peer MUST do another.",
                "",
                "include::missing.adoc[]",
                ""));
        Path html = root.resolve("out/hyphae.html");

        List<SpecProblem> problems = SpecRenderer.render(root, master, html);

        String page = Files.readString(html);
        assertTrue(page.contains("<a href=\"#HY-AA-001\" id=\"HY-AA-001\" class=\"req\">HY-AA-001</a> A peer MUST do one thing."),
                page);
        assertTrue(page.contains("<a href=\"#HY-AA-002\" id=\"HY-AA-002\" class=\"req withdrawn\">HY-AA-002</a>"), page);
        assertTrue(page.contains("id=\"toc\""), "has a table of contents");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).toString().startsWith("spec/hyphae.adoc:10: asciidoctor: include file not found"),
                problems.toString());
    }

    @Test
    void aPageThatFetchesFromTheNetworkIsAProblem() throws IOException {
        Path master = root.resolve("spec/hyphae.adoc");
        Files.createDirectories(master.getParent());
        Files.writeString(master, String.join("\n", "= T", ":webfonts!:", ":icons: font", "", "== A", "", "NOTE: a note.", ""));
        Path html = root.resolve("out/hyphae.html");

        List<SpecProblem> problems = SpecRenderer.render(root, master, html);

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).toString().contains("font-awesome") && problems.get(0).toString().contains("self-contained"),
                problems.toString());
        assertTrue(SpecRenderer.externalResources("x", "/* @import \"https://fonts.example/css\"; */ <a href=\"https://example.org\">").isEmpty(),
                "a link to follow or a commented-out import is not fetched");
    }
}
