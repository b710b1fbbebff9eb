package dev.hyphae.codec;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.data.ReplicaId;
import hyphae.v1.Batch;
import hyphae.v1.Opaque;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The columns of one {@code Batch} while the encoder collects them, entry by entry, and then writes them into the
 * builder (specification, "Encoding", section "Batches"). A column that holds only its default, such as
 * {@code sizes} when every store has one entry, or nothing at all, is left absent.
 */
final class BatchColumns {
    private final FlatBufferBuilder builder;
    final List<Integer> sizes = new ArrayList<>();
    final List<Integer> dotCounts = new ArrayList<>();
    final DotRuns dots;
    final Packed.Writer counts = new Packed.Writer();
    final Packed.Writer decrements = new Packed.Writer();
    /** The zigzag forms of the timestamp differences, repeat-coded when the batch is written (HY-ENC-085). */
    private long[] timestamps = new long[0];
    private int timestampCount;
    final ValuesWriter values = new ValuesWriter();
    final List<byte[]> opaque = new ArrayList<>();
    byte[] types;
    byte[] keyIndexes;

    /** Columns written into {@code builder}, whose dots name replicas by their {@code indexes}. */
    BatchColumns(FlatBufferBuilder builder, Map<ReplicaId, Integer> indexes) {
        this.builder = builder;
        this.dots = new DotRuns(indexes);
    }

    void size(int n) {
        sizes.add(n);
    }

    void dotCount(int n) {
        dotCounts.add(n);
    }

    /** The next entry's timestamp minus the previous entry's, modulo 2^64 (HY-ENC-035). */
    void timestampDifference(long difference) {
        if (timestampCount == timestamps.length) {
            timestamps = Arrays.copyOf(timestamps, Math.max(16, 2 * timestampCount));
        }
        timestamps[timestampCount++] = Packed.zigzagOf(difference);
    }

    int finish(int typeId, int count, List<Integer> children) {
        int sizesVector = allOnes(sizes) ? 0 : varints(sizes);
        int dotCountsVector = allOnes(dotCounts) ? 0 : varints(dotCounts);
        int dotsVector = dots.isEmpty() ? 0 : builder.createByteVector(dots.toByteArray());
        int countsVector = counts.isEmpty() ? 0 : builder.createByteVector(counts.toByteArray());
        int decrementsVector = decrements.isEmpty() ? 0 : builder.createByteVector(decrements.toByteArray());
        int timestampsVector = timestampCount == 0 ? 0
                : builder.createByteVector(new Packed.Writer().repeatCoded(timestamps, timestampCount).toByteArray());
        int valuesTable = values.isEmpty() ? 0 : values.finish(builder);
        int typesVector = types == null ? 0 : builder.createByteVector(types);
        int keyIndexesVector = keyIndexes == null ? 0 : builder.createByteVector(keyIndexes);
        int childrenVector = children.isEmpty() ? 0
                : Batch.createChildrenVector(builder, children.stream().mapToInt(Integer::intValue).toArray());
        int opaqueVector = 0;
        if (!opaque.isEmpty()) {
            int[] tables = new int[opaque.size()];
            for (int i = 0; i < tables.length; i++) {
                tables[i] = Opaque.createOpaque(builder, Opaque.createDataVector(builder, opaque.get(i)));
            }
            opaqueVector = Batch.createOpaqueVector(builder, tables);
        }
        Batch.startBatch(builder);
        Batch.addType(builder, typeId);
        Batch.addCount(builder, count);
        if (sizesVector != 0) {
            Batch.addSizes(builder, sizesVector);
        }
        if (dotsVector != 0) {
            Batch.addDots(builder, dotsVector);
        }
        if (dotCountsVector != 0) {
            Batch.addDotCounts(builder, dotCountsVector);
        }
        if (countsVector != 0) {
            Batch.addCounts(builder, countsVector);
        }
        if (decrementsVector != 0) {
            Batch.addDecrements(builder, decrementsVector);
        }
        if (timestampsVector != 0) {
            Batch.addTimestamps(builder, timestampsVector);
        }
        if (valuesTable != 0) {
            Batch.addValues(builder, valuesTable);
        }
        if (typesVector != 0) {
            Batch.addTypes(builder, typesVector);
        }
        if (childrenVector != 0) {
            Batch.addChildren(builder, childrenVector);
        }
        if (opaqueVector != 0) {
            Batch.addOpaque(builder, opaqueVector);
        }
        if (keyIndexesVector != 0) {
            Batch.addKeyIndexes(builder, keyIndexesVector);
        }
        return Batch.endBatch(builder);
    }

    private static boolean allOnes(List<Integer> list) {
        for (int n : list) {   // a loop, not a stream: asked twice of every batch, of every payload
            if (n != 1) {
                return false;
            }
        }
        return true;
    }

    private int varints(List<Integer> list) {
        Packed.Writer w = new Packed.Writer();
        list.forEach(w::varint);
        return builder.createByteVector(w.toByteArray());
    }
}
