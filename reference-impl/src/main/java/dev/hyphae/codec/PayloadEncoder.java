package dev.hyphae.codec;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.crdt.AWSet;
import dev.hyphae.crdt.CausalState;
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
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import hyphae.v1.Context;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Encodes a {@link Payload} into the columnar layout of {@code spec/schema/payload.fbs}. Entries are written in
 * the order of their stores (dot order, element order, key order), which makes dot runs long and
 * front-coding effective; the decoder accepts any order. This class walks the value and writes the payload's
 * tables; the columns of a batch are collected by {@link BatchColumns}, {@link DotRuns}, {@link TypeRuns} and
 * {@link ValuesWriter}.
 */
final class PayloadEncoder {

    /**
     * Starts small, the size of a few writes' delta, which is what most payloads are (the log's record of each write);
     * a large one grows it by doubling, which copies less than the payload's own size in all.
     */
    private final FlatBufferBuilder builder = new FlatBufferBuilder(256);
    /**
     * The index of each replica in the payload's replica table: in session form the external table's own indexes
     * (built once per table, {@link ExternalTables}); otherwise built here, as {@link #table} grows.
     */
    private Map<ReplicaId, Integer> indexes = new HashMap<>();
    /** The payload's own replica table; unused in session form. */
    private final List<ReplicaId> table = new ArrayList<>();
    /** In session form, the index of each key of the external key table; otherwise empty. */
    private Map<Value, Integer> keyIndexes = Map.of();

    private PayloadEncoder() {
    }

    /** Encodes a payload with its own replica table. */
    static byte[] encode(Payload payload) {
        return encode(payload, null);
    }

    /**
     * @param external null for a payload with its own replica table; otherwise the session tables to encode against,
     *                 in session form, without a replica table of its own (HY-ENC-055), naming by index the keys of
     *                 every ORMap batch whose keys the key table all holds (HY-ENC-106)
     */
    static byte[] encode(Payload payload, ExternalTables external) {
        PayloadEncoder encoder = new PayloadEncoder();
        return encoder.write(payload, external);
    }

    /** Every replica id that {@code state} names: in its version vector, its cloud and its stores. */
    static TreeSet<ReplicaId> named(CausalState<? extends Crdt> state) {
        CausalContext context = state.context();
        TreeSet<ReplicaId> named = new TreeSet<>(context.versionVector().keySet());
        context.forEachCloudRun((replica, first, last) -> named.add(replica));
        state.store().forEachDot(d -> named.add(d.replica()));
        return named;
    }

    private byte[] write(Payload payload, ExternalTables external) {
        CausalContext context = payload.state().context();
        Crdt root = payload.state().store();

        TreeSet<ReplicaId> named = named(payload.state());
        if (external != null) {
            // HY-ENC-059: indexes into the session's table, which must already hold every replica named.
            indexes = external.replicaIndexes();
            keyIndexes = external.keyIndexes();
            if (!indexes.keySet().containsAll(named)) {
                throw new IllegalArgumentException("the session replica table lacks a replica that the payload names");
            }
        } else {
            // The table keeps a prescribed prefix (so opaque data stays valid), then every other replica in id order.
            prefix(payload).forEach(this::index);
            named.forEach(this::index);
        }

        int rootBatch = batch(root.typeId(), List.of(root));
        int contextTable = context(context);
        int replicas = 0;
        if (external == null) {
            byte[] replicaBytes = new byte[table.size() * ReplicaId.LENGTH];
            for (int i = 0; i < table.size(); i++) {
                table.get(i).copyTo(replicaBytes, i * ReplicaId.LENGTH);
            }
            replicas = hyphae.v1.Payload.createReplicasVector(builder, replicaBytes);
        }
        hyphae.v1.Payload.startPayload(builder);
        if (external == null) {
            hyphae.v1.Payload.addReplicas(builder, replicas);
        }
        hyphae.v1.Payload.addContext(builder, contextTable);
        hyphae.v1.Payload.addRoot(builder, rootBatch);
        hyphae.v1.Payload.finishPayloadBuffer(builder, hyphae.v1.Payload.endPayload(builder));
        return builder.sizedByteArray();
    }

    /**
     * HY-ENC-053: the first entries of the replica table: the caller's prescribed table and the table that carried each
     * opaque version, whichever is longest, since every other must be a prefix of it for the data of each version to
     * name the same replicas in the new payload.
     *
     * @throws SeveralOpaqueVersionsException    if a store of unknown type holds several versions (HY-ENC-051)
     * @throws ConflictingReplicaTablesException if two of those tables are not a prefix one of the other
     */
    private static List<ReplicaId> prefix(Payload payload) {
        List<ReplicaId> prefix = payload.replicaTable();
        List<Crdt> pending = new ArrayList<>(List.of(payload.state().store()));
        while (!pending.isEmpty()) {
            Crdt store = pending.remove(pending.size() - 1);
            if (store instanceof ORMap map) {
                pending.addAll(map.entries().values());
            } else if (store instanceof UnknownCrdt unknown) {
                if (unknown.versions().size() > 1) {
                    // HY-ENC-051 refuses the store whatever its tables: the refusal that names it comes first.
                    throw new SeveralOpaqueVersionsException(unknown.typeId(), unknown.versions().size());
                }
                for (UnknownCrdt.Version version : unknown.versions()) {
                    List<ReplicaId> origin = version.origin();
                    if (isPrefix(prefix, origin)) {
                        prefix = origin;
                    } else if (!isPrefix(origin, prefix)) {
                        throw new ConflictingReplicaTablesException(unknown.typeId());
                    }
                }
            }
        }
        return prefix;
    }

    private static boolean isPrefix(List<ReplicaId> shorter, List<ReplicaId> longer) {
        return shorter.size() <= longer.size() && longer.subList(0, shorter.size()).equals(shorter);
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
        DotRuns cloud = new DotRuns(indexes);
        context.forEachCloudRun(cloud::addRun);
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
        BatchColumns c = new BatchColumns(builder, indexes);
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
                        c.size(r.size());
                        r.forEachWrite((dot, write) -> {
                            c.dots.add(dot);
                            c.timestampDifference(write.timestamp() - previous[0]);
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
                    // Keys by index when the key table holds them all (HY-ENC-106), the entries of each store then in
                    // the order of their key indexes (HY-ENC-104); otherwise the keys themselves, in key order.
                    boolean byIndex = !keyIndexes.isEmpty() && stores.stream().allMatch(s -> ((ORMap) s).entries()
                            .keySet().stream().allMatch(k -> keyIndexes.containsKey(k.key())));
                    Map<Integer, List<Crdt>> byType = new LinkedHashMap<>();
                    TypeRuns types = new TypeRuns();
                    List<Long> keyIndexItems = new ArrayList<>();
                    stores.forEach(s -> {
                        ORMap map = (ORMap) s;
                        c.size(map.entries().size());
                        List<Map.Entry<EntryKey, Crdt>> entries = new ArrayList<>(map.entries().entrySet());
                        if (byIndex) {
                            entries.sort(Comparator.comparing((Map.Entry<EntryKey, Crdt> e) -> keyIndexes.get(e.getKey().key()))
                                    .thenComparing(e -> e.getKey().typeId()));
                        }
                        long previous = 0;
                        for (Map.Entry<EntryKey, Crdt> entry : entries) {
                            EntryKey key = entry.getKey();
                            if (byIndex) {
                                long index = keyIndexes.get(key.key());
                                keyIndexItems.add(index - previous);
                                previous = index;
                            } else {
                                c.values.add(key.key());
                            }
                            types.add(key.typeId());
                            byType.computeIfAbsent(key.typeId(), t -> new ArrayList<>()).add(entry.getValue());
                        }
                    });
                    byType.forEach((t, values) -> children.add(batch(t, values)));
                    c.types = types.isEmpty() ? null : types.toByteArray();
                    if (byIndex && !keyIndexItems.isEmpty()) {
                        c.keyIndexes = KeyIndexColumn.write(keyIndexItems.stream().mapToLong(Long::longValue).toArray());
                    }
                }
            }
        }
        return c.finish(typeId, stores.size(), children);
    }
}
