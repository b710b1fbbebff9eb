package dev.hyphae.spec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which requirements are cited by which tests and vectors.
 *
 * <p>Written as JSON ({@value #FORMAT}, described in {@code spec/README.md}) for machines and as an HTML
 * table for people. A citation of an id that the specification does not define is a {@link #problems()
 * problem}; a MUST that nothing cites is listed, but is not (yet) a problem.
 */
public final class CoverageReport {

    /** The identifier and version of the JSON layout. */
    public static final String FORMAT = "hyphae-requirement-coverage/1";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String revision;
    private final List<SpecRequirement> requirements;
    private final Map<String, List<Citation>> citationsById = new LinkedHashMap<>();
    private final List<SpecProblem> problems = new ArrayList<>();
    private final java.util.Set<String> withdrawn = new java.util.HashSet<>();

    private CoverageReport(String revision, List<SpecRequirement> requirements) {
        this.revision = revision;
        this.requirements = List.copyOf(requirements);
    }

    /** Matches the citations found in the tree, and the spec's own cross-references, to the requirements. */
    public static CoverageReport of(RequirementExtractor.Extraction extraction, CitationScanner.Scan scan) {
        String revision = extraction.attributes().getOrDefault("revnumber", "unknown");
        CoverageReport report = new CoverageReport(revision, extraction.requirements());
        for (SpecRequirement requirement : extraction.requirements()) {
            report.citationsById.put(requirement.id(), new ArrayList<>());
            if (requirement.withdrawn()) {
                report.withdrawn.add(requirement.id());
            }
        }
        List<Citation> all = new ArrayList<>(extraction.references());
        all.addAll(scan.citations());
        for (Citation citation : all) {
            List<Citation> list = report.citationsById.get(citation.id());
            if (list == null) {
                report.problems.add(new SpecProblem(citation.source(),
                        "cites unknown requirement id " + citation.id() + " (no sentence of the specification defines it)"));
            } else if (report.withdrawn.contains(citation.id()) && citation.kind() != Citation.Kind.SPEC) {
                report.problems.add(new SpecProblem(citation.source(),
                        "cites withdrawn requirement id " + citation.id() + " (it binds nobody; cite what replaced it)"));
            } else if (citation.kind() != Citation.Kind.SPEC) {
                list.add(citation);
            }
        }
        return report;
    }

    /** Citations of undefined ids. */
    public List<SpecProblem> problems() {
        return List.copyOf(problems);
    }

    /** All requirements in force (not withdrawn), in document order. */
    public List<SpecRequirement> requirements() {
        return requirements.stream().filter(r -> !r.withdrawn()).toList();
    }

    /** The citations of one requirement, empty if none or unknown. */
    public List<Citation> citations(String id) {
        return List.copyOf(citationsById.getOrDefault(id, List.of()));
    }

    /** Whether a test or vector cites the requirement. Code comments are not coverage. */
    public boolean isCovered(String id) {
        return citations(id).stream().anyMatch(c -> c.kind() == Citation.Kind.TEST || c.kind() == Citation.Kind.VECTOR);
    }

    /** The MUST-level requirements that no test and no vector cites, in document order. */
    public List<SpecRequirement> uncoveredMusts() {
        return requirements().stream()
                .filter(r -> r.level() == RequirementLevel.MUST && !isCovered(r.id()))
                .toList();
    }

    /** A few lines for the terminal. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("Requirements: %d in specification revision %s (%d withdrawn)%n",
                requirements().size(), revision, withdrawn.size()));
        Map<RequirementLevel, int[]> counts = counts();
        for (RequirementLevel level : RequirementLevel.values()) {
            int[] c = counts.get(level);
            out.append(String.format("  %-6s %4d, %4d cited by a test or vector%n", level, c[0], c[1]));
        }
        List<SpecRequirement> uncovered = uncoveredMusts();
        out.append(String.format("MUST requirements without a test: %d%n", uncovered.size()));
        for (SpecRequirement r : uncovered) {
            out.append(String.format("  %-14s %s%n", r.id(), r.source()));
        }
        return out.toString();
    }

    private Map<RequirementLevel, int[]> counts() {
        Map<RequirementLevel, int[]> counts = new EnumMap<>(RequirementLevel.class);
        for (RequirementLevel level : RequirementLevel.values()) {
            counts.put(level, new int[2]);
        }
        for (SpecRequirement r : requirements()) {
            int[] c = counts.get(r.level());
            c[0]++;
            if (isCovered(r.id())) {
                c[1]++;
            }
        }
        return counts;
    }

    /** Writes the JSON report. */
    public void writeJson(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("specRevision", revision);
        ObjectNode summary = root.putObject("summary");
        summary.put("requirements", requirements().size());
        summary.put("withdrawn", withdrawn.size());
        counts().forEach((level, c) -> {
            ObjectNode l = summary.putObject(level.jsonName());
            l.put("total", c[0]);
            l.put("covered", c[1]);
        });
        ArrayNode uncovered = root.putArray("uncoveredMust");
        uncoveredMusts().forEach(r -> uncovered.add(r.id()));
        ArrayNode list = root.putArray("requirements");
        for (SpecRequirement r : requirements) {
            ObjectNode node = list.addObject();
            node.put("id", r.id());
            node.put("level", r.level() == null ? null : r.level().name());
            node.put("withdrawn", r.withdrawn());
            ArrayNode keywords = node.putArray("keywords");
            r.keywords().forEach(keywords::add);
            node.put("section", r.section());
            node.put("source", r.source());
            node.put("text", r.text());
            node.put("covered", isCovered(r.id()));
            ArrayNode citations = node.putArray("citations");
            for (Citation c : citations(r.id())) {
                ObjectNode cn = citations.addObject();
                cn.put("kind", c.kind().name().toLowerCase(java.util.Locale.ROOT));
                cn.put("source", c.source());
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, JSON.writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
    }

    /**
     * Writes the HTML report: one row per requirement, linking to its sentence in the rendered spec.
     *
     * @param specHref the address of the rendered specification relative to the report
     */
    public void writeHtml(Path file, String specHref) throws IOException {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>Hyphae requirement coverage</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}\n")
                .append("table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}\n")
                .append("th{background:#f3f3f3}td.id{white-space:nowrap;font-family:monospace}\n")
                .append("tr.uncovered td.status{background:#fde2e1}tr.covered td.status{background:#e3f6e3}\n")
                .append("tr.withdrawn td{color:#888}td.cites{font-family:monospace;font-size:.85em}\n</style>\n</head>\n<body>\n")
                .append("<h1>Requirement coverage</h1>\n<p>Specification revision ").append(escape(revision))
                .append(". A requirement is covered when a test or a vector cites it.</p>\n");
        html.append("<table>\n<tr><th>Level</th><th>Requirements</th><th>Covered</th></tr>\n");
        counts().forEach((level, c) -> html.append("<tr><td>").append(level).append("</td><td>").append(c[0])
                .append("</td><td>").append(c[1]).append("</td></tr>\n"));
        html.append("</table>\n<h2>Requirements</h2>\n<table>\n")
                .append("<tr><th>Id</th><th>Level</th><th>Section</th><th>Sentence</th><th>Status</th><th>Cited by</th></tr>\n");
        for (SpecRequirement r : requirements) {
            boolean covered = isCovered(r.id());
            String status = r.withdrawn() ? "withdrawn" : covered ? "covered" : "not cited";
            html.append("<tr class=\"").append(r.withdrawn() ? "withdrawn" : covered ? "covered" : "uncovered").append("\">")
                    .append("<td class=\"id\"><a href=\"").append(escape(specHref)).append('#').append(r.id()).append("\">")
                    .append(r.id()).append("</a></td>")
                    .append("<td>").append(r.level() == null ? "" : r.level()).append("</td>")
                    .append("<td>").append(escape(r.section())).append("</td>")
                    .append("<td>").append(escape(r.text())).append("</td>")
                    .append("<td class=\"status\">").append(status).append("</td>")
                    .append("<td class=\"cites\">");
            for (Citation c : citations(r.id())) {
                html.append(c.kind().name().toLowerCase(java.util.Locale.ROOT)).append(' ').append(escape(c.source())).append("<br>");
            }
            html.append("</td></tr>\n");
        }
        html.append("</table>\n</body>\n</html>\n");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, html.toString(), StandardCharsets.UTF_8);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
