package dev.hyphae.model.handshake;

import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model's error registry is the specification's table of error codes, code for code and scope for scope. */
class ErrorRegistryTest {

    @Test
    @Requirement("HY-REG-001")
    void theCodesAndScopesAreTheTablesOfTheSpecification() throws IOException {
        Path chapter = Path.of(System.getProperty("hyphae.root", "..")).resolve("spec/chapters/12-registries.adoc");
        List<String> lines = Files.readAllLines(chapter);
        int start = lines.indexOf(lines.stream().filter(l -> l.startsWith("[#error-code-table")).findFirst().orElseThrow());
        Map<Integer, ErrorRegistry.Scope> table = new TreeMap<>();
        int fences = 0;
        for (String line : lines.subList(start, lines.size())) {
            if (line.equals("|===") && ++fences == 2) {
                break;
            }
            String[] cells = line.split("\\|");
            // A row: |code |`NAME` |scope |meaning. The header row and the private-use range have no single code.
            if (cells.length >= 4 && cells[1].strip().matches("\\d+")) {
                table.put(Integer.parseInt(cells[1].strip()), ErrorRegistry.Scope.valueOf(cells[3].strip().toUpperCase(Locale.ROOT)));
            }
        }
        assertTrue(table.size() >= 10, "parsed the table: " + table);
        assertEquals(table, new TreeMap<>(ErrorRegistry.CODES));
    }
}
