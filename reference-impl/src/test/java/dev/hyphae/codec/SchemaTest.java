package dev.hyphae.codec;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link Schema}, from which every decoder takes its field ids, sizes and table sizes, is what the normative schema
 * says: it is exactly what {@link SchemaGenerator} makes of {@code spec/schema/*.fbs}, and every table and field in
 * it agrees with the code flatc generated from the same files (which {@code GeneratedCodeTest} ties to flatc
 * 2.0.8 wherever it is installed). Neither check needs flatc. With {@code -Dhyphae.regenerate=true} the first
 * writes the file instead.
 */
class SchemaTest {

    private static final Path ROOT = Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath().normalize();
    private static final Path FLATC_OUTPUT = ROOT.resolve("reference-impl/src/generated/java/hyphae/v1");

    @Test
    void schemaClassIsWhatTheGeneratorMakesOfTheSchema() throws Exception {
        String generated = SchemaGenerator.render(SchemaGenerator.parse(ROOT.resolve("spec/schema")));
        Path committed = ROOT.resolve(SchemaGenerator.OUTPUT);
        if (Boolean.getBoolean("hyphae.regenerate")) {
            Files.writeString(committed, generated, StandardCharsets.UTF_8);
        }
        assertEquals(generated, Files.exists(committed) ? Files.readString(committed, StandardCharsets.UTF_8) : "",
                SchemaGenerator.OUTPUT + " is out of date: regenerate it with "
                        + "./mvnw -pl reference-impl -am test -Dtest=SchemaTest -Dsurefire.failIfNoSpecifiedTests=false -Dhyphae.regenerate=true");
    }

    @Test
    void everyTableAndFieldAgreesWithWhatFlatcGenerated() throws Exception {
        assertEquals(describe(flatcTables()), describe(schemaTables()),
                "dev.hyphae.codec.Schema and flatc's classes in hyphae.v1 read spec/schema differently");
    }

    /** One line per table and per field, so that a failure shows the disagreeing lines. */
    private static String describe(Map<String, List<Field>> tables) {
        StringBuilder out = new StringBuilder();
        tables.forEach((table, fields) -> {
            out.append(table).append('\n');
            for (Field f : fields) {
                out.append("  ").append(f.name()).append(" id ").append(f.id()).append(' ').append(f.kind())
                        .append(" size ").append(f.size()).append(" alignment ").append(f.alignment())
                        .append(" fields ").append(f.fields()).append('\n');
            }
        });
        return out.toString();
    }

    /** The committed {@link Schema}: per table, its {@code FIELDS} as the first entry's id count, then its fields. */
    private static Map<String, List<Field>> schemaTables() throws ReflectiveOperationException {
        Map<String, List<Field>> tables = new TreeMap<>();
        for (Class<?> table : Schema.class.getDeclaredClasses()) {
            List<Field> fields = new ArrayList<>();
            fields.add(Field.scalar(table.getSimpleName(), "(table)", table.getField("FIELDS").getInt(null), 0));
            for (java.lang.reflect.Field constant : table.getDeclaredFields()) {
                if (Modifier.isStatic(constant.getModifiers()) && constant.getType() == Field.class) {
                    fields.add((Field) constant.get(null));
                }
            }
            fields.sort((a, b) -> a.name().equals("(table)") ? -1 : b.name().equals("(table)") ? 1 : Integer.compare(a.id(), b.id()));
            tables.put(table.getSimpleName(), fields);
        }
        return tables;
    }

    private static final Pattern START_TABLE = Pattern.compile("builder\\.startTable\\((\\d+)\\)");
    private static final Pattern ADD = Pattern.compile(
            "public static void add(\\w+)\\(FlatBufferBuilder builder, \\w+ \\w+\\) \\{ builder\\.add(\\w+)\\((\\d+),");
    private static final Pattern START_VECTOR = Pattern.compile(
            "public static void start(\\w+)Vector\\(FlatBufferBuilder builder, int numElems\\) \\{ builder\\.startVector\\((\\d+), numElems, \\d+\\)");
    private static final Pattern ACCESSOR = Pattern.compile("public [\\w.]+ \\w+\\(([\\w.]*)(?: obj)?[^)]*\\) \\{ int o = __offset\\((\\d+)\\);.*");
    private static final Pattern STRUCT_PREP = Pattern.compile("builder\\.prep\\((\\d+), (\\d+)\\)");

    /**
     * The tables as flatc's Java output has them: the field count from {@code startTable}, each field's id from its
     * {@code addX} method, its size from the builder call that stores it or from {@code startXVector}, and its kind
     * from how the accessors at its vtable entry read it.
     */
    private static Map<String, List<Field>> flatcTables() throws Exception {
        Map<String, String> sources = new TreeMap<>();
        try (Stream<Path> files = Files.list(FLATC_OUTPUT)) {
            for (Path file : files.toList()) {
                sources.put(file.getFileName().toString().replace(".java", ""), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        Map<String, List<Field>> tables = new TreeMap<>();
        for (Map.Entry<String, String> source : sources.entrySet()) {
            String table = source.getKey();
            String java = source.getValue();
            if (!java.contains(" extends Table {")) {
                continue;
            }
            List<Field> fields = new ArrayList<>();
            fields.add(Field.scalar(table, "(table)", slots(java), 0));
            Matcher add = ADD.matcher(java);
            while (add.find()) {
                String camel = add.group(1);
                String name = camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
                int id = Integer.parseInt(add.group(3));
                fields.add(switch (add.group(2)) {
                    case "Boolean", "Byte" -> Field.scalar(table, name, id, 1);
                    case "Short" -> Field.scalar(table, name, id, 2);
                    case "Int", "Float" -> Field.scalar(table, name, id, 4);
                    case "Long", "Double" -> Field.scalar(table, name, id, 8);
                    case "Struct" -> struct(table, name, id, java, sources);
                    case "Offset" -> offset(table, name, id, camel, java, sources);
                    default -> throw new IllegalStateException(table + ": builder.add" + add.group(2));
                });
            }
            tables.put(table, fields);
        }
        return tables;
    }

    private static int slots(String java) {
        Matcher m = START_TABLE.matcher(java);
        if (!m.find()) {
            throw new IllegalStateException("no startTable in a table class");
        }
        return Integer.parseInt(m.group(1));
    }

    /** The accessor lines that read vtable entry {@code 4 + 2 * id}, joined. */
    private static String accessors(String java, int id) {
        StringBuilder out = new StringBuilder();
        for (String line : java.split("\n")) {
            Matcher m = ACCESSOR.matcher(line.strip());
            if (m.matches() && Integer.parseInt(m.group(2)) == 4 + 2 * id) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    private static Field struct(String table, String name, int id, String java, Map<String, String> sources) {
        Matcher type = Pattern.compile("public ([\\w.]+) " + camelLower(name) + "\\(\\1 obj\\)").matcher(java);
        if (!type.find()) {
            throw new IllegalStateException(table + "." + name + ": no struct accessor");
        }
        Matcher prep = STRUCT_PREP.matcher(sources.get(type.group(1).replace("hyphae.v1.", "")));
        if (!prep.find()) {
            throw new IllegalStateException(type.group(1) + ": no prep");
        }
        return Field.struct(table, name, id, Integer.parseInt(prep.group(2)), Integer.parseInt(prep.group(1)));
    }

    private static Field offset(String table, String name, int id, String camel, String java, Map<String, String> sources) {
        String read = accessors(java, id);
        if (read.contains("__union(")) {
            return Field.union(table, name, id);
        }
        if (read.contains("__string(o + bb_pos)")) {
            return Field.string(table, name, id);
        }
        Matcher target = Pattern.compile("obj\\.__assign\\(__indirect\\((__vector\\(o\\) \\+ j \\* 4|o \\+ bb_pos)\\)").matcher(read);
        Matcher objType = Pattern.compile("public ([\\w.]+) \\w+\\(\\1 obj").matcher(read);
        if (target.find() && objType.find()) {
            int fields = slots(sources.get(objType.group(1).replace("hyphae.v1.", "")));
            return target.group(1).startsWith("__vector") ? Field.vectorOfTables(table, name, id, fields) : Field.table(table, name, id, fields);
        }
        Matcher vector = START_VECTOR.matcher(java);
        while (vector.find()) {
            if (vector.group(1).equals(camel)) {
                return Field.vector(table, name, id, Integer.parseInt(vector.group(2)));
            }
        }
        throw new IllegalStateException(table + "." + name + ": an offset field of no kind this test knows");
    }

    private static String camelLower(String snake) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }
}
