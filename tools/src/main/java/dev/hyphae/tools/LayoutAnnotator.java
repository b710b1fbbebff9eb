package dev.hyphae.tools;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Labels every byte of a valid payload with the field it belongs to: the root offset, the file identifier,
 * each table, vtable and vector, and the decoded contents of the packed columns. Used to generate the
 * annotated examples of the specification; it reads only payloads the reference codec has already accepted.
 */
final class LayoutAnnotator {

    /** Bytes [start, end) and what they are. */
    record Region(int start, int end, String label) {
    }

    private enum Kind { BYTES, VARINTS, ZIGZAG, RUNS3, PAIRS, FLOATS, FRONT_CODED_STRINGS, FRONT_CODED_BYTES, REPLICAS, TABLE, TABLES }

    private record Field(String name, int id, Kind kind, String table) {
    }

    private static final HexFormat HEX = HexFormat.of();

    private static final List<Field> PAYLOAD = List.of(
            new Field("replicas", 0, Kind.REPLICAS, null), new Field("context", 1, Kind.TABLE, "Context"),
            new Field("root", 2, Kind.TABLE, "Batch"));
    private static final List<Field> CONTEXT = List.of(
            new Field("version_vector", 0, Kind.PAIRS, null), new Field("cloud", 1, Kind.RUNS3, null));
    private static final List<Field> BATCH = List.of(
            new Field("sizes", 2, Kind.VARINTS, null), new Field("dots", 3, Kind.RUNS3, null),
            new Field("dot_counts", 4, Kind.VARINTS, null), new Field("counts", 5, Kind.VARINTS, null),
            new Field("decrements", 6, Kind.VARINTS, null), new Field("timestamps", 7, Kind.ZIGZAG, null),
            new Field("values", 8, Kind.TABLE, "Values"), new Field("types", 9, Kind.PAIRS, null),
            new Field("children", 10, Kind.TABLES, "Batch"), new Field("opaque", 11, Kind.TABLES, "Opaque"));
    private static final List<Field> VALUES = List.of(
            new Field("kinds", 0, Kind.PAIRS, null), new Field("ints", 1, Kind.ZIGZAG, null),
            new Field("floats", 2, Kind.FLOATS, null), new Field("strings", 3, Kind.FRONT_CODED_STRINGS, null),
            new Field("bytes", 4, Kind.FRONT_CODED_BYTES, null));
    private static final List<Field> OPAQUE = List.of(new Field("data", 0, Kind.BYTES, null));

    private final ByteBuffer buffer;
    private final TreeMap<Integer, Region> regions = new TreeMap<>();
    private final Set<Integer> vtables = new HashSet<>();

    private LayoutAnnotator(byte[] payload) {
        this.buffer = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The regions of {@code payload}, in order, covering every byte (gaps are labelled padding). */
    static List<Region> annotate(byte[] payload) {
        LayoutAnnotator a = new LayoutAnnotator(payload);
        int root = a.buffer.getInt(0);
        a.add(0, 4, String.format("root offset: Payload table at 0x%04x", root));
        a.add(4, 8, "file identifier \"HYP1\"");
        a.table(root, "Payload");
        List<Region> all = new ArrayList<>();
        int at = 0;
        for (Region r : a.regions.values()) {
            if (r.start() > at) {
                all.add(new Region(at, r.start(), "padding"));
            }
            all.add(r);
            at = Math.max(at, r.end());
        }
        if (at < payload.length) {
            all.add(new Region(at, payload.length, "padding"));
        }
        return all;
    }

    private void add(int start, int end, String label) {
        if (end > start) {
            regions.put(start, new Region(start, end, label));
        }
    }

    private List<Field> schema(String table) {
        return switch (table) {
            case "Payload" -> PAYLOAD;
            case "Context" -> CONTEXT;
            case "Batch" -> BATCH;
            case "Values" -> VALUES;
            default -> OPAQUE;
        };
    }

    private int fieldOffset(int vtable, int id) {
        int size = Short.toUnsignedInt(buffer.getShort(vtable));
        return 4 + 2 * id < size ? Short.toUnsignedInt(buffer.getShort(vtable + 4 + 2 * id)) : 0;
    }

    private void table(int table, String name) {
        int vtable = table - buffer.getInt(table);
        add(table, table + 4, String.format("%s table; its vtable is at 0x%04x", name, vtable));
        int vtableSize = Short.toUnsignedInt(buffer.getShort(vtable));
        if (vtables.add(vtable)) {
            List<String> offsets = new ArrayList<>();
            for (int id = 0; 4 + 2 * id < vtableSize; id++) {
                offsets.add(Integer.toString(fieldOffset(vtable, id)));
            }
            add(vtable, vtable + vtableSize, String.format("vtable: %d bytes; table %d bytes; field offsets %s",
                    vtableSize, Short.toUnsignedInt(buffer.getShort(vtable + 2)), String.join(", ", offsets)));
        }
        if (name.equals("Batch")) {
            int type = fieldOffset(vtable, 0);
            if (type != 0) {
                add(table + type, table + type + 2, "Batch.type = " + Short.toUnsignedInt(buffer.getShort(table + type)));
            }
            int count = fieldOffset(vtable, 1);
            if (count != 0) {
                add(table + count, table + count + 4, "Batch.count = " + Integer.toUnsignedLong(buffer.getInt(table + count)));
            }
        }
        for (Field field : schema(name)) {
            int offset = fieldOffset(vtable, field.id());
            if (offset == 0) {
                continue;
            }
            int at = table + offset;
            int target = at + buffer.getInt(at);
            add(at, at + 4, String.format("%s.%s: offset to 0x%04x", name, field.name(), target));
            if (field.kind() == Kind.TABLE) {
                table(target, field.table());
            } else {
                vector(target, name + "." + field.name(), field);
            }
        }
    }

    private void vector(int vector, String name, Field field) {
        int n = buffer.getInt(vector);
        int elementSize = field.kind() == Kind.FLOATS ? 8 : field.kind() == Kind.TABLES ? 4 : 1;
        add(vector, vector + 4, String.format("%s: %d %s", name, n, elementSize == 1 ? "bytes" : "elements"));
        int start = vector + 4;
        int end = start + n * elementSize;
        switch (field.kind()) {
            case TABLES -> {
                for (int i = 0; i < n; i++) {
                    int at = start + 4 * i;
                    int target = at + buffer.getInt(at);
                    add(at, at + 4, String.format("%s[%d]: offset to 0x%04x", name, i, target));
                    table(target, field.table());
                }
            }
            case REPLICAS -> {
                for (int i = 0; i < n / 16; i++) {
                    add(start + 16 * i, start + 16 * i + 16, "replica " + i + ": " + hex(start + 16 * i, 16));
                }
            }
            case FLOATS -> {
                for (int i = 0; i < n; i++) {
                    long bits = buffer.getLong(start + 8 * i);
                    add(start + 8 * i, start + 8 * i + 8, String.format("float64 %s (bits %016x)", Double.longBitsToDouble(bits), bits));
                }
            }
            default -> add(start, end, describe(field.kind(), start, end));
        }
    }

    private String hex(int start, int length) {
        byte[] bytes = new byte[length];
        buffer.get(start, bytes);
        return HEX.formatHex(bytes);
    }

    private String describe(Kind kind, int start, int end) {
        List<Long> varints = new ArrayList<>();
        if (kind == Kind.BYTES) {
            return "data: " + hex(start, end - start);
        }
        if (kind == Kind.FRONT_CODED_STRINGS || kind == Kind.FRONT_CODED_BYTES) {
            List<String> items = new ArrayList<>();
            int at = start;
            while (at < end) {
                long[] shared = varint(at);
                long[] suffix = varint((int) shared[1]);
                int from = (int) suffix[1];
                byte[] bytes = new byte[(int) suffix[0]];
                buffer.get(from, bytes);
                String text = kind == Kind.FRONT_CODED_STRINGS ? "\"" + new String(bytes, StandardCharsets.UTF_8) + "\"" : "0x" + HEX.formatHex(bytes);
                items.add("(" + shared[0] + ", " + suffix[0] + ", " + text + ")");
                at = from + bytes.length;
            }
            return "front-coded (shared, length, suffix): " + String.join(" ", items);
        }
        int at = start;
        while (at < end) {
            long[] v = varint(at);
            varints.add(v[0]);
            at = (int) v[1];
        }
        List<String> shown = new ArrayList<>();
        switch (kind) {
            case ZIGZAG -> varints.forEach(v -> shown.add(Long.toString((v >>> 1) ^ -(v & 1))));
            case RUNS3 -> {
                for (int i = 0; i + 2 < varints.size(); i += 3) {
                    shown.add("(" + varints.get(i) + ", " + Long.toUnsignedString(varints.get(i + 1)) + ", " + varints.get(i + 2) + ")");
                }
                return "runs (replica, first counter, length): " + String.join(" ", shown);
            }
            case PAIRS -> {
                for (int i = 0; i + 1 < varints.size(); i += 2) {
                    shown.add("(" + varints.get(i) + ", " + Long.toUnsignedString(varints.get(i + 1)) + ")");
                }
                return "pairs: " + String.join(" ", shown);
            }
            default -> varints.forEach(v -> shown.add(Long.toUnsignedString(v)));
        }
        return (kind == Kind.ZIGZAG ? "zigzag varints: " : "varints: ") + String.join(" ", shown);
    }

    /** {value, position after it}. */
    private long[] varint(int at) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            int b = buffer.get(at++) & 0xff;
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return new long[] {value, at};
            }
        }
    }
}
