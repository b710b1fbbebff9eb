package dev.hyphae;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compares a class of constants with a table of named limits of the specification, such as
 * {@code [[table-framing-limits]]}: rows of the form {@code |`NAME` |value |what it bounds}, whose value
 * starts with an integer ({@code 4194304 (4 MiB)}, or {@code 15 seconds, by default} or {@code 25 milliseconds} for
 * an interval, compared in milliseconds).
 */
public final class LimitTables {

    private static final Pattern NAME = Pattern.compile("`([A-Z][A-Z0-9_]*)`");
    private static final Pattern VALUE = Pattern.compile("([0-9]+)\\b.*");

    private LimitTables() {
    }

    /** The names and values of the table whose anchor is {@code [[tableId]]} in {@code spec/chapters/<chapter>}. */
    public static Map<String, Long> table(String chapter, String tableId) throws IOException {
        Map<String, Long> rows = new TreeMap<>();
        for (String[] row : SpecTables.bodyRows(chapter, tableId, 3)) {
            Matcher name = NAME.matcher(row[0]);
            Matcher value = VALUE.matcher(row[1]);
            if (name.matches() && value.matches()) {
                long number = Long.parseLong(value.group(1));
                boolean seconds = row[1].contains(" second");
                rows.put(name.group(1), seconds ? number * 1000 : number);
            }
        }
        assertTrue(!rows.isEmpty(), "parsed rows of " + tableId);
        return rows;
    }

    /**
     * The public static final integer constants of {@code constants}, by name; a {@link Duration} counts in
     * milliseconds, as {@link #table} counts the intervals of a table.
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
                values.put(field.getName(), ((Duration) field.get(null)).toMillis());
            }
        }
        return values;
    }

    /** Asserts that {@code constants} declares exactly the names and values of the table, no more and no fewer. */
    public static void assertMatches(Class<?> constants, String chapter, String tableId) throws IOException, IllegalAccessException {
        assertEquals(table(chapter, tableId), constantsOf(constants), constants.getSimpleName() + " against " + tableId);
    }
}
