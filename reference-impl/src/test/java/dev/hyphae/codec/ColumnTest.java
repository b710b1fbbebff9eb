package dev.hyphae.codec;

import dev.hyphae.SpecTables;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Column} is the specification's table "The columns of each CRDT type" (chapter "Encoding"), read from the
 * chapter itself: each type carries exactly the columns its row names, and the columns are the fields of
 * {@code Batch} in the schema.
 */
class ColumnTest {

    private static final Path CHAPTER = SpecTables.chapter("04-encoding.adoc");

    /** A row's first cell: "1 GCounter", or the row of the types a decoder does not know. */
    private static final Pattern KNOWN_TYPE = Pattern.compile("(\\d+) (\\w+)");
    private static final String UNKNOWN_TYPE = "a type that the decoder does not know";
    /** A column that a row's last cell names: "`counts`: the count of each entry". */
    private static final Pattern NAMED_COLUMN = Pattern.compile("`(\\w+)`:");
    /** The rule of HY-ENC-120, which the table's rows do not repeat: what a batch with no entries carries. */
    private static final String NO_ENTRIES = "a batch with no entries has a present column other than `sizes` and, for "
            + "a CRDT type that the decoder does not know, `opaque`";

    @Test
    void theColumnsAreTheFieldsOfBatchBesidesTypeAndCount() {
        List<Field> fields = new ArrayList<>();
        for (Column column : Column.values()) {
            fields.add(column.field());
        }
        List<Field> batch = new ArrayList<>(List.of(Schema.Batch.SIZES, Schema.Batch.DOTS, Schema.Batch.DOT_COUNTS,
                Schema.Batch.COUNTS, Schema.Batch.DECREMENTS, Schema.Batch.TIMESTAMPS, Schema.Batch.VALUES,
                Schema.Batch.TYPES, Schema.Batch.CHILDREN, Schema.Batch.OPAQUE, Schema.Batch.KEY_INDEXES));
        assertEquals(batch, fields);
        for (int i = 0; i < fields.size(); i++) {
            assertEquals(Column.values()[i].name().toLowerCase(Locale.ROOT), fields.get(i).name());
            assertEquals(Schema.Batch.FIELDS - batch.size() + i, fields.get(i).id(), "columns are in the order of their ids");
        }
    }

    @Test
    @Requirement({"HY-ENC-033", "HY-ENC-120"})
    void eachTypeCarriesTheColumnsOfItsRowInTheSpecification() throws IOException {
        String chapter = Files.readString(CHAPTER);
        assertTrue(chapter.contains("Every CRDT type can use `sizes`."), "the chapter no longer says that every type can use sizes");
        assertTrue(chapter.replaceAll("\\s+", " ").contains(NO_ENTRIES), "the chapter no longer says what a batch with no entries carries");
        List<String[]> rows = SpecTables.bodyRows("04-encoding.adoc", "table-batch-columns", 4);
        Map<String, Column> byName = new HashMap<>();
        for (Column column : Column.values()) {
            byName.put(column.specName(), column);
        }
        Set<String> covered = new TreeSet<>();
        for (String[] row : rows) {
            CrdtType type = type(row[0]);
            covered.add(type == null ? UNKNOWN_TYPE : type.specName());
            Set<Column> withEntries = EnumSet.of(Column.SIZES);
            if (!row[2].startsWith("none")) {
                withEntries.add(Column.DOTS);
            }
            Set<Column> named = EnumSet.noneOf(Column.class);
            Matcher m = NAMED_COLUMN.matcher(row[3]);
            while (m.find()) {
                Column column = byName.get(m.group(1));
                assertTrue(column != null, "the table names a column the schema does not have: " + m.group(1));
                named.add(column);
            }
            withEntries.addAll(named);
            Set<Column> withoutEntries = type == null ? EnumSet.of(Column.SIZES, Column.OPAQUE) : EnumSet.of(Column.SIZES);
            assertEquals(withEntries, Column.carriedBy(type, true), row[0] + ", a batch with entries");
            assertEquals(withoutEntries, Column.carriedBy(type, false), row[0] + ", a batch without entries");
        }
        Set<String> expected = new TreeSet<>();
        Arrays.stream(CrdtType.values()).forEach(t -> expected.add(t.specName()));
        expected.add(UNKNOWN_TYPE);
        assertEquals(expected, covered, "the table has a row for every type of this version and one for the others");
    }

    private static CrdtType type(String cell) {
        if (cell.equals(UNKNOWN_TYPE)) {
            return null;
        }
        Matcher m = KNOWN_TYPE.matcher(cell);
        assertTrue(m.matches(), "a row of an unexpected type: " + cell);
        CrdtType type = CrdtType.of(Integer.parseInt(m.group(1)));
        assertTrue(type != null && type.specName().equals(m.group(2)), "the registry has no type " + cell);
        return type;
    }
}
