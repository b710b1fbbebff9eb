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
        assertTrue(problems.get(0).toString().startsWith("spec/hyphae.adoc:9: asciidoctor: include file not found"),
                problems.toString());
    }
}
