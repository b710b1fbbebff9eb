package dev.hyphae.tools;

import dev.hyphae.crdt.CrdtType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Names the field of every byte of a valid payload in the compact form (specification, "Encoding", section "Compact
 * form"), for the worked example of the specification: a second reading of the grammar, item by item, that trusts
 * its input, which the reference decoder has already accepted.
 */
final class CompactAnnotator {

    private final byte[] bytes;
    private final List<LayoutAnnotator.Region> regions = new ArrayList<>();
    private int at;
    private Long counter;
    private boolean timestamped;

    private CompactAnnotator(byte[] bytes) {
        this.bytes = bytes;
    }

    static List<LayoutAnnotator.Region> annotate(byte[] compact) {
        CompactAnnotator a = new CompactAnnotator(compact);
        int type = (int) a.varint("Type Id: %d, " + name(a.peekVarint()));
        a.store(type, "root store");
        long runs = a.varint("Run Count: %d");
        for (long i = 0; i < runs; i++) {
            long field = a.peekVarint();
            a.varint("Replica Field: " + field + ", " + ((field >>> 1) == 0 ? "the replica before it" : "replica index " + ((field >>> 1) - 1))
                    + ((field & 1) == 0 ? ", Length 1" : ", Length follows"));
            long first = a.counter("First Counter of the context run");
            long length = (field & 1) == 0 ? 1 : a.varint("Length: %d");
            a.counter = first + length - 1;
        }
        return a.regions;
    }

    private static String name(long type) {
        CrdtType t = CrdtType.of((int) type);
        return t == null ? "unknown" : t.specName();
    }

    private void store(int type, String what) {
        long count = varint("Count of the " + what + ": %d");
        int previous = -1;
        for (long i = 0; i < count; i++) {
            switch (CrdtType.of(type)) {
                case GCOUNTER -> {
                    dot();
                    varint("Count Value: %d");
                }
                case PNCOUNTER -> {
                    dot();
                    varint("P: %d");
                    varint("N: %d");
                }
                case LWW_REGISTER -> {
                    dot();
                    if (timestamped) {
                        zigzag("Timestamp: difference %d");
                    } else {
                        varint("Milliseconds: %d");
                        varint("Logical: %d");
                        timestamped = true;
                    }
                    value(-1);
                }
                case MV_REGISTER -> {
                    dot();
                    value(-1);
                }
                case EW_FLAG -> dot();
                case AW_SET -> {
                    previous = value(previous);
                    long dots = varint("Dot Count: %d");
                    for (long j = 0; j < dots; j++) {
                        dot();
                    }
                }
                case OR_MAP -> {
                    previous = value(previous);
                    int valueType = (int) varint("Type Id of the entry: %d, " + name(peekVarint()));
                    store(valueType, "entry's store");
                }
            }
        }
    }

    private void dot() {
        varint("Replica Index of the dot: %d");
        counter = counter("Counter of the dot");
    }

    private long counter(String what) {
        long value;
        if (counter == null) {
            value = varint(what + ": %d");
        } else {
            long difference = peekZigzag();
            value = counter + difference;
            zigzag(what + ": difference %d, counter " + Long.toUnsignedString(value));
        }
        return value;
    }

    /** A Value, after a value of kind {@code previous} in its sequence (-1 if none); returns its kind. */
    private int value(int previous) {
        long head = peekVarint();
        int kind = (int) (head & 7);
        long suffix = head >>> 3;
        String[] kinds = {"null", "false", "true", "int64", "float64", "string", "bytes"};
        varint("Value Head: %d, kind " + kind + " (" + kinds[kind] + ")" + (kind >= 5 ? ", Suffix of " + suffix + " bytes" : ""));
        switch (kind) {
            case 3 -> zigzag("int64: %d");
            case 4 -> {
                long bits = 0;
                for (int i = 0; i < 8; i++) {
                    bits |= (long) (bytes[at + i] & 0xFF) << (8 * i);
                }
                region(8, "float64: " + Double.longBitsToDouble(bits) + ", bit pattern " + String.format("%016x", bits));
            }
            case 5, 6 -> {
                if (previous == kind) {
                    varint("Shared Length: %d");
                }
                String text = kind == 5 ? "\"" + new String(bytes, at, (int) suffix, StandardCharsets.UTF_8) + "\""
                        : HexFormat.of().formatHex(bytes, at, at + (int) suffix);
                region((int) suffix, "Suffix: " + text);
            }
            default -> {
            }
        }
        return kind;
    }

    private long peekVarint() {
        long value = 0;
        for (int i = 0, p = at; ; i++, p++) {
            value |= (long) (bytes[p] & 0x7F) << (7 * i);
            if ((bytes[p] & 0x80) == 0) {
                return value;
            }
        }
    }

    private int varintLength() {
        int n = 1;
        while ((bytes[at + n - 1] & 0x80) != 0) {
            n++;
        }
        return n;
    }

    private long peekZigzag() {
        long u = peekVarint();
        return (u >>> 1) ^ -(u & 1);
    }

    private long varint(String label) {
        long value = peekVarint();
        region(varintLength(), String.format(label, value));
        return value;
    }

    private long zigzag(String label) {
        long value = peekZigzag();
        region(varintLength(), label.contains("%d") ? String.format(label, value) : label);
        return value;
    }

    private void region(int length, String label) {
        regions.add(new LayoutAnnotator.Region(at, at + length, label));
        at += length;
    }
}
