package dev.hyphae.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The expected-failures file: the checks that an implementation knows it fails, one check id a line, with
 * {@code #} starting a comment. It is strict: a listed check that fails is an expected failure, and does not
 * fail the run; a listed check that passes, is unsupported, or does not exist fails the run, so that the file
 * never outlives the bugs it lists.
 */
public final class ExpectedFailures {

    private final Set<String> ids;

    private ExpectedFailures(Set<String> ids) {
        this.ids = ids;
    }

    /** No expected failures. */
    public static ExpectedFailures none() {
        return new ExpectedFailures(Set.of());
    }

    /** Reads {@code file}. */
    public static ExpectedFailures read(Path file) throws IOException {
        Set<String> ids = new LinkedHashSet<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int hash = line.indexOf('#');
            String id = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (!id.isEmpty()) {
                ids.add(id);
            }
        }
        return new ExpectedFailures(ids);
    }

    /** The listed ids. */
    public Set<String> ids() {
        return ids;
    }

    /** The verdicts with this file applied, and a verdict for each listed id that names no check. */
    public List<CheckResult> apply(List<CheckResult> results) {
        List<CheckResult> applied = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (CheckResult r : results) {
            if (!ids.contains(r.id())) {
                applied.add(r);
                continue;
            }
            seen.add(r.id());
            if (r.status() == CheckResult.Status.FAILED || r.status() == CheckResult.Status.WARNING) {
                applied.add(r.with(CheckResult.Status.EXPECTED_FAILURE, r.detail()));
            } else {
                applied.add(r.with(CheckResult.Status.UNEXPECTED_PASS, "listed in the expected-failures file, but "
                        + r.status().json() + (r.detail().isEmpty() ? "" : ": " + r.detail())
                        + "; remove it from the file"));
            }
        }
        for (String id : ids) {
            if (!seen.contains(id)) {
                applied.add(new CheckResult(id, null, false, List.of(), CheckResult.Status.UNEXPECTED_PASS,
                        "listed in the expected-failures file, but no check has this id", 0));
            }
        }
        return applied;
    }
}
