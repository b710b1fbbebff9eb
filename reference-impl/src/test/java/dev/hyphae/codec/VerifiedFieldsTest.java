package dev.hyphae.codec;

import dev.hyphae.SpecTables;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The specification's tables of the fields that verification checks (chapter "Encoding" for payloads, chapter
 * "Session" for session messages) list every field of their schema file, each with the kind and element size that
 * {@link Schema} gives it. The decoders verify by these {@link Field}s, so the tables, the schema and the decoders
 * cannot drift apart.
 */
class VerifiedFieldsTest {

    private static final Path ROOT = Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath().normalize();
    private static final Pattern BACKTICKED = Pattern.compile("`(\\w+)`");
    private static final Pattern SCALAR = Pattern.compile("scalar, (\\d+) bytes?");

    @Test
    @Requirement({"HY-ENC-013", "HY-ENC-014"})
    void thePayloadTableAgreesWithTheSchema() throws Exception {
        check("04-encoding.adoc", "table-verified-fields", "payload.fbs");
    }

    @Test
    @Requirement("HY-SESS-003")
    void theSessionTableAgreesWithTheSchema() throws Exception {
        check("08-session.adoc", "table-session-verified-fields", "session.fbs");
    }

    private static void check(String chapter, String tableId, String schemaFile) throws Exception {
        Set<String> listed = new TreeSet<>();
        for (String[] row : SpecTables.bodyRows(chapter, tableId, 5)) {
            for (String table : backticked(row[0])) {
                for (String name : backticked(row[1])) {
                    Field field = field(table, name);
                    listed.add(field.toString());
                    assertEquals(kind(row[2], row[3]), describe(field), tableId + ": " + field);
                }
            }
        }
        Set<String> declared = new TreeSet<>();
        SchemaGenerator.Parsed schema = SchemaGenerator.parse(ROOT.resolve("spec/schema"));
        for (SchemaGenerator.Table table : schema.tables()) {
            if (table.file().equals(schemaFile)) {
                SchemaGenerator.resolve(schema, table).forEach(f -> declared.add(f.toString()));
            }
        }
        assertEquals(declared, listed, tableId + " lists every field of " + schemaFile + " and no other");
    }

    /** A field as the specification's Kind and Element size columns describe it. */
    private static String describe(Field field) {
        return switch (field.kind()) {
            case SCALAR -> "scalar, " + field.size();
            case STRING -> "string, " + field.size();
            case VECTOR -> "vector, " + field.size();
            case VECTOR_OF_TABLES -> "vector of tables of " + field.fields() + " fields, " + field.size();
            case TABLE -> "table of " + field.fields() + " fields";
            case UNION -> "union";
            case STRUCT -> "struct";
        };
    }

    private static String kind(String kind, String elementSize) throws ReflectiveOperationException {
        Matcher scalar = SCALAR.matcher(kind);
        if (scalar.matches()) {
            return "scalar, " + scalar.group(1);
        }
        if (kind.equals("string") || kind.equals("vector")) {
            return kind + ", " + elementSize;
        }
        if (kind.startsWith("table of the type that")) {
            return "union";
        }
        if (kind.startsWith("vector of tables ")) {
            return "vector of tables of " + fieldsOf(backticked(kind).get(0)) + " fields, " + elementSize;
        }
        if (kind.startsWith("table ")) {
            return "table of " + fieldsOf(backticked(kind).get(0)) + " fields";
        }
        throw new AssertionError("a kind this test does not know: " + kind);
    }

    private static Class<?> table(String name) {
        return Arrays.stream(Schema.class.getDeclaredClasses()).filter(c -> c.getSimpleName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("the schema has no table " + name));
    }

    private static int fieldsOf(String table) throws ReflectiveOperationException {
        return table(table).getField("FIELDS").getInt(null);
    }

    private static Field field(String table, String name) throws ReflectiveOperationException {
        try {
            return (Field) table(table).getField(name.toUpperCase(Locale.ROOT)).get(null);
        } catch (NoSuchFieldException e) {
            throw new AssertionError("the schema's table " + table + " has no field " + name, e);
        }
    }

    private static List<String> backticked(String cell) {
        List<String> names = new ArrayList<>();
        Matcher m = BACKTICKED.matcher(cell);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
