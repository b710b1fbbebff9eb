package dev.hyphae;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads the rows of a registry table of the specification, so that tests can compare code with it. */
public final class RegistryTables {

    private static final Pattern ROW = Pattern.compile("\\|\\s*([0-9]+)\\s*\\|\\s*`([A-Za-z_]+)`\\s*\\|(.*)");

    private RegistryTables() {
    }

    /**
     * The rows with a single numeric value and a name in backticks, of the table whose block id is
     * {@code tableId} in {@code spec/chapters/12-registries.adoc}, as {value, name, rest of the row}.
     */
    public static List<String[]> rows(String tableId) throws IOException {
        Path root = Path.of(System.getProperty("hyphae.root", ".."));
        List<String> lines = Files.readAllLines(root.resolve("spec/chapters/12-registries.adoc"));
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("[#" + tableId + ",")) {
                start = i;
            }
        }
        assertTrue(start >= 0, "table " + tableId + " is where this test expects it");
        List<String[]> rows = new ArrayList<>();
        int delimiters = 0;
        for (int i = start + 1; i < lines.size() && delimiters < 2; i++) {
            String line = lines.get(i);
            if (line.startsWith("|===")) {
                delimiters++;
                continue;
            }
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                rows.add(new String[] {row.group(1), row.group(2), row.group(3)});
            }
        }
        return rows;
    }
}
