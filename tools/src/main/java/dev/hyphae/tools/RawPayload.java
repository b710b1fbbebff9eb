package dev.hyphae.tools;

import com.google.flatbuffers.FlatBufferBuilder;
import hyphae.v1.Batch;
import hyphae.v1.Context;
import hyphae.v1.Opaque;
import hyphae.v1.Payload;
import hyphae.v1.Values;

/**
 * Builds payloads column by column, below the reference encoder, so that an invalid vector can break exactly
 * one rule. Columns are given as the bytes that go on the wire.
 */
final class RawPayload {

    final FlatBufferBuilder builder = new FlatBufferBuilder();

    /** A Values table; {@code ints}, {@code floatPlanes} and {@code strings} may be null. */
    int values(byte[] kinds, byte[] ints, byte[] floatPlanes, byte[] strings) {
        return values(kinds, ints, floatPlanes, strings, null);
    }

    /**
     * A Values table that may also hold the retired field {@code floats} (id 2), as a draft before 1.0-draft.3 wrote
     * it: {@code retiredFloats}, null for none, as little-endian doubles. The generated code has no accessor for it.
     */
    int values(byte[] kinds, byte[] ints, byte[] floatPlanes, byte[] strings, double[] retiredFloats) {
        int k = builder.createByteVector(kinds);
        int i = ints == null ? 0 : builder.createByteVector(ints);
        int f = floatPlanes == null ? 0 : builder.createByteVector(floatPlanes);
        int s = strings == null ? 0 : builder.createByteVector(strings);
        int retired = 0;
        if (retiredFloats != null) {
            builder.startVector(8, retiredFloats.length, 8);
            for (int j = retiredFloats.length - 1; j >= 0; j--) {
                builder.addDouble(retiredFloats[j]);
            }
            retired = builder.endVector();
        }
        Values.startValues(builder);
        Values.addKinds(builder, k);
        if (i != 0) {
            Values.addInts(builder, i);
        }
        if (retired != 0) {
            builder.addOffset(RETIRED_FLOATS, retired, 0);
        }
        if (s != 0) {
            Values.addStrings(builder, s);
        }
        if (f != 0) {
            Values.addFloatPlanes(builder, f);
        }
        return Values.endValues(builder);
    }

    /** The field id of {@code Values.floats}, retired in 1.0-draft.3 and kept in the schema as deprecated. */
    static final int RETIRED_FLOATS = 2;

    /** The {@code float_planes} column of {@code values}: plane i holds byte i of each bit pattern, most significant first. */
    static byte[] floatPlanes(double... values) {
        int n = values.length;
        byte[] planes = new byte[8 * n];
        for (int j = 0; j < n; j++) {
            long bits = Double.doubleToRawLongBits(values[j]);
            for (int i = 0; i < 8; i++) {
                planes[i * n + j] = (byte) (bits >>> (56 - 8 * i));
            }
        }
        return planes;
    }

    /** The columns of one Batch; a null column is absent. */
    static final class Columns {
        int type;
        long count = 1;
        byte[] sizes;
        byte[] dots;
        byte[] dotCounts;
        byte[] counts;
        byte[] decrements;
        byte[] timestamps;
        int values;
        byte[] types;
        int[] children;
        byte[][] opaque;
        byte[] keyIndexes;
    }

    int batch(Columns c) {
        int sizes = vector(c.sizes);
        int dots = vector(c.dots);
        int dotCounts = vector(c.dotCounts);
        int counts = vector(c.counts);
        int decrements = vector(c.decrements);
        int timestamps = vector(c.timestamps);
        int types = vector(c.types);
        int keyIndexes = vector(c.keyIndexes);
        int children = c.children == null ? 0 : Batch.createChildrenVector(builder, c.children);
        int opaque = 0;
        if (c.opaque != null) {
            int[] tables = new int[c.opaque.length];
            for (int i = 0; i < tables.length; i++) {
                tables[i] = Opaque.createOpaque(builder, Opaque.createDataVector(builder, c.opaque[i]));
            }
            opaque = Batch.createOpaqueVector(builder, tables);
        }
        Batch.startBatch(builder);
        Batch.addType(builder, c.type);
        Batch.addCount(builder, c.count);
        if (sizes != 0) {
            Batch.addSizes(builder, sizes);
        }
        if (dots != 0) {
            Batch.addDots(builder, dots);
        }
        if (dotCounts != 0) {
            Batch.addDotCounts(builder, dotCounts);
        }
        if (counts != 0) {
            Batch.addCounts(builder, counts);
        }
        if (decrements != 0) {
            Batch.addDecrements(builder, decrements);
        }
        if (timestamps != 0) {
            Batch.addTimestamps(builder, timestamps);
        }
        if (c.values != 0) {
            Batch.addValues(builder, c.values);
        }
        if (types != 0) {
            Batch.addTypes(builder, types);
        }
        if (children != 0) {
            Batch.addChildren(builder, children);
        }
        if (opaque != 0) {
            Batch.addOpaque(builder, opaque);
        }
        if (keyIndexes != 0) {
            Batch.addKeyIndexes(builder, keyIndexes);
        }
        return Batch.endBatch(builder);
    }

    private int vector(byte[] bytes) {
        return bytes == null ? 0 : builder.createByteVector(bytes);
    }

    /** Finishes the payload with the given replica table bytes, context columns and root batch (0: none). */
    byte[] finish(byte[] replicas, byte[] versionVector, byte[] cloud, int root) {
        int r = vector(replicas);
        int vv = vector(versionVector);
        int cl = vector(cloud);
        Context.startContext(builder);
        if (vv != 0) {
            Context.addVersionVector(builder, vv);
        }
        if (cl != 0) {
            Context.addCloud(builder, cl);
        }
        int context = Context.endContext(builder);
        Payload.startPayload(builder);
        if (r != 0) {
            Payload.addReplicas(builder, r);
        }
        Payload.addContext(builder, context);
        if (root != 0) {
            Payload.addRoot(builder, root);
        }
        Payload.finishPayloadBuffer(builder, Payload.endPayload(builder));
        return builder.sizedByteArray();
    }

    /** The bytes as unsigned values, for writing columns readably: {@code bytes(0, 1, 0x81, 0x01)}. */
    static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
