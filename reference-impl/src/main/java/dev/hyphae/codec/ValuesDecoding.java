package dev.hyphae.codec;

import dev.hyphae.ProtocolException;
import dev.hyphae.data.Limits;
import dev.hyphae.data.Value;
import hyphae.v1.Values;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Decodes the {@code Values} table of a batch (specification, "Encoding", section "Values"): the kind runs of
 * {@code kinds}, and for each value the next item of the column of its kind. Part of the decoding phase
 * ({@link PayloadDecoding}); the table is already verified.
 */
final class ValuesDecoding {

    private ValuesDecoding() {
    }

    /**
     * The {@code n} values of {@code column}, {@code null} if the batch has no {@code Values} table; map keys,
     * which are int64, string or bytes, if {@code keysOnly}. Counts decoded strings and bytes in {@code limits}.
     */
    static Value[] read(Values column, int n, boolean keysOnly, DecodingLimits limits) throws ProtocolException {
        Value[] values = new Value[n];
        if (n == 0) {
            if (column != null) {
                throw Malformed.decode("a values column where no value is expected");
            }
            return values;
        }
        if (column == null) {
            throw Malformed.decode("a values column is missing");
        }
        // The kinds first: the float64 values are read from planes whose length depends on how many there are.
        byte[] kindOf = new byte[n];
        int floatCount = 0;
        Packed.Reader kinds = Packed.Reader.of(column.kindsAsByteBuffer(), "kinds");
        for (int filled = 0; filled < n; ) {
            int kind = kinds.varint(ValueKinds.BYTES, "kind");
            int length = kinds.varint(n - filled, "run length");
            if (length == 0) {
                throw Malformed.decode("kinds holds an empty run");
            }
            if (keysOnly && kind != ValueKinds.INT64 && kind != ValueKinds.STRING && kind != ValueKinds.BYTES) {
                throw Malformed.decode("a map key of kind %d; keys are int64, string or bytes", kind);
            }
            Arrays.fill(kindOf, filled, filled + length, (byte) kind);
            filled += length;
            floatCount += kind == ValueKinds.FLOAT64 ? length : 0;
        }
        kinds.expectEnd();
        // HY-ENC-043: eight bytes for each float64 value, no more and no fewer.
        ByteBuffer planes = column.floatPlanesAsByteBuffer();
        int planesLength = planes == null ? 0 : planes.remaining();
        if (planesLength != 8L * floatCount) {
            throw Malformed.decode("float_planes holds %d bytes for %d float64 values", planesLength, floatCount);
        }
        // Copied once (its length is 8 per value of the batch) and read as an array, eight bytes per value.
        byte[] planeBytes = new byte[planesLength];
        if (planesLength > 0) {
            planes.get(planes.position(), planeBytes);
        }
        Packed.Reader ints = Packed.Reader.of(column.intsAsByteBuffer(), "ints");
        Packed.Reader strings = Packed.Reader.of(column.stringsAsByteBuffer(), "strings");
        Packed.Reader bytes = Packed.Reader.of(column.bytesAsByteBuffer(), "bytes");
        int floatsRead = 0;
        byte[] previousString = new byte[0];
        byte[] previousBytes = new byte[0];
        for (int i = 0; i < n; i++) {
            values[i] = switch (kindOf[i]) {
                case ValueKinds.NULL -> Value.ofNull();
                case ValueKinds.FALSE -> Value.of(false);
                case ValueKinds.TRUE -> Value.of(true);
                case ValueKinds.INT64 -> Value.of(ints.zigzag());
                case ValueKinds.FLOAT64 -> new Value.Float64(floatBits(planeBytes, floatCount, floatsRead++));
                case ValueKinds.STRING -> {
                    previousString = strings.frontCoded(previousString, Limits.MAX_STRING_LENGTH);
                    limits.decodedBytes(previousString.length);
                    Value.Str s = Value.Str.fromUtf8(previousString);
                    if (s == null) {
                        throw Malformed.decode("a string that is not valid UTF-8");
                    }
                    yield s;
                }
                default -> {
                    previousBytes = bytes.frontCoded(previousBytes, Limits.MAX_BYTES_LENGTH);
                    limits.decodedBytes(previousBytes.length);
                    yield Value.of(previousBytes);
                }
            };
        }
        ints.expectEnd();
        strings.expectEnd();
        bytes.expectEnd();
        return values;
    }

    /**
     * The 64-bit pattern of float64 value {@code j} of {@code n}, from byte planes whose length is 8 × n (HY-ENC-086):
     * byte i of the pattern, counted from the most significant, is at i × n + j. Never converted to a double.
     */
    private static long floatBits(byte[] planes, int n, int j) {
        long bits = 0;
        for (int i = 0, at = j; i < 8; i++, at += n) {
            bits = bits << 8 | (planes[at] & 0xFF);
        }
        return bits;
    }
}
