package dev.hyphae.codec;

import dev.hyphae.crdt.AWSet;
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
import dev.hyphae.data.Limits;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;

/**
 * HY-DATA-043 by construction: whether a payload is so far within every limit that a receiver checks that its
 * encoding needs no checking. The encoder writes only what the decoder reads back (the codec's property tests
 * establish that on every state), and the immutable types rule out what the decoder refuses on its own account
 * (a dot twice in one store, a key twice, an empty value in a map, a context out of canonical form); what is left
 * are the limits, which depend on the size of the value, and two rules that depend on how the value was made: the
 * context covers the dots of every store of a known type (HY-DATA-019), and no dot occurs twice anywhere in the
 * payload, under two elements, two entries or two versions (HY-DATA-055). This class checks the rules and counts the
 * limits, each with a margin
 * that keeps the count an upper bound of what the decoder counts. A payload near a limit is checked exactly, by
 * decoding it ({@link Codec}); a delta of the hot path, far from every limit, is not.
 *
 * <p>The count of tables (HY-ENC-017) needs no count of its own: a payload holds a Payload and a Context table, and
 * per batch a Batch and at most one Values table, and an Opaque per version of a value of unknown type. There is
 * one batch for the root and at most one per ORMap entry, which is counted here as two elements (itself and its
 * key), and each version holds at least one dot, counted as an element; so the tables number at most 4 + the
 * elements counted, which is within MAX_ELEMENTS whenever the elements are within half of it.
 */
final class PayloadBounds {

    private long elements;
    private long decodedBytes;
    private final Set<ReplicaId> replicas = new HashSet<>();
    private final CausalContext context;
    private boolean uncovered;
    private final Set<Dot> dots = new HashSet<>();
    private boolean dotTwice;

    private PayloadBounds(CausalContext context) {
        this.context = context;
    }

    /**
     * Whether the payload of {@code payload} with its own replica table, or in session form, is certainly accepted by
     * a decoder, as far as its limits and coverage go: at most half of MAX_ELEMENTS, MAX_DECODED_BYTES and
     * MAX_REPLICAS, within MAX_CLOUD_DOTS and MAX_NESTING_DEPTH, every dot of a store of known type in the context, and
     * no dot twice (HY-DATA-055): a payload that breaks that rule goes to the decoder, which refuses it. The
     * size of the bytes, MAX_PAYLOAD_SIZE, is for the caller to check, once they are written.
     */
    static boolean certainlyWithin(Payload payload) {
        CausalContext context = payload.state().context();
        if (context.cloudSize() > Limits.MAX_CLOUD_DOTS) {
            return false;
        }
        PayloadBounds bounds = new PayloadBounds(context);
        bounds.replicas.addAll(payload.replicaTable());
        bounds.replicas.addAll(context.versionVector().keySet());
        context.forEachCloudRun((replica, first, last) -> bounds.replicas.add(replica));
        bounds.elements = context.versionVector().size() + context.cloudSize();
        int depth = bounds.store(payload.state().store(), 1);
        return depth <= Limits.MAX_NESTING_DEPTH && !bounds.uncovered && !bounds.dotTwice
                && bounds.elements <= Limits.MAX_ELEMENTS / 2
                && bounds.decodedBytes <= EncodingLimits.MAX_DECODED_BYTES / 2
                && bounds.replicas.size() <= Limits.MAX_REPLICAS / 2;
    }

    /**
     * Whether every dot of a store of known type in {@code payload} is in its context (HY-DATA-019). A state that
     * breaks it is not too large but wrong: only a faulty mutator makes one, since a join of valid states is valid.
     */
    static boolean coversItsDots(Payload payload) {
        PayloadBounds bounds = new PayloadBounds(payload.state().context());
        bounds.store(payload.state().store(), 1);
        return !bounds.uncovered;
    }

    /**
     * Counts {@code store} at nesting depth {@code depth} (the root store at 1, a store under a map entry one deeper);
     * returns the deepest depth of a store in it, of a map or of a leaf.
     */
    private int store(Crdt store, int depth) {
        int deepest = depth;
        if (store instanceof GCounter g) {
            g.counts().keySet().forEach(this::dot);
        } else if (store instanceof PNCounter p) {
            p.totals().keySet().forEach(this::dot);
        } else if (store instanceof LWWRegister r) {
            r.forEachWrite((dot, write) -> {
                dot(dot);
                value(write.value());
            });
        } else if (store instanceof MVRegister r) {
            r.entries().forEach((dot, value) -> {
                dot(dot);
                value(value);
            });
        } else if (store instanceof EWFlag f) {
            f.dots().forEach(this::dot);
        } else if (store instanceof AWSet s) {
            for (Map.Entry<Value, SortedSet<Dot>> e : s.entries().entrySet()) {
                value(e.getKey());
                e.getValue().forEach(this::dot);
            }
        } else if (store instanceof UnknownCrdt u) {
            for (UnknownCrdt.Version version : u.versions()) {
                // Not necessarily covered by the context: a value of unknown type is exempt (HY-DATA-019).
                version.dots().forEach(dot -> {
                    elements++;
                    replicas.add(dot.replica());
                    dotTwice |= !dots.add(dot);
                });
                decodedBytes += version.dataLength();
            }
        } else if (store instanceof ORMap m) {
            for (Map.Entry<EntryKey, Crdt> e : m.entries().entrySet()) {
                elements++;
                value(e.getKey().key());
                deepest = Math.max(deepest, store(e.getValue(), depth + 1));
            }
        }
        return deepest;
    }

    private void dot(Dot dot) {
        elements++;
        replicas.add(dot.replica());
        dotTwice |= !dots.add(dot);
        if (!context.contains(dot)) {
            uncovered = true;
        }
    }

    /** Counts a value or key as an element, and bounds the bytes it decodes to. */
    private void value(Value value) {
        elements++;
        if (value instanceof Value.Str s) {
            decodedBytes += 3L * s.value().length();   // at most 3 bytes of UTF-8 per UTF-16 unit
        } else if (value instanceof Value.Bytes b) {
            decodedBytes += b.length();
        }
    }
}
