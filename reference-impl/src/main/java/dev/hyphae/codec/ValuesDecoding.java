package dev.hyphae.codec;

import dev.hyphae.ProtocolException;
import dev.hyphae.data.Limits;
import dev.hyphae.data.Value;
import hyphae.v1.Values;

import java.nio.ByteBuffer;

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
        Packed.Reader kinds = Packed.Reader.of(column.kindsAsByteBuffer(), "kinds");
        Packed.Reader ints = Packed.Reader.of(column.intsAsByteBuffer(), "ints");
        Packed.Reader strings = Packed.Reader.of(column.stringsAsByteBuffer(), "strings");
        Packed.Reader bytes = Packed.Reader.of(column.bytesAsByteBuffer(), "bytes");
        ByteBuffer floats = column.floatsAsByteBuffer();
        int floatCount = column.floatsLength();
        int floatsUsed = 0;
        byte[] previousString = new byte[0];
        byte[] previousBytes = new byte[0];
        for (int filled = 0; filled < n; ) {
            int kind = kinds.varint(ValueKinds.BYTES, "kind");
            int length = kinds.varint(n - filled, "run length");
            if (length == 0) {
                throw Malformed.decode("kinds holds an empty run");
            }
            if (keysOnly && kind != ValueKinds.INT64 && kind != ValueKinds.STRING && kind != ValueKinds.BYTES) {
                throw Malformed.decode("a map key of kind %d; keys are int64, string or bytes", kind);
            }
            for (int i = 0; i < length; i++, filled++) {
                values[filled] = switch (kind) {
                    case ValueKinds.NULL -> Value.ofNull();
                    case ValueKinds.FALSE -> Value.of(false);
                    case ValueKinds.TRUE -> Value.of(true);
                    case ValueKinds.INT64 -> Value.of(ints.zigzag());
                    case ValueKinds.FLOAT64 -> {
                        if (floatsUsed >= floatCount) {
                            throw Malformed.decode("floats holds fewer values than kinds announce");
                        }
                        long bits = floats.getLong(floats.position() + 8 * floatsUsed++);
                        yield new Value.Float64(bits);
                    }
                    case ValueKinds.STRING -> {
                        previousString = strings.frontCoded(previousString, Limits.MAX_STRING_LENGTH);
                        limits.decodedBytes(previousString.length);
                        Value.Str s = Value.Str.fromUtf8(previousString);
                        if (s == null) {
                            throw Malformed.decode("a string that is not valid UTF-8");
                        }
                        yield s;
                    }
                    case ValueKinds.BYTES -> {
                        previousBytes = bytes.frontCoded(previousBytes, Limits.MAX_BYTES_LENGTH);
                        limits.decodedBytes(previousBytes.length);
                        yield Value.of(previousBytes);
                    }
                    default -> throw Malformed.decode("unknown value kind %d", kind);
                };
            }
        }
        kinds.expectEnd();
        ints.expectEnd();
        strings.expectEnd();
        bytes.expectEnd();
        if (floatsUsed != floatCount) {
            throw Malformed.decode("floats holds %d values, kinds announce %d", floatCount, floatsUsed);
        }
        return values;
    }
}
