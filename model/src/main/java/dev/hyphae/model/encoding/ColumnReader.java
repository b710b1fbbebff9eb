package dev.hyphae.model.encoding;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads one packed column (section "Packed columns") from its first byte to its last: varints, zigzag varints,
 * front-coded strings. Every refusal is of the decode phase.
 */
final class ColumnReader {

    private final byte[] buffer;
    private final String name;
    private int position;
    private final int end;
    /** The requirements that a refusal of a varint, of an item cut short and of bytes after the last item applies. */
    private final String[] varintRules;
    private final String[] shortRules;
    private final String[] trailingRules;

    /** The column of {@code length} bytes at {@code start}; an absent column is empty. */
    ColumnReader(byte[] buffer, String name, int start, int length) {
        this(buffer, name, start, length, new String[] {"HY-ENC-019"}, new String[] {"HY-ENC-019", "HY-ENC-022"},
                new String[] {"HY-ENC-024"});
    }

    private ColumnReader(byte[] buffer, String name, int start, int length, String[] varintRules, String[] shortRules,
                         String[] trailingRules) {
        this.buffer = buffer;
        this.name = name;
        this.position = start;
        this.end = start + length;
        this.varintRules = varintRules;
        this.shortRules = shortRules;
        this.trailingRules = trailingRules;
    }

    /** A payload in the compact form, read as one column, whose refusals apply the compact form's rules (HY-ENC-065, HY-ENC-066). */
    static ColumnReader compact(byte[] buffer) {
        return new ColumnReader(buffer, "compact payload", 0, buffer.length, new String[] {"HY-ENC-065", "HY-ENC-019"},
                new String[] {"HY-ENC-066"}, new String[] {"HY-ENC-066"});
    }

    static ColumnReader empty(String name) {
        return new ColumnReader(new byte[0], name, 0, 0);
    }

    boolean atEnd() {
        return position == end;
    }

    /** HY-ENC-024: every byte of a column belongs to an item. */
    void requireEnd() throws Malformed {
        if (position != end) {
            throw Malformed.decode("the column " + name + " holds bytes after its last item", trailingRules);
        }
    }

    int readByte() throws Malformed {
        if (position >= end) {
            throw Malformed.decode("the column " + name + " ends inside an item", shortRules);
        }
        return buffer[position++] & 0xFF;
    }

    /** A varint (HY-ENC-019): at most 10 bytes, at most 64 bits, minimal. */
    long varint() throws Malformed {
        long value = 0;
        for (int i = 0; i < 10; i++) {
            int b = readByte();
            if (i == 9 && b > 0x01) {
                throw Malformed.decode("a varint of the column " + name + " has more than 64 bits or more than 10 bytes", varintRules);
            }
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw Malformed.decode("a varint of the column " + name + " is not minimal", varintRules);
                }
                return value;
            }
        }
        throw new AssertionError("unreachable: the tenth byte ends the varint or is refused");
    }

    /** A varint with a maximum (HY-ENC-021), compared as unsigned. */
    long varint(long max, String what) throws Malformed {
        return varint(max, what, null);
    }

    /**
     * A varint with a maximum (HY-ENC-021), compared as unsigned, where {@code rule}, if not null, is the requirement
     * that sets the maximum: the one that a value above it breaks.
     */
    long varint(long max, String what, String rule) throws Malformed {
        long value = varint();
        if (Long.compareUnsigned(value, max) > 0) {
            List<String> rules = new ArrayList<>();
            if (rule != null) {
                rules.add(rule);
            }
            rules.addAll(name.equals("compact payload") ? List.of(varintRules) : List.of("HY-ENC-021"));
            throw Malformed.decode(what + " " + Long.toUnsignedString(value) + " is above its maximum " + Long.toUnsignedString(max)
                    + " in the column " + name, rules.toArray(String[]::new));
        }
        return value;
    }

    /**
     * A repeat-coded column of {@code n} varints (section "Repeat coding"), as unsigned values: an item equal to the
     * item before it, when that item does not end a repeat, is followed by a Count, with the maximum of the values
     * left (HY-ENC-082), of further repeats; an item equal to the value of a run that a Count has just ended is
     * refused, as the run is not maximal (HY-ENC-083). {@code n} is a count already checked against its limit.
     */
    long[] repeatCoded(long n) throws Malformed {
        long[] values = new long[(int) n];
        int read = 0;
        boolean afterCount = false;
        while (read < n) {
            long item = varint();
            if (read > 0 && item == values[read - 1]) {
                if (afterCount) {
                    throw Malformed.decode("a run of the column " + name + " goes on after its Count", "HY-ENC-083");
                }
                values[read++] = item;
                long count = varint(n - read, "a repeat Count", "HY-ENC-082");
                for (long k = 0; k < count; k++) {
                    values[read++] = item;
                }
                afterCount = true;
            } else {
                values[read++] = item;
                afterCount = false;
            }
        }
        return values;
    }

    /** A zigzag varint: unzigzag(u) = (u >>> 1) XOR -(u AND 1). */
    long zigzag() throws Malformed {
        long u = varint();
        return (u >>> 1) ^ -(u & 1);
    }

    /**
     * A front-coded string (HY-ENC-022): Shared Length, at most the length of {@code previous}; Suffix Length, at
     * most {@code limit}; their sum at most {@code limit}; a suffix inside the column.
     */
    byte[] frontCoded(byte[] previous, int limit) throws Malformed {
        long shared = varint(previous.length, "a shared length", "HY-ENC-022");
        long suffix = varint(limit, "a suffix length", "HY-ENC-022");
        if (shared + suffix > limit) {
            throw Malformed.decode("a string of the column " + name + " is longer than its limit " + limit, "HY-ENC-022");
        }
        if (suffix > end - position) {
            throw Malformed.decode("a suffix runs past the end of the column " + name, "HY-ENC-022");
        }
        byte[] string = new byte[(int) (shared + suffix)];
        System.arraycopy(previous, 0, string, 0, (int) shared);
        System.arraycopy(buffer, position, string, (int) shared, (int) suffix);
        position += (int) suffix;
        return string;
    }
}
