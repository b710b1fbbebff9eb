package dev.hyphae.tools;

import dev.hyphae.codec.Field;
import dev.hyphae.codec.Schema;

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

    private enum Kind { BYTES, VARINTS, ZIGZAG, REPEAT_CODED, REPEAT_CODED_ZIGZAG, RUNS3, PAIRS, FLOAT_PLANES, FRONT_CODED_STRINGS, FRONT_CODED_BYTES,
        REPLICAS, TABLE, TABLES }

    /** How to show an offset field of the schema: its contents, and for a table or tables, which table. */
    private record Shown(Field field, Kind kind, String table) {
        String name() {
            return field.name();
        }
    }

    private static final HexFormat HEX = HexFormat.of();

    private static final List<Shown> PAYLOAD = List.of(
            new Shown(Schema.Payload.REPLICAS, Kind.REPLICAS, null), new Shown(Schema.Payload.CONTEXT, Kind.TABLE, "Context"),
            new Shown(Schema.Payload.ROOT, Kind.TABLE, "Batch"));
    private static final List<Shown> CONTEXT = List.of(
            new Shown(Schema.Context.VERSION_VECTOR, Kind.PAIRS, null), new Shown(Schema.Context.CLOUD, Kind.RUNS3, null));
    private static final List<Shown> BATCH = List.of(
            new Shown(Schema.Batch.SIZES, Kind.VARINTS, null), new Shown(Schema.Batch.DOTS, Kind.RUNS3, null),
            new Shown(Schema.Batch.DOT_COUNTS, Kind.VARINTS, null), new Shown(Schema.Batch.COUNTS, Kind.VARINTS, null),
            new Shown(Schema.Batch.DECREMENTS, Kind.VARINTS, null), new Shown(Schema.Batch.TIMESTAMPS, Kind.REPEAT_CODED_ZIGZAG, null),
            new Shown(Schema.Batch.VALUES, Kind.TABLE, "Values"), new Shown(Schema.Batch.TYPES, Kind.PAIRS, null),
            new Shown(Schema.Batch.CHILDREN, Kind.TABLES, "Batch"), new Shown(Schema.Batch.OPAQUE, Kind.TABLES, "Opaque"),
            new Shown(Schema.Batch.KEY_INDEXES, Kind.REPEAT_CODED, null));
    private static final List<Shown> VALUES = List.of(
            new Shown(Schema.Values.KINDS, Kind.PAIRS, null), new Shown(Schema.Values.INTS, Kind.ZIGZAG, null),
            new Shown(Schema.Values.STRINGS, Kind.FRONT_CODED_STRINGS, null), new Shown(Schema.Values.BYTES, Kind.FRONT_CODED_BYTES, null),
            new Shown(Schema.Values.FLOAT_PLANES, Kind.FLOAT_PLANES, null));
    private static final List<Shown> OPAQUE = List.of(new Shown(Schema.Opaque.DATA, Kind.BYTES, null));

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

    private List<Shown> schema(String table) {
        return switch (table) {
            case "Payload" -> PAYLOAD;
            case "Context" -> CONTEXT;
            case "Batch" -> BATCH;
            case "Values" -> VALUES;
            default -> OPAQUE;
        };
    }

    /** The offset of a field in its table that vtable entry {@code entry} holds, or 0 if the vtable is shorter. */
    private int fieldOffset(int vtable, int entry) {
        int size = Short.toUnsignedInt(buffer.getShort(vtable));
        return entry < size ? Short.toUnsignedInt(buffer.getShort(vtable + entry)) : 0;
    }

    private void table(int table, String name) {
        int vtable = table - buffer.getInt(table);
        add(table, table + 4, String.format("%s table; its vtable is at 0x%04x", name, vtable));
        int vtableSize = Short.toUnsignedInt(buffer.getShort(vtable));
        if (vtables.add(vtable)) {
            List<String> offsets = new ArrayList<>();
            for (int entry = 4; entry < vtableSize; entry += 2) {
                offsets.add(Integer.toString(fieldOffset(vtable, entry)));
            }
            add(vtable, vtable + vtableSize, String.format("vtable: %d bytes; table %d bytes; field offsets %s",
                    vtableSize, Short.toUnsignedInt(buffer.getShort(vtable + 2)), String.join(", ", offsets)));
        }
        if (name.equals("Batch")) {
            int type = fieldOffset(vtable, Schema.Batch.TYPE.vtableEntry());
            if (type != 0) {
                add(table + type, table + type + Schema.Batch.TYPE.size(),
                        "Batch.type = " + Short.toUnsignedInt(buffer.getShort(table + type)));
            }
            int count = fieldOffset(vtable, Schema.Batch.COUNT.vtableEntry());
            if (count != 0) {
                add(table + count, table + count + Schema.Batch.COUNT.size(),
                        "Batch.count = " + Integer.toUnsignedLong(buffer.getInt(table + count)));
            }
        }
        for (Shown field : schema(name)) {
            int offset = fieldOffset(vtable, field.field().vtableEntry());
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

    private void vector(int vector, String name, Shown field) {
        int n = buffer.getInt(vector);
        int elementSize = field.field().size();
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
            case FLOAT_PLANES -> {
                int values = n / 8;
                for (int i = 0; i < 8; i++) {
                    add(start + values * i, start + values * (i + 1),
                            "plane " + i + ": byte " + i + (i == 0 ? ", the most significant," : "") + " of each value");
                }
                List<String> shown = new ArrayList<>();
                for (int j = 0; j < values; j++) {
                    long bits = 0;
                    for (int i = 0; i < 8; i++) {
                        bits = bits << 8 | (buffer.get(start + values * i + j) & 0xff);
                    }
                    shown.add(String.format("%s (bits %016x)", Double.longBitsToDouble(bits), bits));
                }
                add(vector, vector + 4, String.format("%s: %d bytes, the float64 values %s", name, n, String.join(", ", shown)));
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
            case REPEAT_CODED, REPEAT_CODED_ZIGZAG -> {
                // An item equal to the one before, when that one ends no repeat, is followed by a Count.
                Long previous = null;
                boolean afterCount = false;
                for (int i = 0; i < varints.size(); i++) {
                    long v = varints.get(i);
                    String value = kind == Kind.REPEAT_CODED ? Long.toUnsignedString(v) : Long.toString((v >>> 1) ^ -(v & 1));
                    if (previous != null && !afterCount && v == previous && i + 1 < varints.size()) {
                        shown.add(value + " (Count " + varints.get(++i) + ")");
                        afterCount = true;
                    } else {
                        shown.add(value);
                        afterCount = false;
                    }
                    previous = v;
                }
                return (kind == Kind.REPEAT_CODED ? "repeat-coded varints: " : "repeat-coded zigzag varints: ") + String.join(" ", shown);
            }
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
