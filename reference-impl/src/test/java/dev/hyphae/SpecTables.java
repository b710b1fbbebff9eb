package dev.hyphae;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads a table of the specification's AsciiDoc, so that a test can compare code with the table itself: the table
 * whose anchor is {@code [[tableId]]} in {@code spec/chapters/<chapter>}, between its two {@code |===} lines, with
 * its header row (the first row) left out. Each row is one line, {@code |a |b |c}; a table whose rows span several
 * lines fails the caller's count of cells.
 */
public final class SpecTables {

    private SpecTables() {
    }

    /** The file of a chapter of the specification, from the repository root ({@code hyphae.root}, or the parent). */
    public static Path chapter(String chapter) {
        return Path.of(System.getProperty("hyphae.root", "..")).resolve("spec/chapters").resolve(chapter);
    }

    /** The body rows of the table {@code tableId} in {@code chapter}, each as exactly {@code cells} trimmed cells. */
    public static List<String[]> bodyRows(String chapter, String tableId, int cells) throws IOException {
        String text = Files.readString(chapter(chapter));
        int at = text.indexOf("[[" + tableId + "]]");
        assertTrue(at >= 0, chapter + " has no table " + tableId);
        int start = text.indexOf("|===", at);
        int end = text.indexOf("|===", start + 4);
        assertTrue(start >= 0 && end > start, "table " + tableId + " of " + chapter + " has its two |=== lines");
        List<String[]> rows = new ArrayList<>();
        boolean header = true;
        for (String line : text.substring(start + 4, end).split("\n")) {
            if (!line.startsWith("|")) {
                continue;
            }
            if (header) {
                header = false;
                continue;
            }
            String[] row = Arrays.stream(line.substring(1).split("\\|", -1)).map(String::strip).toArray(String[]::new);
            assertEquals(cells, row.length, "a row of " + cells + " cells in " + tableId + ": " + line);
            rows.add(row);
        }
        assertTrue(!rows.isEmpty(), "table " + tableId + " of " + chapter + " has rows");
        return rows;
    }
}
