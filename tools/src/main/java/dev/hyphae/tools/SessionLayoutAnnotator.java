package dev.hyphae.tools;

import dev.hyphae.codec.Field;
import dev.hyphae.codec.Schema;

import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Labels every byte of a valid session message ({@code spec/schema/session.fbs}) with what it is, and tells
 * FlatBuffers framing (the root offset, the file identifier, vtables, the offsets of tables and vectors, vector
 * lengths, the zero byte after a string, padding) from data (the values of the fields, the bytes of vectors and
 * strings, the message type). The fields of each table are read from {@link Schema}, which is generated from the
 * schema, so the annotation follows the schema as it changes. It reads only messages that the reference codec has
 * already accepted; a Delta's payload is shown as one region of data (the payload annotators break it down).
 */
final class SessionLayoutAnnotator {

    /** Bytes [start, end), whether they are framing or data, and what they are. */
    record Region(int start, int end, boolean framing, String label) {
        int length() {
            return end - start;
        }
    }

    private static final HexFormat HEX = HexFormat.of();

    private final ByteBuffer buffer;
    private final TreeMap<Integer, Region> regions = new TreeMap<>();
    private final Set<Integer> vtables = new HashSet<>();

    private SessionLayoutAnnotator(byte[] message) {
        this.buffer = ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The regions of {@code message}, in order, covering every byte (gaps are labelled padding). */
    static List<Region> annotate(byte[] message) {
        SessionLayoutAnnotator a = new SessionLayoutAnnotator(message);
        int root = a.buffer.getInt(0);
        a.framing(0, 4, String.format("root offset: SessionMessage table at 0x%04x", root));
        a.framing(4, 8, "file identifier \"" + new String(message, 4, 4, StandardCharsets.US_ASCII) + "\"");
        a.table(root, "SessionMessage");
        List<Region> all = new ArrayList<>();
        int at = 0;
        for (Region r : a.regions.values()) {
            if (r.start() > at) {
                all.add(new Region(at, r.start(), true, "padding"));
            }
            all.add(r);
            at = Math.max(at, r.end());
        }
        if (at < message.length) {
            all.add(new Region(at, message.length, true, "padding"));
        }
        return all;
    }

    /** The bytes of framing among {@code regions}. */
    static int framingBytes(List<Region> regions) {
        return regions.stream().filter(Region::framing).mapToInt(Region::length).sum();
    }

    private void framing(int start, int end, String label) {
        if (end > start) {
            regions.put(start, new Region(start, end, true, label));
        }
    }

    private void data(int start, int end, String label) {
        if (end > start) {
            regions.put(start, new Region(start, end, false, label));
        }
    }

    /** The fields that {@link Schema} declares for {@code table}, by field id. */
    private static List<Field> fields(String table) {
        List<Field> fields = new ArrayList<>();
        try {
            for (java.lang.reflect.Field f : Class.forName(Schema.class.getName() + "$" + table).getDeclaredFields()) {
                if (f.getType() == Field.class && Modifier.isStatic(f.getModifiers())) {
                    fields.add((Field) f.get(null));
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no table " + table + " in the schema", e);
        }
        fields.sort(Comparator.comparingInt(Field::id));
        return fields;
    }

    private int fieldOffset(int vtable, Field field) {
        int size = Short.toUnsignedInt(buffer.getShort(vtable));
        return field.vtableEntry() < size ? Short.toUnsignedInt(buffer.getShort(vtable + field.vtableEntry())) : 0;
    }

    private void table(int table, String name) {
        int vtable = table - buffer.getInt(table);
        int vtableSize = Short.toUnsignedInt(buffer.getShort(vtable));
        framing(table, table + 4, String.format("%s table: offset to its vtable at 0x%04x", name, vtable));
        if (vtables.add(vtable)) {
            List<String> offsets = new ArrayList<>();
            for (int entry = 4; entry < vtableSize; entry += 2) {
                offsets.add(Integer.toString(Short.toUnsignedInt(buffer.getShort(vtable + entry))));
            }
            framing(vtable, vtable + vtableSize, String.format("vtable of %s: %d bytes, table %d bytes, field offsets %s",
                    name, vtableSize, Short.toUnsignedInt(buffer.getShort(vtable + 2)), String.join(", ", offsets)));
        }
        int unionType = 0;
        for (Field field : fields(name)) {
            int offset = fieldOffset(vtable, field);
            if (offset == 0) {
                continue;
            }
            int at = table + offset;
            String qualified = name + "." + field.name();
            switch (field.kind()) {
                case SCALAR -> {
                    long value = switch (field.size()) {
                        case 1 -> Byte.toUnsignedLong(buffer.get(at));
                        case 2 -> Short.toUnsignedLong(buffer.getShort(at));
                        case 4 -> Integer.toUnsignedLong(buffer.getInt(at));
                        default -> buffer.getLong(at);
                    };
                    if (field.name().endsWith("_type")) {
                        unionType = (int) value;
                        data(at, at + field.size(), String.format("%s = %d (%s), %d byte", qualified, value,
                                hyphae.v1.Message.name((int) value), field.size()));
                    } else {
                        data(at, at + field.size(), String.format("%s = %s, %d byte%s", qualified, Long.toUnsignedString(value),
                                field.size(), field.size() == 1 ? "" : "s"));
                    }
                }
                case UNION, TABLE -> {
                    int target = at + buffer.getInt(at);
                    String type = field.kind() == Field.Kind.UNION ? hyphae.v1.Message.name(unionType) : "VersionVector";
                    framing(at, at + 4, String.format("%s: offset to the %s table at 0x%04x", qualified, type, target));
                    table(target, type);
                }
                case STRING, VECTOR -> {
                    int target = at + buffer.getInt(at);
                    framing(at, at + 4, String.format("%s: offset to the %s at 0x%04x", qualified,
                            field.kind() == Field.Kind.STRING ? "string" : "vector", target));
                    vector(target, qualified, field);
                }
                default -> throw new IllegalStateException("no session table has a field of kind " + field.kind());
            }
        }
    }

    private void vector(int vector, String name, Field field) {
        int n = buffer.getInt(vector);
        int start = vector + 4;
        int end = start + n * field.size();
        framing(vector, start, String.format("%s: length %d", name, n));
        if (field.kind() == Field.Kind.STRING) {
            data(start, end, String.format("%s: \"%s\"", name, new String(buffer.array(), start, n, StandardCharsets.UTF_8)));
            framing(end, end + 1, name + ": the zero byte after the string");
        } else if (name.equals("Delta.payload") || name.equals("Delta.compact")) {
            data(start, end, String.format("%s: the CRDT payload, %d bytes", name, n));
        } else if (field.size() == 1) {
            byte[] bytes = new byte[n];
            buffer.get(start, bytes);
            data(start, end, name + ": " + HEX.formatHex(bytes));
        } else {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int at = start + field.size() * i;
                values.add(Long.toUnsignedString(switch (field.size()) {
                    case 2 -> Short.toUnsignedLong(buffer.getShort(at));
                    case 4 -> Integer.toUnsignedLong(buffer.getInt(at));
                    default -> buffer.getLong(at);
                }));
            }
            data(start, end, name + ": " + String.join(", ", values));
        }
    }
}
