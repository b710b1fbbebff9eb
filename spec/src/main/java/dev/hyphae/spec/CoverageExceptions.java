package dev.hyphae.spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reviewed list of MUST-level requirements that no test, vector or check cites, each with its reason.
 *
 * <p>Every MUST is either cited or listed here; anything else fails the build. The list is a file of the spec module,
 * {@value #FILE}, read by people in review, and the specification shows it as an appendix table generated from it
 * ({@value #PARTIAL}), so that the reasons are part of the text an implementer reads. Its layout:
 * <pre>
 *   # a comment
 *   [group-key] The title of a group, as the appendix shows it
 *   HY-AREA-NNN  The reason, in one sentence or more,
 *                continued on lines that start with white space.
 * </pre>
 *
 * <p>An entry is stale, and a problem, when its id is undefined, withdrawn, not of level MUST, or cited after all:
 * the list only shrinks as tests are written, and never hides a requirement that has one.
 */
public final class CoverageExceptions {

    /** The list, relative to the repository root. */
    public static final String FILE = "spec/uncited-musts.txt";
    /** The appendix table generated from the list, relative to the repository root. */
    public static final String PARTIAL = "spec/generated/requirements/uncited-musts.adoc";

    /** One excepted requirement. */
    public record Entry(String id, String group, String reason, String source) {
    }

    /** A group of entries with one kind of reason. */
    public record Group(String key, String title) {
    }

    private final List<Group> groups;
    private final List<Entry> entries;
    private final List<SpecProblem> problems;

    private CoverageExceptions(List<Group> groups, List<Entry> entries, List<SpecProblem> problems) {
        this.groups = List.copyOf(groups);
        this.entries = List.copyOf(entries);
        this.problems = List.copyOf(problems);
    }

    /** Reads the list under {@code root}; a repository without one excepts nothing. */
    public static CoverageExceptions read(Path root) throws IOException {
        Path file = root.resolve(FILE);
        List<Group> groups = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        List<SpecProblem> problems = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return new CoverageExceptions(groups, entries, problems);
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Group group = null;
        String id = null;
        StringBuilder reason = new StringBuilder();
        int idLine = 0;
        for (int i = 0; i <= lines.size(); i++) {
            String line = i < lines.size() ? lines.get(i) : "";
            boolean continuation = !line.isBlank() && Character.isWhitespace(line.charAt(0));
            if (id != null && !continuation) {
                entries.add(new Entry(id, group.key(), reason.toString().strip(), FILE + ":" + idLine));
                id = null;
            }
            if (i == lines.size() || line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String source = FILE + ":" + (i + 1);
            if (continuation) {
                if (id == null) {
                    problems.add(new SpecProblem(source, "a continuation line with no entry before it"));
                } else {
                    reason.append(' ').append(line.strip());
                }
            } else if (line.startsWith("[")) {
                int close = line.indexOf(']');
                if (close < 2 || line.substring(close + 1).isBlank()) {
                    problems.add(new SpecProblem(source, "a group line reads \"[key] Title\""));
                    continue;
                }
                group = new Group(line.substring(1, close), line.substring(close + 1).strip());
                groups.add(group);
            } else {
                String[] parts = line.split("\\s+", 2);
                if (group == null) {
                    problems.add(new SpecProblem(source, "an entry before the first group line"));
                } else if (!RequirementExtractor.ID.matcher(parts[0]).matches() || parts.length < 2 || parts[1].isBlank()) {
                    problems.add(new SpecProblem(source, "an entry reads \"HY-AREA-NNN  reason\": " + line));
                } else {
                    id = parts[0];
                    idLine = i + 1;
                    reason.setLength(0);
                    reason.append(parts[1].strip());
                }
            }
        }
        return new CoverageExceptions(groups, entries, problems);
    }

    /** The entries, in the order of the file. */
    public List<Entry> entries() {
        return entries;
    }

    /**
     * What is wrong with the list against the report: a MUST neither cited nor listed; an entry that names an
     * undefined, withdrawn or non-MUST requirement, names one twice, or names one that is cited; a malformed line.
     */
    public List<SpecProblem> check(CoverageReport report) {
        List<SpecProblem> found = new ArrayList<>(problems);
        Map<String, SpecRequirement> inForce = new LinkedHashMap<>();
        report.requirements().forEach(r -> inForce.put(r.id(), r));
        Map<String, Entry> byId = new LinkedHashMap<>();
        for (Entry e : entries) {
            SpecRequirement r = inForce.get(e.id());
            if (byId.putIfAbsent(e.id(), e) != null) {
                found.add(new SpecProblem(e.source(), e.id() + " is listed twice"));
            } else if (r == null) {
                found.add(new SpecProblem(e.source(), e.id() + " is not a requirement in force (undefined or withdrawn); remove it from the list"));
            } else if (r.level() != RequirementLevel.MUST) {
                found.add(new SpecProblem(e.source(), e.id() + " is of level " + r.level() + "; only MUSTs are listed"));
            } else if (report.isCovered(e.id())) {
                found.add(new SpecProblem(e.source(), e.id() + " is cited by " + report.citations(e.id()).get(0).source()
                        + "; remove it from the list of uncited MUSTs"));
            }
        }
        for (SpecRequirement r : report.uncoveredMusts()) {
            if (!byId.containsKey(r.id())) {
                found.add(new SpecProblem(r.source(), r.id() + " is a MUST that no test, vector or check cites: cite it where a test"
                        + " exercises it, or list it with its reason in " + FILE));
            }
        }
        return found;
    }

    /**
     * The appendix table: one table per group, each row the id, linked to its sentence, and the reason. A group without
     * entries, such as one whose last MUST a test has come to cite, has no table: an empty one would render as a header
     * alone.
     */
    public String asciidoc() {
        StringBuilder out = new StringBuilder();
        out.append("// Generated from ").append(FILE).append(" by the specification's build; do not edit.\n");
        for (Group g : groups) {
            List<Entry> rows = entries.stream().filter(e -> e.group().equals(g.key())).toList();
            if (rows.isEmpty()) {
                continue;
            }
            out.append("\n.").append(g.title()).append(" (").append(rows.size()).append(")\n");
            out.append("[cols=\"1,4\",options=\"header\"]\n|===\n|Requirement |Why no test cites it\n");
            for (Entry e : rows) {
                out.append("\n|<<").append(e.id()).append(">> |").append(e.reason().replace("|", "\\|")).append('\n');
            }
            out.append("|===\n");
        }
        return out.toString();
    }

    /**
     * Whether the committed appendix table under {@code root} is the one the list gives; writes it when
     * {@code update} is set. Returns the problem, or null.
     */
    public SpecProblem checkPartial(Path root, boolean update) throws IOException {
        if (!Files.isRegularFile(root.resolve(FILE))) {
            return null;
        }
        Path partial = root.resolve(PARTIAL);
        String expected = asciidoc();
        String actual = Files.isRegularFile(partial) ? Files.readString(partial, StandardCharsets.UTF_8) : null;
        if (expected.equals(actual)) {
            return null;
        }
        if (update) {
            Files.createDirectories(partial.getParent());
            Files.writeString(partial, expected, StandardCharsets.UTF_8);
            return null;
        }
        return new SpecProblem(PARTIAL + ":1", "differs from what " + FILE + " gives; rewrite it with `hyphae spec --update-generated`");
    }
}
