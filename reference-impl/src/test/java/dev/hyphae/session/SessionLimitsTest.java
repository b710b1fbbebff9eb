package dev.hyphae.session;

import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SessionLimits} is the table of constants of the session chapter, name for name and value for value. */
class SessionLimitsTest {

    /** A row: a name in backticks, then a value that is a number, or a number of seconds ("15 seconds, by default"). */
    private static final Pattern ROW = Pattern.compile("\\|\\s*`([A-Z_]+)`\\s*\\|\\s*([0-9]+)( seconds)?[^|]*\\|.*");

    /** The rows of the table whose block id is {@code table-session-limits}, as name to value in the spec's unit. */
    private static Map<String, String> specTable() throws IOException {
        Path root = Path.of(System.getProperty("hyphae.root", ".."));
        List<String> lines = Files.readAllLines(root.resolve("spec/chapters/08-session.adoc"));
        int start = lines.indexOf("[[table-session-limits]]");
        assertTrue(start >= 0, "the table of session constants is where this test expects it");
        Map<String, String> rows = new TreeMap<>();
        int delimiters = 0;
        for (int i = start + 1; i < lines.size() && delimiters < 2; i++) {
            String line = lines.get(i);
            if (line.startsWith("|===")) {
                delimiters++;
                continue;
            }
            Matcher row = ROW.matcher(line);
            if (delimiters == 1 && row.matches()) {
                rows.put(row.group(1), row.group(2) + (row.group(3) == null ? "" : " s"));
            }
        }
        return rows;
    }

    /** The public constants of the class, in the same form. */
    private static Map<String, String> constants() throws IllegalAccessException {
        Map<String, String> constants = new TreeMap<>();
        for (Field field : SessionLimits.class.getDeclaredFields()) {
            if (Modifier.isPublic(field.getModifiers()) && Modifier.isStatic(field.getModifiers())) {
                Object value = field.get(null);
                constants.put(field.getName(), value instanceof Duration d ? d.toSeconds() + " s" : String.valueOf(value));
            }
        }
        return constants;
    }

    @Test
    @Requirement({"HY-SESS-048", "HY-SESS-050"})
    void theClassHoldsExactlyTheConstantsOfTheSpecification() throws Exception {
        Map<String, String> spec = specTable();
        assertEquals(6, spec.size(), "parsed the table: " + spec);
        assertEquals(spec, constants());
    }

    @Test
    void theDefaultOptionsAreTheSpecificationsDefaults() {
        Session.Options defaults = Session.Options.DEFAULT;
        assertEquals(SessionLimits.KEEPALIVE_INTERVAL.toMillis(), defaults.keepaliveMillis());
        assertEquals(SessionLimits.IDLE_INTERVAL.toMillis(), defaults.idleTimeoutMillis());
        assertEquals(SessionLimits.MAX_DOCUMENTS, defaults.maxDocuments());
        assertTrue(defaults.window() <= SessionLimits.MAX_WINDOW);
    }
}
