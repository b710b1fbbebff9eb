package dev.hyphae.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the places in the repository that cite requirement ids.
 *
 * <ul>
 *   <li>Java test sources (under {@code src/test/java}): every {@code @Requirement("...")} or
 *       {@code @Requirement({"...", "..."})} annotation is a {@link Citation.Kind#TEST TEST} citation.
 *       The ids are written as string literals; anything else is reported as a problem.</li>
 *   <li>Vector files (JSON under {@code test-vectors/}): each string of a top-level {@code requirements}
 *       array is a {@link Citation.Kind#VECTOR VECTOR} citation. JSON files without that member (for
 *       example third-party data) are not vectors of ours and are skipped.</li>
 *   <li>The conformance suite's checks (under {@code conformance-tests/src/main/java/dev/hyphae/conformance/checks}),
 *       which are tests that ship in the suite's jar: as test sources.</li>
 *   <li>Java main sources (under {@code src/main/java}): a line comment that starts with an id, in the
 *       form {@code // HY-AREA-NNN: why this code looks like this}, is a {@link Citation.Kind#CODE CODE}
 *       citation. It is not coverage, but it must name an id that exists.</li>
 * </ul>
 *
 * <p>Build output, version control and hidden folders are not scanned.
 */
public final class CitationScanner {

    /** Where the conformance suite keeps its checks. */
    static final String CONFORMANCE_CHECKS = "conformance-tests/src/main/java/dev/hyphae/conformance/checks/";

    private static final Pattern ANNOTATION = Pattern.compile("@(?:dev\\.hyphae\\.spec\\.)?Requirement\\b(?!\\s*[;.])");
    private static final Pattern ANNOTATION_ARGUMENT = Pattern.compile(
            "\\G\\s*\\(\\s*(?:value\\s*=\\s*)?(\\{[^}]*\\}|\"[^\"\\\\]*\")\\s*\\)", Pattern.DOTALL);
    private static final Pattern STRING_LITERAL = Pattern.compile("\"([^\"\\\\]*)\"");
    private static final Pattern CODE_COMMENT = Pattern.compile("//\\s*(HY-[A-Za-z0-9]+-[0-9]+)\\b");
    private static final Set<String> SKIPPED_FOLDERS = Set.of("target", "node_modules", "build", "out");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Citations found, and the problems found while finding them. */
    public record Scan(List<Citation> citations, List<SpecProblem> problems) {
    }

    private final Path root;
    private final List<Citation> citations = new ArrayList<>();
    private final List<SpecProblem> problems = new ArrayList<>();

    private CitationScanner(Path root) {
        this.root = root;
    }

    /** Scans the repository rooted at {@code root}. */
    public static Scan scan(Path root) throws IOException {
        CitationScanner scanner = new CitationScanner(root.toAbsolutePath().normalize());
        scanner.walk();
        return new Scan(List.copyOf(scanner.citations), List.copyOf(scanner.problems));
    }

    private void walk() throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                boolean skip = !dir.equals(root) && (name.startsWith(".") || SKIPPED_FOLDERS.contains(name));
                return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String path = RequirementExtractor.relative(root, file);
                // The conformance suite's checks are tests that ship in its jar, so they live in src/main/java.
                if (path.endsWith(".java") && (path.contains("src/test/java/") || path.startsWith(CONFORMANCE_CHECKS))) {
                    scanTest(file, path);
                } else if (path.endsWith(".java") && path.contains("src/main/java/")) {
                    scanCode(file, path);
                } else if (path.endsWith(".json") && path.startsWith("test-vectors/")) {
                    scanVector(file, path);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void scanTest(Path file, String path) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Matcher annotation = ANNOTATION.matcher(text);
        while (annotation.find()) {
            if (isInImportOrDeclaration(text, annotation.start())) {
                continue;
            }
            int line = lineOf(text, annotation.start());
            Matcher argument = ANNOTATION_ARGUMENT.matcher(text);
            argument.region(annotation.end(), text.length());
            if (!argument.lookingAt()) {
                problems.add(new SpecProblem(path + ":" + line,
                        "@Requirement must cite ids as string literals, as in @Requirement(\"HY-AREA-NNN\")"));
                continue;
            }
            Matcher literal = STRING_LITERAL.matcher(argument.group(1));
            boolean any = false;
            while (literal.find()) {
                any = true;
                cite(literal.group(1), Citation.Kind.TEST, path + ":" + line);
            }
            if (!any) {
                problems.add(new SpecProblem(path + ":" + line, "@Requirement cites no requirement id"));
            }
        }
    }

    private static boolean isInImportOrDeclaration(String text, int offset) {
        int lineStart = text.lastIndexOf('\n', offset) + 1;
        String before = text.substring(lineStart, offset).strip();
        return before.startsWith("import") || before.endsWith("interface");
    }

    private void scanCode(Path file, String path) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            Matcher comment = CODE_COMMENT.matcher(lines.get(i));
            while (comment.find()) {
                cite(comment.group(1), Citation.Kind.CODE, path + ":" + (i + 1));
            }
        }
    }

    private void scanVector(Path file, String path) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        JsonNode tree;
        try {
            tree = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            problems.add(new SpecProblem(path + ":" + e.getLocation().getLineNr(), "not valid JSON: " + e.getOriginalMessage()));
            return;
        }
        if (tree == null || !tree.isObject() || !tree.has("requirements")) {
            return;
        }
        JsonNode requirements = tree.get("requirements");
        if (!requirements.isArray() || requirements.isEmpty()) {
            problems.add(new SpecProblem(path + ":1", "\"requirements\" must be a non-empty array of requirement ids"));
            return;
        }
        for (JsonNode id : requirements) {
            if (!id.isTextual()) {
                problems.add(new SpecProblem(path + ":1", "\"requirements\" holds a non-string: " + id));
                continue;
            }
            int at = text.indexOf("\"" + id.asText() + "\"");
            cite(id.asText(), Citation.Kind.VECTOR, path + ":" + (at < 0 ? 1 : lineOf(text, at)));
        }
    }

    private void cite(String id, Citation.Kind kind, String source) {
        if (RequirementExtractor.ID.matcher(id).matches()) {
            citations.add(new Citation(id, kind, source));
        } else {
            problems.add(new SpecProblem(source, "malformed requirement id '" + id + "' (expected HY-AREA-NNN)"));
        }
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
