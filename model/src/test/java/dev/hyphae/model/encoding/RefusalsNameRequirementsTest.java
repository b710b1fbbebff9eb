package dev.hyphae.model.encoding;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Every refusal of the model names the requirement that it applies, so that a check decided by the model's verdict
 * can name the rule that an implementation broke. {@link Malformed} refuses to be made without one; this test finds,
 * in the model's sources, every place that makes one, so that a refusal on a path no test reaches cannot lack it.
 */
class RefusalsNameRequirementsTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/hyphae/model");
    private static final Pattern REFUSAL = Pattern.compile("Malformed\\.(?:verify|decode)\\(|new Malformed\\(");

    @Test
    void everyRefusalInTheSourcesNamesARequirement() throws IOException {
        List<String> without = new ArrayList<>();
        int refusals = 0;
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                Matcher m = REFUSAL.matcher(text);
                while (m.find()) {
                    int end = m.end();
                    for (int depth = 1; depth > 0; end++) {
                        char c = text.charAt(end);
                        depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                    }
                    String call = text.substring(m.start(), end);
                    if (call.endsWith("(Phase.VERIFY, what, requirements)") || call.endsWith("(Phase.DECODE, what, requirements)")) {
                        continue; // the factories themselves
                    }
                    refusals++;
                    // An id given as a string of its own (not one written inside the message's text), or one of the
                    // fields in which ColumnReader keeps the ids of the rules of its column.
                    if (!call.matches("(?s).*(\"HY-[A-Z][A-Z0-9]{1,11}-[0-9]{3}\"|varintRules|shortRules|trailingRules|rules\\.toArray).*")) {
                        without.add(file.getFileName() + ":" + (text.substring(0, m.start()).lines().count()) + " " + call);
                    }
                }
            }
        }
        assertEquals(List.of(), without);
        assertEquals(true, refusals > 80, "found only " + refusals + " refusals");
    }

    @Test
    void aRefusalWithoutARequirementCannotBeMade() {
        assertThrows(IllegalArgumentException.class, () -> Malformed.decode("something is wrong"));
        assertThrows(IllegalArgumentException.class, () -> Malformed.decode("something is wrong", "ENC-019"));
        Malformed refusal = Malformed.decode("ends inside an item", "HY-ENC-019", "HY-ENC-022");
        assertEquals(List.of("HY-ENC-019", "HY-ENC-022"), refusal.requirements());
        assertEquals("ends inside an item (HY-ENC-019, HY-ENC-022)", refusal.getMessage());
    }
}
