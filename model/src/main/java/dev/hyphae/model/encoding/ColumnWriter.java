package dev.hyphae.model.encoding;

import java.io.ByteArrayOutputStream;

/** Writes one packed column: minimal varints (HY-ENC-020), zigzag varints and front-coded strings. */
final class ColumnWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private byte[] previous = new byte[0];

    ColumnWriter varint(long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
        return this;
    }

    /** zigzag(n) = (n << 1) XOR (n >> 63). */
    ColumnWriter zigzag(long n) {
        return varint((n << 1) ^ (n >> 63));
    }

    /**
     * {@code values}, unsigned, repeat-coded (HY-ENC-084): each maximal run of equal values as the value alone when
     * the run has one, and otherwise as the value twice followed by the run's length minus 2.
     */
    ColumnWriter repeatCoded(long[] values) {
        int i = 0;
        while (i < values.length) {
            int length = 1;
            while (i + length < values.length && values[i + length] == values[i]) {
                length++;
            }
            varint(values[i]);
            if (length > 1) {
                varint(values[i]).varint(length - 2);
            }
            i += length;
        }
        return this;
    }

    ColumnWriter raw(int b) {
        out.write(b);
        return this;
    }

    /** A front-coded string against the string before it, sharing the longest common prefix. */
    ColumnWriter frontCoded(byte[] string) {
        int shared = 0;
        while (shared < Math.min(previous.length, string.length) && previous[shared] == string[shared]) {
            shared++;
        }
        varint(shared).varint(string.length - shared);
        out.write(string, shared, string.length - shared);
        previous = string;
        return this;
    }

    boolean isEmpty() {
        return out.size() == 0;
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
