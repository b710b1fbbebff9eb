package dev.hyphae.codec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes {@code reference-impl/src/generated/java/dev/hyphae/codec/Schema.java} from {@code spec/schema/*.fbs}:
 * for every table, its number of fields, and for every field its id, kind and size, as {@link Field}s.
 *
 * <p>Why a generator of our own: the decoders verify a buffer before flatc's accessors may read it, and for that
 * they need what flatc's Java output keeps to itself (field ids, element sizes and table sizes appear in it only as
 * literals inside method bodies). Generating them from the schema, rather than typing them, keeps the schema the
 * only source; doing it in plain Java keeps the check running on a machine without flatc. {@code SchemaTest}
 * regenerates and compares on every build, and compares the result with the code flatc generated, so that this
 * small parser and flatc cannot read the schema differently unnoticed.
 *
 * <p>It reads the subset of the FlatBuffers schema language that the Hyphae schemas use (tables whose fields all
 * carry an explicit {@code id}, structs of scalars, unions, enums) and refuses anything else rather than skip it.
 */
final class SchemaGenerator {

    /** The generated file, relative to the repository root. */
    static final String OUTPUT = "reference-impl/src/generated/java/dev/hyphae/codec/Schema.java";

    private static final Map<String, Integer> SCALARS = Map.ofEntries(
            Map.entry("bool", 1), Map.entry("byte", 1), Map.entry("ubyte", 1), Map.entry("int8", 1), Map.entry("uint8", 1),
            Map.entry("short", 2), Map.entry("ushort", 2), Map.entry("int16", 2), Map.entry("uint16", 2),
            Map.entry("int", 4), Map.entry("uint", 4), Map.entry("int32", 4), Map.entry("uint32", 4), Map.entry("float", 4),
            Map.entry("float32", 4), Map.entry("long", 8), Map.entry("ulong", 8), Map.entry("int64", 8),
            Map.entry("uint64", 8), Map.entry("double", 8), Map.entry("float64", 8));

    private static final Pattern DECLARATION = Pattern.compile(
            "\\b(table|struct|union|enum)\\s+(\\w+)\\s*(?::\\s*(\\w+)\\s*)?(?:\\([^)]*\\)\\s*)?\\{([^}]*)}");
    private static final Pattern STATEMENT = Pattern.compile(
            "\\s*(?:namespace\\s+[\\w.]+|file_identifier\\s+\"[^\"]*\"|file_extension\\s+\"[^\"]*\"|root_type\\s+\\w+)\\s*;");
    private static final Pattern FIELD = Pattern.compile(
            "\\s*(\\w+)\\s*:\\s*(\\[\\s*[\\w.]+\\s*]|[\\w.]+)\\s*(?:=\\s*[^;(]+?)?\\s*(?:\\(([^)]*)\\))?\\s*;");
    private static final Pattern ID = Pattern.compile("\\bid\\s*:\\s*(\\d+)");
    private static final Pattern DEPRECATED = Pattern.compile("\\(.*\\bdeprecated\\b.*\\)");

    /** A field as the schema declares it; {@code declaration} is its text, for the generated comment. */
    record Declared(String name, String type, int id, String declaration) {
    }

    /**
     * A table as the schema declares it, in the file {@code file}: its fields, without the deprecated ones, which
     * nobody writes or reads (flatc generates no accessor for them), and its number of vtable slots, which counts
     * them.
     */
    record Table(String file, String name, List<Declared> fields, int slots) {
    }

    /** A struct's size and alignment, laid out as FlatBuffers lays out structs. */
    record Struct(int size, int alignment) {
    }

    /** What the schema files declare, in file order and then declaration order. */
    record Parsed(List<Table> tables, Map<String, Struct> structs, Map<String, Integer> enums, Set<String> unions) {
    }

    private SchemaGenerator() {
    }

    /** Parses every {@code .fbs} file of {@code schemaDir}, in order of file name. */
    static Parsed parse(Path schemaDir) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(schemaDir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".fbs")).sorted().toList();
        }
        List<Table> tables = new ArrayList<>();
        Map<String, Struct> structs = new LinkedHashMap<>();
        Map<String, Integer> enums = new LinkedHashMap<>();
        Set<String> unions = new HashSet<>();
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.UTF_8).replaceAll("//[^\n]*", "");
            Matcher m = DECLARATION.matcher(text);
            StringBuilder rest = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(rest, "");
                String kind = m.group(1);
                String name = m.group(2);
                switch (kind) {
                    case "table" -> {
                        List<Declared> declared = fields(name, m.group(4));
                        int slots = declared.stream().mapToInt(Declared::id).max().orElse(-1) + 1;
                        tables.add(new Table(file.getFileName().toString(), name,
                                declared.stream().filter(f -> !DEPRECATED.matcher(f.declaration()).find()).toList(), slots));
                    }
                    case "struct" -> structs.put(name, layout(name, m.group(4), structs, enums));
                    case "union" -> unions.add(name);
                    default -> enums.put(name, scalarSize(m.group(3), name));
                }
            }
            m.appendTail(rest);
            String leftover = STATEMENT.matcher(rest).replaceAll("").strip();
            if (!leftover.isEmpty()) {
                throw new IllegalArgumentException(file.getFileName() + ": a construct this generator does not read: " + leftover);
            }
        }
        return new Parsed(tables, structs, enums, unions);
    }

    private static List<Declared> fields(String table, String body) {
        List<Declared> fields = new ArrayList<>();
        Matcher m = FIELD.matcher(body);
        int end = 0;
        while (m.region(end, body.length()).lookingAt()) {
            Matcher id = ID.matcher(m.group(3) == null ? "" : m.group(3));
            if (!id.find()) {
                throw new IllegalArgumentException(table + "." + m.group(1) + " has no explicit id; every field of the schema must have one");
            }
            fields.add(new Declared(m.group(1), m.group(2).replaceAll("\\s", ""), Integer.parseInt(id.group(1)),
                    m.group().strip().replaceAll("\\s+", " ").replaceFirst(";$", "")));
            end = m.end();
        }
        if (!body.substring(end).isBlank()) {
            throw new IllegalArgumentException("table " + table + ": cannot read " + body.substring(end).strip());
        }
        return fields;
    }

    private static Struct layout(String struct, String body, Map<String, Struct> structs, Map<String, Integer> enums) {
        int size = 0;
        int alignment = 1;
        Matcher m = FIELD.matcher(body);
        int end = 0;
        while (m.region(end, body.length()).lookingAt()) {
            String type = m.group(2);
            Struct field = structs.containsKey(type) ? structs.get(type)
                    : new Struct(scalarOrEnumSize(type, enums, struct), scalarOrEnumSize(type, enums, struct));
            size = (size + field.alignment() - 1) / field.alignment() * field.alignment() + field.size();
            alignment = Math.max(alignment, field.alignment());
            end = m.end();
        }
        if (!body.substring(end).isBlank()) {
            throw new IllegalArgumentException("struct " + struct + ": cannot read " + body.substring(end).strip());
        }
        return new Struct((size + alignment - 1) / alignment * alignment, alignment);
    }

    private static int scalarSize(String type, String where) {
        Integer size = type == null ? Integer.valueOf(4) : SCALARS.get(type);
        if (size == null) {
            throw new IllegalArgumentException(where + ": not a scalar type: " + type);
        }
        return size;
    }

    private static int scalarOrEnumSize(String type, Map<String, Integer> enums, String where) {
        return enums.containsKey(type) ? enums.get(type) : scalarSize(type, where);
    }

    /** The fields of {@code table} as {@link Field}s, the type field of a union included, in order of id. */
    static List<Field> resolve(Parsed schema, Table table) {
        Map<String, Integer> slots = new LinkedHashMap<>();
        for (Table t : schema.tables()) {
            slots.put(t.name(), slotCount(t));
        }
        List<Field> out = new ArrayList<>();
        for (Declared d : table.fields()) {
            if (DEPRECATED.matcher(d.declaration()).find()) {
                // A deprecated field keeps its slot (slotCount) but has no layout to verify, and flatc no accessor.
                continue;
            }
            String type = d.type();
            String t = table.name();
            if (schema.unions().contains(type)) {
                out.add(Field.scalar(t, d.name() + "_type", d.id() - 1, 1));
                out.add(Field.union(t, d.name(), d.id()));
            } else if (type.equals("string")) {
                out.add(Field.string(t, d.name(), d.id()));
            } else if (type.startsWith("[")) {
                String element = type.substring(1, type.length() - 1);
                if (slots.containsKey(element)) {
                    out.add(Field.vectorOfTables(t, d.name(), d.id(), slots.get(element)));
                } else if (element.equals("string")) {
                    out.add(Field.vector(t, d.name(), d.id(), 4));
                } else if (schema.structs().containsKey(element)) {
                    out.add(Field.vector(t, d.name(), d.id(), schema.structs().get(element).size()));
                } else {
                    out.add(Field.vector(t, d.name(), d.id(), scalarOrEnumSize(element, schema.enums(), t)));
                }
            } else if (slots.containsKey(type)) {
                out.add(Field.table(t, d.name(), d.id(), slots.get(type)));
            } else if (schema.structs().containsKey(type)) {
                Struct s = schema.structs().get(type);
                out.add(Field.struct(t, d.name(), d.id(), s.size(), s.alignment()));
            } else {
                out.add(Field.scalar(t, d.name(), d.id(), scalarOrEnumSize(type, schema.enums(), t)));
            }
        }
        out.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return out;
    }

    /** The number of vtable slots of a table: its largest field id plus one, as flatc's {@code startTable} has it. */
    static int slotCount(Table table) {
        return table.slots();
    }

    /** The generated Java source. */
    static String render(Parsed schema) {
        StringBuilder out = new StringBuilder();
        out.append("// Generated from spec/schema/*.fbs by SchemaGenerator (reference-impl/src/test); do not edit.\n")
                .append("// Regenerate: ./mvnw -pl reference-impl -am test -Dtest=SchemaTest -Dsurefire.failIfNoSpecifiedTests=false -Dhyphae.regenerate=true\n\n")
                .append("package dev.hyphae.codec;\n\n")
                .append("/**\n")
                .append(" * The tables of the normative schema, {@code spec/schema/*.fbs}: for each, the number of fields it declares\n")
                .append(" * and, for each field, its id and what verification needs to know of it. Generated from the schema; the build\n")
                .append(" * fails if this file differs from what the schema gives, or from the code flatc generates.\n")
                .append(" */\n")
                .append("public final class Schema {\n\n")
                .append("    private Schema() {\n    }\n");
        String file = null;
        for (Table table : schema.tables()) {
            if (!table.file().equals(file)) {
                file = table.file();
                out.append("\n    // ---- ").append(file).append(" ").append("-".repeat(Math.max(4, 100 - file.length()))).append("\n");
            }
            out.append("\n    /** {@code table ").append(table.name()).append("} of {@code ").append(file).append("}. */\n")
                    .append("    public static final class ").append(table.name()).append(" {\n\n")
                    .append("        /** The number of fields the table declares; a vtable's later entries belong to later versions. */\n")
                    .append("        public static final int FIELDS = ").append(slotCount(table)).append(";\n");
            Set<String> names = new HashSet<>(Set.of("FIELDS"));
            for (Field f : resolve(schema, table)) {
                String constant = f.name().toUpperCase(Locale.ROOT);
                if (!names.add(constant)) {
                    throw new IllegalArgumentException(f + ": two constants named " + constant);
                }
                Declared declared = table.fields().stream().filter(d -> d.name().equals(f.name())).findFirst().orElse(null);
                out.append(declared == null
                                ? "        /** The type of the union after it (a union takes two ids). */\n"
                                : "        /** {@code " + declared.declaration() + "} */\n")
                        .append("        public static final Field ").append(constant).append(" = ").append(factory(f, declared)).append(";\n");
            }
            out.append("\n        private ").append(table.name()).append("() {\n        }\n    }\n");
        }
        return out.append("}\n").toString();
    }

    private static String factory(Field f, Declared declared) {
        String head = "\"" + f.table() + "\", \"" + f.name() + "\", " + f.id();
        // A table field names the table it refers to, so that its number of fields is read, not repeated.
        String target = declared == null ? "" : declared.type().replaceAll("[\\[\\]]", "") + ".FIELDS";
        return switch (f.kind()) {
            case SCALAR -> "Field.scalar(" + head + ", " + f.size() + ")";
            case STRUCT -> "Field.struct(" + head + ", " + f.size() + ", " + f.alignment() + ")";
            case STRING -> "Field.string(" + head + ")";
            case VECTOR -> "Field.vector(" + head + ", " + f.size() + ")";
            case VECTOR_OF_TABLES -> "Field.vectorOfTables(" + head + ", " + target + ")";
            case TABLE -> "Field.table(" + head + ", " + target + ")";
            case UNION -> "Field.union(" + head + ")";
        };
    }
}
