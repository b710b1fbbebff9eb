package dev.hyphae.codec;

import dev.hyphae.crdt.AWSet;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.EWFlag;
import dev.hyphae.crdt.EntryKey;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.MVRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.PNCounter;
import dev.hyphae.crdt.UnknownCrdt;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Writes a state in the compact form (specification, "Encoding", section "Compact form"): the root CRDT type, the
 * root store row by row in the order of its dot store, then the context runs. The form is canonical, so this
 * writer has no choice to make: every entry in store order, every counter but the first as the difference from the
 * counter before it, every timestamp but the first as the difference from
 * the one before it, every key and element
 * front-coded against the one before it with the longest common prefix.
 */
final class CompactEncoder {

    private final Packed.Writer out = new Packed.Writer();
    private final Map<ReplicaId, Integer> indexes;
    /** The replica of the last dot or context run written, {@code null} before the first. */
    private ReplicaId replicaCursor;
    /** The counter cursor, {@code null} until the first counter is written. */
    private Long counterCursor;
    /** The timestamp cursor, {@code null} until the first timestamp is written. */
    private Long timestampCursor;

    private CompactEncoder(Map<ReplicaId, Integer> indexes) {
        this.indexes = indexes;
    }

    /**
     * The compact form of {@code state} under {@code replicas}, or empty if the form cannot represent it: a value
     * of a type outside version 1, a replica that the table lacks, or a store dot outside the context (HY-ENC-062).
     */
    static Optional<byte[]> encode(CausalState<? extends Crdt> state, List<ReplicaId> replicas) {
        Map<ReplicaId, Integer> indexes = new HashMap<>();
        for (int i = 0; i < replicas.size(); i++) {
            indexes.put(replicas.get(i), i);
        }
        TreeSet<Dot> storeDots = new TreeSet<>();
        state.store().forEachDot(storeDots::add);
        if (!representable(state.store()) || !storeDots.stream().allMatch(d -> indexes.containsKey(d.replica()))
                || !state.context().versionVector().keySet().stream().allMatch(indexes::containsKey)
                || !state.context().cloud().stream().allMatch(d -> indexes.containsKey(d.replica()))) {
            return Optional.empty();
        }
        List<ContextRuns.Run> runs = ContextRuns.of(state.context(), storeDots);
        if (runs == null) {
            return Optional.empty();
        }
        CompactEncoder encoder = new CompactEncoder(indexes);
        encoder.out.varint(state.store().typeId());
        encoder.store(state.store());
        encoder.out.varint(runs.size());
        runs.forEach(encoder::run);
        return Optional.of(encoder.out.toByteArray());
    }

    /** Whether every store, at every depth, is of a CRDT type of version 1. */
    private static boolean representable(Crdt store) {
        if (store instanceof UnknownCrdt) {
            return false;
        }
        return !(store instanceof ORMap map) || map.entries().values().stream().allMatch(CompactEncoder::representable);
    }

    private void store(Crdt store) {
        switch (CrdtType.of(store.typeId())) {
            case GCOUNTER -> {
                GCounter g = (GCounter) store;
                out.varint(g.counts().size());
                g.counts().forEach((dot, count) -> {
                    dot(dot);
                    out.varint(count);
                });
            }
            case PNCOUNTER -> {
                PNCounter p = (PNCounter) store;
                out.varint(p.totals().size());
                p.totals().forEach((dot, totals) -> {
                    dot(dot);
                    out.varint(totals.increments()).varint(totals.decrements());
                });
            }
            case LWW_REGISTER -> {
                LWWRegister r = (LWWRegister) store;
                out.varint(r.size());
                r.forEachWrite((dot, write) -> {
                    dot(dot);
                    timestamp(write.timestamp());
                    value(write.value(), null);
                });
            }
            case MV_REGISTER -> {
                MVRegister r = (MVRegister) store;
                out.varint(r.entries().size());
                r.entries().forEach((dot, value) -> {
                    dot(dot);
                    value(value, null);
                });
            }
            case EW_FLAG -> {
                EWFlag f = (EWFlag) store;
                out.varint(f.dots().size());
                f.dots().forEach(this::dot);
            }
            case AW_SET -> {
                AWSet set = (AWSet) store;
                out.varint(set.entries().size());
                Value previous = null;
                for (Map.Entry<Value, java.util.SortedSet<Dot>> element : set.entries().entrySet()) {
                    value(element.getKey(), previous);
                    previous = element.getKey();
                    out.varint(element.getValue().size());
                    element.getValue().forEach(this::dot);
                }
            }
            case OR_MAP -> {
                ORMap map = (ORMap) store;
                out.varint(map.entries().size());
                Value previous = null;
                for (Map.Entry<EntryKey, Crdt> entry : map.entries().entrySet()) {
                    value(entry.getKey().key(), previous);
                    previous = entry.getKey().key();
                    out.varint(entry.getKey().typeId());
                    store(entry.getValue());
                }
            }
        }
    }

    /** Dot: the replica index, then the counter as the difference from the counter before it. */
    private void dot(Dot dot) {
        out.varint(indexes.get(dot.replica()));
        counter(dot.counter());
        counterCursor = dot.counter();
        replicaCursor = dot.replica();
    }

    /**
     * Context Run: 2 × R + L, where R is 0 for the replica of the dot or run before it and its index + 1 otherwise,
     * and L is 1 when the Length follows; then the first counter, and the Length if L is 1.
     */
    private void run(ContextRuns.Run run) {
        boolean lengthFollows = run.length() != 1;
        long r = run.replica().equals(replicaCursor) ? 0 : indexes.get(run.replica()) + 1L;
        out.varint(2 * r + (lengthFollows ? 1 : 0));
        counter(run.first());
        if (lengthFollows) {
            out.varint(run.length());
        }
        counterCursor = run.last();
        replicaCursor = run.replica();
    }

    /** A counter: its value if it is the first of the payload, else the difference from the counter cursor. */
    private void counter(long counter) {
        if (counterCursor == null) {
            out.varint(counter);
        } else {
            out.zigzag(counter - counterCursor);
        }
    }

    /**
     * Timestamp: the first of the payload as its millisecond part and its logical part, which keeps it to 7 or 8
     * bytes; each later one as the difference from the timestamp cursor, modulo 2^64.
     */
    private void timestamp(long timestamp) {
        if (timestampCursor == null) {
            out.varint(timestamp >>> 16).varint(timestamp & 0xFFFF);
        } else {
            out.zigzag(timestamp - timestampCursor);
        }
        timestampCursor = timestamp;
    }

    /**
     * Value: a head of kind + 8 × suffix length, then the content; a string or bytes value that follows one of its
     * kind in a front-coded sequence ({@code previous} not {@code null}) has its shared length after the head.
     */
    private void value(Value value, Value previous) {
        int kind = ValueKinds.wireKind(value);
        switch (value.kind()) {
            case NULL, BOOL -> out.varint(kind);
            case INT64 -> out.varint(kind).zigzag(((Value.Int64) value).value());
            case FLOAT64 -> out.varint(kind).fixed64(((Value.Float64) value).bits());
            case STRING, BYTES -> {
                byte[] bytes = stringBytes(value);
                if (previous != null && previous.kind() == value.kind()) {
                    byte[] before = stringBytes(previous);
                    int shared = sharedPrefix(before, bytes);
                    out.varint(kind + 8L * (bytes.length - shared)).varint(shared).bytes(bytes, shared, bytes.length - shared);
                } else {
                    out.varint(kind + 8L * bytes.length).bytes(bytes, 0, bytes.length);
                }
            }
        }
    }

    static byte[] stringBytes(Value value) {
        return value instanceof Value.Str s ? s.utf8() : ((Value.Bytes) value).value();
    }

    static int sharedPrefix(byte[] a, byte[] b) {
        int mismatch = java.util.Arrays.mismatch(a, b);
        return mismatch < 0 ? a.length : mismatch;
    }
}
