package dev.hyphae.conformance.checks;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The table of profiles that the specification includes is the one the suite's checks and the vectors make.
 * With {@code -Dhyphae.regenerate=true} it writes the table instead.
 */
class ProfileTableTest {

    private static final Path ROOT = Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath().normalize();
    private static final Path TABLE = ROOT.resolve("spec/generated/conformance/profiles.adoc");

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
