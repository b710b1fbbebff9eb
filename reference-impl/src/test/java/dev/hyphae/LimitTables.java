package dev.hyphae;

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

/**
 * Compares a class of constants with a table of named limits of the specification, such as
 * {@code [[table-framing-limits]]}: rows of the form {@code |`NAME` |value |what it bounds}, whose value
 * starts with an integer ({@code 4194304 (4 MiB)}, or {@code 15 seconds, by default} for an interval).
 */
public final class LimitTables {

    private static final Pattern ROW = Pattern.compile("\\|\\s*`([A-Z][A-Z0-9_]*)`\\s*\\|\\s*([0-9]+)\\b.*");

    private LimitTables() {
    }

    /** The names and values of the table whose anchor is {@code [[tableId]]} in {@code spec/chapters/<chapter>}. */
    public static Map<String, Long> table(String chapter, String tableId) throws IOException {
        Path root = Path.of(System.getProperty("hyphae.root", ".."));
        List<String> lines = Files.readAllLines(root.resolve("spec/chapters").resolve(chapter));
        int start = lines.indexOf("[[" + tableId + "]]");
        assertTrue(start >= 0, "table " + tableId + " is in " + chapter);
        Map<String, Long> rows = new TreeMap<>();
        int delimiters = 0;
        for (int i = start + 1; i < lines.size() && delimiters < 2; i++) {
            String line = lines.get(i);
            if (line.startsWith("|===")) {
                delimiters++;
                continue;
            }
            Matcher row = ROW.matcher(line);
            if (delimiters == 1 && row.matches()) {
                rows.put(row.group(1), Long.parseLong(row.group(2)));
            }
        }
        assertTrue(!rows.isEmpty(), "parsed rows of " + tableId);
        return rows;
    }

    /**
     * The public static final integer constants of {@code constants}, by name; a {@link Duration} counts in seconds,
     * the unit in which the tables state intervals ({@code 15 seconds, by default}).
     */
    public static Map<String, Long> constantsOf(Class<?> constants) throws IllegalAccessException {
        Map<String, Long> values = new TreeMap<>();
        for (Field field : constants.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (Modifier.isPublic(modifiers) && Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers)
                    && (field.getType() == int.class || field.getType() == long.class)) {
                values.put(field.getName(), ((Number) field.get(null)).longValue());
            } else if (Modifier.isPublic(modifiers) && Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers)
                    && field.getType() == Duration.class) {
                values.put(field.getName(), ((Duration) field.get(null)).toSeconds());
            }
        }
        return values;
    }

    /** Asserts that {@code constants} declares exactly the names and values of the table, no more and no fewer. */
    public static void assertMatches(Class<?> constants, String chapter, String tableId) throws IOException, IllegalAccessException {
        assertEquals(table(chapter, tableId), constantsOf(constants), constants.getSimpleName() + " against " + tableId);
    }
}
