package dev.hyphae.handshake;

import dev.hyphae.LimitTables;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link Capabilities} are the capabilities of the registry, by name (durable-acks as DURABLE_ACKS) and value. */
class CapabilitiesTest {

    private static final Pattern ROW = Pattern.compile("\\|([0-9]+) \\|`([a-z][a-z0-9-]*)` \\|.*");

    @Test
    @Requirement("HY-COMP-001")
    void theConstantsAreTheRegistrysCapabilities() throws Exception {
        Path chapter = Path.of(System.getProperty("hyphae.root", "..")).resolve("spec/chapters/12-registries.adoc");
        String text = Files.readString(chapter);
        String table = text.substring(text.indexOf("[#capability-table"), text.indexOf("[[error-registry]]"));
        Map<String, Long> registered = new TreeMap<>();
        for (String line : table.split("\n")) {
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                registered.put(row.group(2).toUpperCase(Locale.ROOT).replace('-', '_'), Long.parseLong(row.group(1)));
            }
        }
        assertEquals(registered, LimitTables.constantsOf(Capabilities.class));
    }
}
