package dev.hyphae.spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts the requirements of the specification from its AsciiDoc sources.
 *
 * <p>A requirement is a sentence that carries the inline macro {@code req:ID[]}, where ID has the form
 * {@code HY-AREA-NNN}. A withdrawn requirement keeps its id and sentence, marked {@code req:ID[withdrawn]};
 * it binds nobody, needs no keyword, and may not be cited. The extractor reads the master document, follows its {@code include::} directives,
 * splits the prose into sentences, and enforces the rules of the Conventions chapter:
 * <ul>
 *   <li>a sentence that uses an uppercase BCP 14 keyword carries exactly one requirement id;</li>
 *   <li>a sentence that carries an id uses at least one keyword;</li>
 *   <li>no id is defined twice;</li>
 *   <li>every id named elsewhere in the text (a cross-reference) is defined.</li>
 * </ul>
 *
 * <p>What is not prose is skipped: listing, literal, passthrough and comment blocks, indented literal
 * paragraphs, comment lines, attribute entries, block attributes, block titles and section titles. A
 * keyword in double quotes or in backticks is a mention, not a use ({@code "MUST"}). Sentences end at
 * {@code .}, {@code ?} or {@code !} followed by white space, and at every paragraph, list item, table
 * cell and block boundary; this is why the specification avoids abbreviations with periods.
 *
 * <p>This is a line-oriented reader of the subset of AsciiDoc the specification uses, not a full
 * AsciiDoc parser; it is deliberately independent of the renderer so that it is fast and testable.
 */
public final class RequirementExtractor {

    /** The form of a requirement id. */
    public static final Pattern ID = Pattern.compile("HY-[A-Z][A-Z0-9]{1,11}-[0-9]{3}");

    private static final Pattern MARKER = Pattern.compile("req:([^\\[\\s]*)\\[([^\\]]*)\\]");
    private static final Pattern ID_IN_TEXT = Pattern.compile("(?<![A-Za-z0-9-])" + ID.pattern() + "(?![A-Za-z0-9])");
    private static final Pattern KEYWORD = Pattern.compile(
            "\\b(MUST NOT|MUST|REQUIRED|SHALL NOT|SHALL|SHOULD NOT|SHOULD|NOT RECOMMENDED|RECOMMENDED|MAY|OPTIONAL)\\b");
    private static final Pattern BACKTICK_SPAN = Pattern.compile("`[^`]*`");
    private static final Pattern QUOTED_MENTION = Pattern.compile(
            "[\"\u201c](?:MUST NOT|MUST|REQUIRED|SHALL NOT|SHALL|SHOULD NOT|SHOULD|NOT RECOMMENDED|RECOMMENDED|MAY|OPTIONAL)[\"\u201d]");
    private static final Pattern PASSTHROUGH = Pattern.compile("\\+\\+\\+.*?\\+\\+\\+|pass:[a-z,]*\\[[^\\]]*\\]");

    private static final Pattern VERBATIM_DELIMITER = Pattern.compile("(-{4,}|\\.{4,}|\\+{4,}|/{4,})");
    private static final Pattern COMPOUND_DELIMITER = Pattern.compile("(={4,}|\\*{4,}|_{4,}|--)");
    private static final Pattern HEADING = Pattern.compile("(={1,6})\\s+(\\S.*)");
    private static final Pattern INCLUDE = Pattern.compile("include::([^\\[]+)\\[.*\\]");
    private static final Pattern ATTRIBUTE_ENTRY = Pattern.compile(":([A-Za-z0-9_][A-Za-z0-9_-]*)!?:\\s*(.*)");
    private static final Pattern ATTRIBUTE_REFERENCE = Pattern.compile("\\{([A-Za-z0-9_][A-Za-z0-9_-]*)\\}");
    private static final Pattern BLOCK_ATTRIBUTES = Pattern.compile("\\[.*\\]");
    private static final Pattern BLOCK_TITLE = Pattern.compile("\\.[^.\\s].*");
    private static final Pattern LIST_ITEM = Pattern.compile("(\\*+|-|\\.+|[0-9]+\\.|[a-z]\\.)\\s+(.*)");
    private static final Pattern DESCRIPTION_ITEM = Pattern.compile("(.*?\\S)(:{2,4}|;;)(?:\\s+(.*))?");
    private static final Pattern ADMONITION = Pattern.compile("(NOTE|TIP|IMPORTANT|WARNING|CAUTION):\\s+(.*)");
    private static final Pattern CONDITIONAL = Pattern.compile("(ifdef|ifndef|ifeval|endif)::.*");
    private static final Pattern CELL_SPECIFIER = Pattern.compile("\\s*([0-9]+[+*])?(\\.[0-9]+\\+)?[<^>]?(\\.[<^>])?[adehlmsv]?\\s*");

    /** The marker attribute of a withdrawn requirement: {@code req:ID[withdrawn]}. */
    static final String WITHDRAWN = "withdrawn";

    private static final int MAX_INCLUDE_DEPTH = 16;
    private static final int QUOTE_LENGTH = 100;

    /** The result of an extraction. */
    public record Extraction(
            List<SpecRequirement> requirements,
            List<Citation> references,
            List<SpecProblem> problems,
            Map<String, String> attributes) {
    }

    private final Path root;
    private final Map<String, SpecRequirement> requirements = new LinkedHashMap<>();
    private final List<Citation> references = new ArrayList<>();
    private final List<SpecProblem> problems = new ArrayList<>();
    private final Map<String, String> attributes = new HashMap<>();
    private final List<String> sectionTitles = new ArrayList<>();

    private final StringBuilder unit = new StringBuilder();
    private final List<int[]> unitLines = new ArrayList<>(); // {offset in unit, line number}
    private Path unitFile;

    private RequirementExtractor(Path root) {
        this.root = root;
    }

    /**
     * Extracts the requirements of the document {@code master} and of everything it includes.
     *
     * @param root   the repository root, against which sources are named in messages
     * @param master the master AsciiDoc document
     */
    public static Extraction extract(Path root, Path master) throws IOException {
        RequirementExtractor extractor = new RequirementExtractor(root.toAbsolutePath().normalize());
        extractor.processFile(master.toAbsolutePath().normalize(), 0);
        return new Extraction(
                List.copyOf(extractor.requirements.values()),
                List.copyOf(extractor.references),
                List.copyOf(extractor.problems),
                Map.copyOf(extractor.attributes));
    }

    private void processFile(Path file, int depth) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String verbatimDelimiter = null;
        boolean inTable = false;
        boolean inLiteralParagraph = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int lineNumber = i + 1;
            String trimmed = line.strip();

            if (verbatimDelimiter != null) {
                if (trimmed.equals(verbatimDelimiter)) {
                    verbatimDelimiter = null;
                }
                continue;
            }
            if (trimmed.isEmpty()) {
                flush();
                inLiteralParagraph = false;
                continue;
            }
            if (inLiteralParagraph) {
                continue;
            }
            if (VERBATIM_DELIMITER.matcher(trimmed).matches()) {
                flush();
                verbatimDelimiter = trimmed;
                continue;
            }
            if (trimmed.startsWith("//") || CONDITIONAL.matcher(trimmed).matches()) {
                continue;
            }
            if (COMPOUND_DELIMITER.matcher(trimmed).matches() || trimmed.equals("+")) {
                flush();
                continue;
            }
            if (trimmed.startsWith("|===")) {
                flush();
                inTable = !inTable;
                continue;
            }
            Matcher include = INCLUDE.matcher(trimmed);
            if (include.matches()) {
                flush();
                include(file, lineNumber, include.group(1), depth);
                continue;
            }
            Matcher attribute = ATTRIBUTE_ENTRY.matcher(line);
            if (attribute.matches()) {
                flush();
                attributes.put(attribute.group(1), attribute.group(2).strip());
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                flush();
                enterSection(heading.group(1).length(), heading.group(2).strip());
                continue;
            }
            if (BLOCK_ATTRIBUTES.matcher(trimmed).matches() || BLOCK_TITLE.matcher(line).matches()) {
                flush();
                continue;
            }
            Matcher listItem = LIST_ITEM.matcher(trimmed);
            if (listItem.matches()) {
                flush();
                append(file, lineNumber, listItem.group(2));
                continue;
            }
            if (unit.length() == 0 && Character.isWhitespace(line.charAt(0)) && !inTable) {
                // An indented paragraph is a literal block in AsciiDoc: verbatim, not prose.
                inLiteralParagraph = true;
                continue;
            }
            Matcher admonition = ADMONITION.matcher(trimmed);
            if (admonition.matches()) {
                flush();
                append(file, lineNumber, admonition.group(2));
                continue;
            }
            if (inTable && trimmed.contains("|")) {
                appendTableRow(file, lineNumber, trimmed);
                continue;
            }
            Matcher description = DESCRIPTION_ITEM.matcher(trimmed);
            if (description.matches() && !trimmed.contains("://") && !trimmed.startsWith("req:")) {
                flush();
                append(file, lineNumber, description.group(1));
                flush();
                if (description.group(3) != null) {
                    append(file, lineNumber, description.group(3));
                }
                continue;
            }
            append(file, lineNumber, trimmed);
        }
        flush();
        if (verbatimDelimiter != null) {
            problems.add(new SpecProblem(source(file, lines.size()), "block delimited by " + verbatimDelimiter + " is never closed"));
        }
    }

    private void include(Path file, int lineNumber, String target, int depth) throws IOException {
        String resolved = substituteAttributes(target.strip());
        Path included = file.getParent().resolve(resolved).normalize();
        if (depth >= MAX_INCLUDE_DEPTH) {
            problems.add(new SpecProblem(source(file, lineNumber), "includes nest deeper than " + MAX_INCLUDE_DEPTH + ": " + target));
        } else if (!Files.isRegularFile(included)) {
            problems.add(new SpecProblem(source(file, lineNumber), "included file does not exist: " + target));
        } else {
            processFile(included, depth + 1);
        }
    }

    private String substituteAttributes(String text) {
        Matcher m = ATTRIBUTE_REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(attributes.getOrDefault(m.group(1), m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    private void enterSection(int level, String title) {
        while (sectionTitles.size() > level) {
            sectionTitles.remove(sectionTitles.size() - 1);
        }
        while (sectionTitles.size() < level) {
            sectionTitles.add(null);
        }
        sectionTitles.set(level - 1, title);
    }

    private String currentSection() {
        // Level 1 ("= Title") is the document title; sections start at level 2.
        List<String> path = new ArrayList<>();
        for (int i = 1; i < sectionTitles.size(); i++) {
            if (sectionTitles.get(i) != null) {
                path.add(sectionTitles.get(i));
            }
        }
        return String.join(" > ", path);
    }

    private void appendTableRow(Path file, int lineNumber, String row) {
        String[] cells = row.split("\\|", -1);
        // The text before the first '|' continues the previous cell; the rest each start a new cell.
        for (int c = 0; c < cells.length; c++) {
            String cell = cells[c];
            boolean isSpecifierOfNextCell = c < cells.length - 1 && CELL_SPECIFIER.matcher(cell).matches();
            if (c > 0) {
                flush();
            }
            if (!isSpecifierOfNextCell && !cell.isBlank()) {
                append(file, lineNumber, cell.strip());
            }
        }
    }

    private void append(Path file, int lineNumber, String text) {
        if (unit.length() > 0) {
            unit.append(' ');
        } else {
            unitFile = file;
        }
        unitLines.add(new int[] {unit.length(), lineNumber});
        unit.append(text);
    }

    private void flush() {
        if (unit.length() == 0) {
            return;
        }
        String text = unit.toString();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            boolean endsSentence = (ch == '.' || ch == '?' || ch == '!')
                    && (i + 1 == text.length() || Character.isWhitespace(text.charAt(i + 1)));
            if (endsSentence) {
                sentence(text, start, i + 1);
                start = i + 1;
            }
        }
        if (start < text.length()) {
            sentence(text, start, text.length());
        }
        unit.setLength(0);
        unitLines.clear();
        unitFile = null;
    }

    private void sentence(String unitText, int start, int end) {
        String raw = unitText.substring(start, end);
        if (raw.isBlank()) {
            return;
        }
        int offset = start + (raw.length() - raw.stripLeading().length());
        String where = source(unitFile, lineAt(offset));

        List<String> ids = new ArrayList<>();
        boolean withdrawn = false;
        Matcher marker = MARKER.matcher(raw);
        while (marker.find()) {
            String id = marker.group(1);
            if (!ID.matcher(id).matches()) {
                problems.add(new SpecProblem(where, "malformed requirement id '" + id + "' (expected HY-AREA-NNN, for example HY-FRAME-003)"));
            } else {
                if (!marker.group(2).isEmpty() && !marker.group(2).equals(WITHDRAWN)) {
                    problems.add(new SpecProblem(where, "requirement " + id + " has unknown attribute '" + marker.group(2)
                            + "' (the only one is " + WITHDRAWN + ")"));
                }
                ids.add(id);
                withdrawn = marker.group(2).equals(WITHDRAWN);
            }
        }
        String withoutMarkers = MARKER.matcher(raw).replaceAll("");
        String prose = PASSTHROUGH.matcher(BACKTICK_SPAN.matcher(withoutMarkers).replaceAll(" ")).replaceAll(" ");
        Matcher reference = ID_IN_TEXT.matcher(prose);
        while (reference.find()) {
            references.add(new Citation(reference.group(), Citation.Kind.SPEC, where));
        }
        prose = QUOTED_MENTION.matcher(prose).replaceAll(" ");

        List<String> keywords = new ArrayList<>();
        Matcher keyword = KEYWORD.matcher(prose);
        while (keyword.find()) {
            keywords.add(keyword.group(1));
        }
        // The text as the reader sees it: attribute references such as {caret} replaced by their values.
        String text = substituteAttributes(withoutMarkers.strip().replaceAll("\\s+", " "));

        if (ids.size() > 1) {
            problems.add(new SpecProblem(where, "sentence carries " + ids.size() + " requirement ids " + ids
                    + "; give each normative sentence exactly one: " + quote(text)));
            return;
        }
        if (ids.isEmpty()) {
            if (!keywords.isEmpty()) {
                problems.add(new SpecProblem(where, "sentence uses \"" + keywords.get(0)
                        + "\" but carries no requirement id (add req:HY-AREA-NNN[], or quote the keyword if it is only mentioned): "
                        + quote(text)));
            }
            return;
        }
        String id = ids.get(0);
        if (keywords.isEmpty() && !withdrawn) {
            problems.add(new SpecProblem(where, "requirement " + id
                    + " marks a sentence without an uppercase BCP 14 keyword: " + quote(text)));
            return;
        }
        SpecRequirement first = requirements.get(id);
        if (first != null) {
            problems.add(new SpecProblem(where, "duplicate requirement id " + id + " (first defined at " + first.source() + ")"));
            return;
        }
        RequirementLevel level = keywords.isEmpty() ? null : RequirementLevel.strongest(keywords);
        requirements.put(id, new SpecRequirement(id, level, keywords, currentSection(), where, text, withdrawn));
    }

    private int lineAt(int offset) {
        int line = unitLines.get(0)[1];
        for (int[] entry : unitLines) {
            if (entry[0] > offset) {
                break;
            }
            line = entry[1];
        }
        return line;
    }

    private String source(Path file, int line) {
        return relative(root, file) + ":" + line;
    }

    static String relative(Path root, Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path name = absolute.startsWith(root) ? root.relativize(absolute) : absolute;
        return name.toString().replace('\\', '/');
    }

    private static String quote(String text) {
        return "\"" + (text.length() <= QUOTE_LENGTH ? text : text.substring(0, QUOTE_LENGTH) + "...") + "\"";
    }
}
