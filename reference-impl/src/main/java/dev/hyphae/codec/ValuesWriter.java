package dev.hyphae.codec;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.data.Value;
import hyphae.v1.Values;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code Values} table while the encoder writes it: kinds as runs, then one column per kind (specification,
 * "Encoding", section "Values"): the float64 values as byte planes, so that their nearly constant sign and
 * exponent bytes stand together, where a general-purpose compressor finds them.
 */
final class ValuesWriter {
    private final Packed.Writer kinds = new Packed.Writer();
    private final Packed.Writer ints = new Packed.Writer();
    private final List<Long> floats = new ArrayList<>();
    private final Packed.Writer strings = new Packed.Writer();
    private final Packed.Writer bytes = new Packed.Writer();
    private byte[] previousString = new byte[0];
    private byte[] previousBytes = new byte[0];
    private int kind = -1;
    private int run;
    private int count;

    void add(Value value) {
        int k = ValueKinds.wireKind(value);
        if (k != kind) {
            flush();
            kind = k;
        }
        run++;
        count++;
        switch (value.kind()) {
            case INT64 -> ints.zigzag(((Value.Int64) value).value());
            case FLOAT64 -> floats.add(((Value.Float64) value).bits());
            case STRING -> {
                byte[] utf8 = ((Value.Str) value).utf8();
                strings.frontCoded(previousString, utf8);
                previousString = utf8;
            }
            case BYTES -> {
                byte[] b = ((Value.Bytes) value).value();
                bytes.frontCoded(previousBytes, b);
                previousBytes = b;
            }
            default -> {
                // null and bool are entirely in their kind.
            }
        }
    }

    private void flush() {
        if (run > 0) {
            kinds.varint(kind).varint(run);
        }
        run = 0;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Writes the table into {@code builder}; returns its offset. */
    int finish(FlatBufferBuilder builder) {
        flush();
        int kindsVector = builder.createByteVector(kinds.toByteArray());
        int intsVector = ints.isEmpty() ? 0 : builder.createByteVector(ints.toByteArray());
        int floatPlanesVector = floats.isEmpty() ? 0 : builder.createByteVector(floatPlanes(floats));
        int stringsVector = strings.isEmpty() ? 0 : builder.createByteVector(strings.toByteArray());
        int bytesVector = bytes.isEmpty() ? 0 : builder.createByteVector(bytes.toByteArray());
        Values.startValues(builder);
        Values.addKinds(builder, kindsVector);
        if (intsVector != 0) {
            Values.addInts(builder, intsVector);
        }
        if (stringsVector != 0) {
            Values.addStrings(builder, stringsVector);
        }
        if (bytesVector != 0) {
            Values.addBytes(builder, bytesVector);
        }
        if (floatPlanesVector != 0) {
            Values.addFloatPlanes(builder, floatPlanesVector);
        }
        return Values.endValues(builder);
    }

    /**
     * The {@code float_planes} column of {@code bits}, the 64-bit patterns of n float64 values (HY-ENC-086): 8 × n
     * bytes, plane i holding byte i of every pattern, most significant byte first. Taken from the patterns, never
     * through a double, which could lose the payload bits of a NaN (HY-DATA-011).
     */
    static byte[] floatPlanes(List<Long> bits) {
        int n = bits.size();
        byte[] planes = new byte[8 * n];
        for (int j = 0; j < n; j++) {
            long pattern = bits.get(j);
            for (int i = 0; i < 8; i++) {
                planes[i * n + j] = (byte) (pattern >>> (56 - 8 * i));
            }
        }
        return planes;
    }
}
