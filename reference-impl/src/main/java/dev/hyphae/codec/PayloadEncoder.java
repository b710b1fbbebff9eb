package dev.hyphae.codec;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.crdt.AWSet;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.EWFlag;
import dev.hyphae.crdt.EntryKey;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.MVRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.PNCounter;
import dev.hyphae.crdt.UnknownCrdt;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import hyphae.v1.Batch;
import hyphae.v1.Context;
import hyphae.v1.Opaque;
import hyphae.v1.Values;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Encodes a {@link Payload} into the columnar layout of {@code spec/schema/payload.fbs}. Entries are written in
 * the order of their stores (dot order, element order, key order), which makes dot runs long and
 * front-coding effective; the decoder accepts any order.
 */
final class PayloadEncoder {

    private final FlatBufferBuilder builder = new FlatBufferBuilder(1024);
    private final Map<ReplicaId, Integer> indexes = new HashMap<>();
    private final List<ReplicaId> table = new ArrayList<>();

    private PayloadEncoder() {
    }

    static byte[] encode(Payload payload) {
        PayloadEncoder encoder = new PayloadEncoder();
        return encoder.write(payload);
    }

    private byte[] write(Payload payload) {
        CausalContext context = payload.state().context();
        Crdt root = payload.state().store();

        // The table keeps a prescribed prefix (so opaque data stays valid), then every other replica in id order.
        payload.replicaTable().forEach(this::index);
        TreeSet<ReplicaId> others = new TreeSet<>(context.versionVector().keySet());
        context.cloud().forEach(d -> others.add(d.replica()));
        root.forEachDot(d -> others.add(d.replica()));
        others.forEach(this::index);

        int rootBatch = batch(root.typeId(), List.of(root));
        int contextTable = context(context);
        byte[] replicaBytes = new byte[table.size() * ReplicaId.LENGTH];
        for (int i = 0; i < table.size(); i++) {
            table.get(i).copyTo(replicaBytes, i * ReplicaId.LENGTH);
        }
        int replicas = hyphae.v1.Payload.createReplicasVector(builder, replicaBytes);
        hyphae.v1.Payload.startPayload(builder);
        hyphae.v1.Payload.addReplicas(builder, replicas);
        hyphae.v1.Payload.addContext(builder, contextTable);
        hyphae.v1.Payload.addRoot(builder, rootBatch);
        hyphae.v1.Payload.finishPayloadBuffer(builder, hyphae.v1.Payload.endPayload(builder));
        return builder.sizedByteArray();
    }

    private void index(ReplicaId replica) {
        indexes.computeIfAbsent(replica, r -> {
            table.add(r);
            return table.size() - 1;
        });
    }

    private int context(CausalContext context) {
        Packed.Writer vector = new Packed.Writer();
        context.versionVector().forEach((replica, counter) -> vector.varint(indexes.get(replica)).varint(counter));
        DotRuns cloud = new DotRuns();
        context.cloud().forEach(cloud::add);
        int vv = vector.isEmpty() ? 0 : builder.createByteVector(vector.toByteArray());
        int cl = cloud.isEmpty() ? 0 : builder.createByteVector(cloud.toByteArray());
        Context.startContext(builder);
        if (vv != 0) {
            Context.addVersionVector(builder, vv);
        }
        if (cl != 0) {
            Context.addCloud(builder, cl);
        }
        return Context.endContext(builder);
    }

    /** One Batch for {@code stores}, all of type {@code typeId}. */
    private int batch(int typeId, List<Crdt> stores) {
        Columns c = new Columns();
        CrdtType type = CrdtType.of(typeId);
        List<Integer> children = new ArrayList<>();
        if (type == null) {
            for (Crdt store : stores) {
                UnknownCrdt unknown = (UnknownCrdt) store;
                if (unknown.versions().isEmpty()) {
                    // An empty value of unknown type, possible only at the root: no dots, no data.
                    c.size(0);
                    c.opaque.add(new byte[0]);
                    continue;
                }
                if (unknown.versions().size() != 1) {
                    throw new SeveralOpaqueVersionsException(typeId, unknown.versions().size());
                }
                UnknownCrdt.Version version = unknown.versions().first();
                c.size(version.dots().size());
                version.dots().forEach(c.dots::add);
                c.opaque.add(version.data());
            }
        } else {
            switch (type) {
                case GCOUNTER -> stores.forEach(s -> {
                    GCounter g = (GCounter) s;
                    c.size(g.counts().size());
                    g.counts().forEach((dot, count) -> {
                        c.dots.add(dot);
                        c.counts.varint(count);
                    });
                });
                case PNCOUNTER -> stores.forEach(s -> {
                    PNCounter p = (PNCounter) s;
                    c.size(p.totals().size());
                    p.totals().forEach((dot, totals) -> {
                        c.dots.add(dot);
                        c.counts.varint(totals.increments());
                        c.decrements.varint(totals.decrements());
                    });
                });
                case LWW_REGISTER -> {
                    long[] previous = {0};
                    stores.forEach(s -> {
                        LWWRegister r = (LWWRegister) s;
                        c.size(r.writes().size());
                        r.writes().forEach((dot, write) -> {
                            c.dots.add(dot);
                            c.timestamps.zigzag(write.timestamp() - previous[0]);
                            previous[0] = write.timestamp();
                            c.values.add(write.value());
                        });
                    });
                }
                case MV_REGISTER -> stores.forEach(s -> {
                    MVRegister r = (MVRegister) s;
                    c.size(r.entries().size());
                    r.entries().forEach((dot, value) -> {
                        c.dots.add(dot);
                        c.values.add(value);
                    });
                });
                case EW_FLAG -> stores.forEach(s -> {
                    EWFlag f = (EWFlag) s;
                    c.size(f.dots().size());
                    f.dots().forEach(c.dots::add);
                });
                case AW_SET -> stores.forEach(s -> {
                    AWSet set = (AWSet) s;
                    c.size(set.entries().size());
                    set.entries().forEach((element, dots) -> {
                        c.values.add(element);
                        c.dotCount(dots.size());
                        dots.forEach(c.dots::add);
                    });
                });
                case OR_MAP -> {
                    // Entries of all maps in order; their values grouped by type, types in order of first appearance.
                    Map<Integer, List<Crdt>> byType = new LinkedHashMap<>();
                    TypeRuns types = new TypeRuns();
                    stores.forEach(s -> {
                        ORMap map = (ORMap) s;
                        c.size(map.entries().size());
                        map.entries().forEach((EntryKey key, Crdt value) -> {
                            c.values.add(key.key());
                            types.add(key.typeId());
                            byType.computeIfAbsent(key.typeId(), t -> new ArrayList<>()).add(value);
                        });
                    });
                    byType.forEach((t, values) -> children.add(batch(t, values)));
                    c.types = types.isEmpty() ? null : types.toByteArray();
                }
            }
        }
        return c.finish(typeId, stores.size(), children);
    }

    /** The columns of one Batch while they are collected. */
    private final class Columns {
        final List<Integer> sizes = new ArrayList<>();
        final List<Integer> dotCounts = new ArrayList<>();
        final DotRuns dots = new DotRuns();
        final Packed.Writer counts = new Packed.Writer();
        final Packed.Writer decrements = new Packed.Writer();
        final Packed.Writer timestamps = new Packed.Writer();
        final ValuesWriter values = new ValuesWriter();
        final List<byte[]> opaque = new ArrayList<>();
        byte[] types;

        void size(int n) {
            sizes.add(n);
        }

        void dotCount(int n) {
            dotCounts.add(n);
        }

        int finish(int typeId, int count, List<Integer> children) {
            int sizesVector = allOnes(sizes) ? 0 : varints(sizes);
            int dotCountsVector = allOnes(dotCounts) ? 0 : varints(dotCounts);
            int dotsVector = dots.isEmpty() ? 0 : builder.createByteVector(dots.toByteArray());
            int countsVector = counts.isEmpty() ? 0 : builder.createByteVector(counts.toByteArray());
            int decrementsVector = decrements.isEmpty() ? 0 : builder.createByteVector(decrements.toByteArray());
            int timestampsVector = timestamps.isEmpty() ? 0 : builder.createByteVector(timestamps.toByteArray());
            int valuesTable = values.isEmpty() ? 0 : values.finish();
            int typesVector = types == null ? 0 : builder.createByteVector(types);
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
            return Batch.endBatch(builder);
        }

        private boolean allOnes(List<Integer> list) {
            return list.stream().allMatch(n -> n == 1);
        }

        private int varints(List<Integer> list) {
            Packed.Writer w = new Packed.Writer();
            list.forEach(w::varint);
            return builder.createByteVector(w.toByteArray());
        }
    }

    /** Dots as runs of consecutive counters of one replica: (replica index, first counter, length). */
    private final class DotRuns {
        private final Packed.Writer out = new Packed.Writer();
        private int replica = -1;
        private long first;
        private long length;

        void add(Dot dot) {
            int index = indexes.get(dot.replica());
            if (index == replica && length > 0 && dot.counter() == first + length && dot.counter() != 0) {
                length++;
                return;
            }
            flush();
            replica = index;
            first = dot.counter();
            length = 1;
        }

        private void flush() {
            if (length > 0) {
                out.varint(replica).varint(first).varint(length);
            }
            length = 0;
        }

        boolean isEmpty() {
            return length == 0 && out.isEmpty();
        }

        byte[] toByteArray() {
            flush();
            return out.toByteArray();
        }
    }

    /** ORMap entry types as runs: (type id, run length). */
    private static final class TypeRuns {
        private final Packed.Writer out = new Packed.Writer();
        private int type = -1;
        private int length;

        void add(int typeId) {
            if (typeId == type) {
                length++;
                return;
            }
            flush();
            type = typeId;
            length = 1;
        }

        private void flush() {
            if (length > 0) {
                out.varint(type).varint(length);
            }
            length = 0;
        }

        boolean isEmpty() {
            return length == 0 && out.isEmpty();
        }

        byte[] toByteArray() {
            flush();
            return out.toByteArray();
        }
    }

    /** A Values column: kinds as runs, then one column per kind. */
    private final class ValuesWriter {
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

        int finish() {
            flush();
            int kindsVector = builder.createByteVector(kinds.toByteArray());
            int intsVector = ints.isEmpty() ? 0 : builder.createByteVector(ints.toByteArray());
            int floatsVector = 0;
            if (!floats.isEmpty()) {
                // Written as raw 64-bit patterns: a round trip through double could lose NaN payload bits.
                Values.startFloatsVector(builder, floats.size());
                for (int i = floats.size() - 1; i >= 0; i--) {
                    builder.putLong(floats.get(i));
                }
                floatsVector = builder.endVector();
            }
            int stringsVector = strings.isEmpty() ? 0 : builder.createByteVector(strings.toByteArray());
            int bytesVector = bytes.isEmpty() ? 0 : builder.createByteVector(bytes.toByteArray());
            Values.startValues(builder);
            Values.addKinds(builder, kindsVector);
            if (intsVector != 0) {
                Values.addInts(builder, intsVector);
            }
            if (floatsVector != 0) {
                Values.addFloats(builder, floatsVector);
            }
            if (stringsVector != 0) {
                Values.addStrings(builder, stringsVector);
            }
            if (bytesVector != 0) {
                Values.addBytes(builder, bytesVector);
            }
            return Values.endValues(builder);
        }
    }
}
