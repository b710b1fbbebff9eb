package dev.hyphae.spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the specification and its citations, writes the coverage report and renders the HTML.
 *
 * <p>Run by the build after this module's tests, and by {@code hyphae spec}. Output, under {@code --out}:
 * <pre>
 *   html/hyphae.html                   the rendered specification
 *   requirements/requirements.json     the coverage report, format {@value CoverageReport#FORMAT}
 *   requirements/requirements.html     the same, as a table
 * </pre>
 * Exit status 0 when there is no problem, 1 when there is (each printed as {@code path:line: message}),
 * 2 on a usage error.
 */
public final class SpecBuild {

    /** The master document, relative to the repository root. */
    public static final String MASTER = "spec/hyphae.adoc";

    private SpecBuild() {
    }

    private static final String USAGE = "usage: SpecBuild --root DIR --out DIR [--no-render] [--update-generated]";

    /** Command-line entry point: {@code SpecBuild --root DIR --out DIR [--no-render] [--update-generated]}. */
    public static void main(String[] args) throws IOException {
        Path root = null;
        Path out = null;
        boolean render = true;
        boolean update = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--no-render" -> render = false;
                case "--update-generated" -> update = true;
                default -> {
                    System.err.println(USAGE);
                    System.exit(2);
                }
            }
        }
        if (root == null || out == null) {
            System.err.println(USAGE);
            System.exit(2);
        }
        System.exit(run(root, out, render, update, System.out, System.err));
    }

    /** As {@link #run(Path, Path, boolean, boolean, PrintStream, PrintStream)}, checking the generated table without writing it. */
    public static int run(Path root, Path out, boolean render, PrintStream stdout, PrintStream stderr) throws IOException {
        return run(root, out, render, false, stdout, stderr);
    }

    /**
     * Runs every step and reports to the given streams.
     *
     * @param updateGenerated whether to rewrite the appendix table of {@link CoverageExceptions} when it is out of
     *                        date, rather than report it
     * @return 0 when the specification and its citations have no problem, 1 otherwise
     */
    public static int run(Path root, Path out, boolean render, boolean updateGenerated, PrintStream stdout, PrintStream stderr)
            throws IOException {
        Path master = root.resolve(MASTER);
        if (!Files.isRegularFile(master)) {
            stderr.println(master + ": no such file; is --root the repository root?");
            return 1;
        }
        // The list of uncited MUSTs is read first: the appendix that shows it is part of the text extracted below.
        CoverageExceptions exceptions = CoverageExceptions.read(root);
        SpecProblem stale = exceptions.checkPartial(root, updateGenerated);
        RequirementExtractor.Extraction extraction = RequirementExtractor.extract(root, master);
        CitationScanner.Scan scan = CitationScanner.scan(root);
        CoverageReport report = CoverageReport.of(extraction, scan);

        List<SpecProblem> problems = new ArrayList<>(extraction.problems());
        problems.addAll(scan.problems());
        problems.addAll(report.problems());
        // Every MUST is cited or is on the reviewed list of exceptions, whose reasons the spec shows.
        problems.addAll(exceptions.check(report));
        if (stale != null) {
            problems.add(stale);
        }

        Path json = out.resolve("requirements/requirements.json");
        Path table = out.resolve("requirements/requirements.html");
        Path html = out.resolve("html/hyphae.html");
        report.writeJson(json);
        report.writeHtml(table, "../html/hyphae.html");
        if (render) {
            problems.addAll(SpecRenderer.render(root, master, html));
        }

        stdout.print(report.summary());
        stdout.println("Of those, listed with their reason in " + CoverageExceptions.FILE + ": " + exceptions.entries().size());
        stdout.println("Coverage report: " + json + " and " + table);
        if (render) {
            stdout.println("Specification:   " + html);
        }
        if (!problems.isEmpty()) {
            for (SpecProblem problem : problems) {
                stderr.println(problem);
            }
            stderr.println(problems.size() + (problems.size() == 1 ? " problem" : " problems")
                    + " in the specification or its citations");
            return 1;
        }
        return 0;
    }
}
