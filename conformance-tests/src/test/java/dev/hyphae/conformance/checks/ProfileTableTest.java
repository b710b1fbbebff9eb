package dev.hyphae.conformance.checks;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The table of profiles that the specification includes is the one the suite's checks and the vectors make.
 * With {@code -Dhyphae.regenerate=true} it writes the table instead.
 */
class ProfileTableTest {

    private static final Path ROOT = Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath().normalize();
    private static final Path TABLE = ROOT.resolve("spec/generated/conformance/profiles.adoc");

    /** A class of checks left out of the table would leave its requirement ids out of the specification's profiles. */
    @Test
    void theTableReadsEveryClassOfChecks() throws Exception {
        Path sources = ROOT.resolve("conformance-tests/src/main/java/dev/hyphae/conformance/checks");
        List<String> annotated;
        try (Stream<Path> files = Files.list(sources)) {
            annotated = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> {
                        try {
                            return Files.readString(f).contains("\n@Checks(");
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .map(f -> f.getFileName().toString().replace(".java", "")).sorted().toList();
        }
        assertEquals(annotated, ProfileTable.CHECKS.stream().map(Class::getSimpleName).sorted().toList());
    }

    @Test
    void theSpecificationListsWhatTheSuiteChecks() throws Exception {
        String table = ProfileTable.render(ROOT.resolve("test-vectors"));
        if (Boolean.getBoolean("hyphae.regenerate")) {
            Files.createDirectories(TABLE.getParent());
            Files.writeString(TABLE, table, StandardCharsets.UTF_8);
        }
        assertEquals(table, Files.exists(TABLE) ? Files.readString(TABLE, StandardCharsets.UTF_8) : "",
                "spec/generated/conformance/profiles.adoc is out of date: regenerate it with "
                        + "./mvnw -pl conformance-tests test -Dtest=ProfileTableTest -Dhyphae.regenerate=true");
    }
}
