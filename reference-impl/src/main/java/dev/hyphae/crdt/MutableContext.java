package dev.hyphae.crdt;

import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The causal context of a {@link MutableState}: a version vector and a dot cloud kept in canonical form (no vector
 * entry is 0; no cloud dot (r,k) has k &le; VV[r] + 1), changed in place. The cloud is held as maximal runs of
 * counters per replica, as {@link CausalContext} holds it. Joining another context costs time in proportion to that
 * context's vector and runs and to the runs it absorbs, never to this one, nor to the number of dots a run spans;
 * {@link CausalContext}, the immutable value, copies itself instead.
 */
final class MutableContext {

    /** The dots of one replica: (r,1) to (r,upTo), then the runs of the cloud. */
    private static final class Dots {
        /** The version vector's entry, 0 when the vector has none. */
        long upTo;
        /** The cloud's runs, first counter to last, in unsigned order; maximal and above upTo + 1. */
        final TreeMap<Long, Long> cloud = new TreeMap<>(Long::compareUnsigned);
    }

    private final Map<ReplicaId, Dots> replicas = new HashMap<>();
    /** The immutable value of this context, or null once it has changed since it was last asked for. */
    private CausalContext value = CausalContext.EMPTY;

    /** Whether the context holds {@code dot}. */
    boolean contains(Dot dot) {
        Dots dots = replicas.get(dot.replica());
        return dots != null && holds(dots, dot.counter(), dot.counter());
    }

    /** Whether {@code dots} hold every counter from {@code first} to {@code last}. */
    private static boolean holds(Dots dots, long first, long last) {
        if (Long.compareUnsigned(last, dots.upTo) <= 0) {
            return true;
        }
        Map.Entry<Long, Long> run = dots.cloud.floorEntry(first);
        return run != null && Long.compareUnsigned(last, run.getValue()) <= 0;
    }

    /** Whether the context holds every dot of {@code other}, in time proportional to {@code other}'s vector and runs. */
    boolean holdsAll(CausalContext other) {
        for (Map.Entry<ReplicaId, Long> range : other.versionVector().entrySet()) {
            Dots dots = replicas.get(range.getKey());
            // Canonical form: a vector entry below upTo leaves its next dot out of the cloud as well.
            if (dots == null || Long.compareUnsigned(dots.upTo, range.getValue()) < 0) {
                return false;
            }
        }
        boolean[] all = {true};
        other.forEachCloudRun((replica, first, last) -> {
            if (all[0]) {
                Dots dots = replicas.get(replica);
                all[0] = dots != null && holds(dots, first, last);
            }
        });
        return all[0];
    }

    /**
     * Adds every dot of {@code other} (the join of causal contexts).
     *
     * @return whether a dot was added
     */
    boolean union(CausalContext other) {
        boolean[] changed = {false};
        other.versionVector().forEach((replica, upTo) -> changed[0] |= add(replica, 1, upTo));
        other.forEachCloudRun((replica, first, last) -> changed[0] |= add(replica, first, last));
        if (changed[0]) {
            value = null;
        }
        return changed[0];
    }

    /** Adds the dots (r,first) to (r,last), restoring canonical form; whether a dot was added. */
    private boolean add(ReplicaId replica, long first, long last) {
        Dots dots = replicas.computeIfAbsent(replica, r -> new Dots());
        if (holds(dots, first, last)) {
            return false;
        }
        if (dots.upTo == -1L || Long.compareUnsigned(first, dots.upTo + 1) > 0) {
            addToCloud(dots.cloud, first, last);
            return true;
        }
        // The run reaches the vector's entry or the dot after it: the entry grows, then absorbs the cloud runs it
        // now covers or touches.
        long upTo = last;
        Iterator<Map.Entry<Long, Long>> runs = dots.cloud.entrySet().iterator();
        while (runs.hasNext()) {
            Map.Entry<Long, Long> run = runs.next();
            if (upTo != -1L && Long.compareUnsigned(run.getKey(), upTo + 1) > 0) {
                break;
            }
            if (Long.compareUnsigned(run.getValue(), upTo) > 0) {
                upTo = run.getValue();
            }
            runs.remove();
        }
        dots.upTo = upTo;
        return true;
    }

    /** Adds the run (first, last), which starts past the vector's entry plus one, merging the runs it overlaps or touches. */
    private static void addToCloud(TreeMap<Long, Long> cloud, long first, long last) {
        Map.Entry<Long, Long> before = cloud.floorEntry(first);
        if (before != null && (before.getValue() == -1L || Long.compareUnsigned(first, before.getValue() + 1) <= 0)) {
            first = before.getKey();
            if (Long.compareUnsigned(before.getValue(), last) > 0) {
                last = before.getValue();
            }
            cloud.remove(before.getKey());
        }
        Iterator<Map.Entry<Long, Long>> after = cloud.tailMap(first, true).entrySet().iterator();
        while (after.hasNext()) {
            Map.Entry<Long, Long> run = after.next();
            if (last != -1L && Long.compareUnsigned(run.getKey(), last + 1) > 0) {
                break;
            }
            if (Long.compareUnsigned(run.getValue(), last) > 0) {
                last = run.getValue();
            }
            after.remove();
        }
        cloud.put(first, last);
    }

    /** Whether the context holds no dot, without building its value. */
    boolean isEmpty() {
        for (Dots dots : replicas.values()) {
            if (dots.upTo != 0 || !dots.cloud.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The immutable value of this context. Built again after a change, in time proportional to the context (its
     * replicas and cloud runs, not the state's entries), and shared until the next change.
     */
    CausalContext value() {
        if (value == null) {
            TreeMap<ReplicaId, Long> vector = new TreeMap<>();
            TreeMap<ReplicaId, long[]> runs = new TreeMap<>();
            replicas.forEach((replica, dots) -> {
                if (dots.upTo != 0) {
                    vector.put(replica, dots.upTo);
                }
                if (!dots.cloud.isEmpty()) {
                    long[] pairs = new long[2 * dots.cloud.size()];
                    int i = 0;
                    for (Map.Entry<Long, Long> run : dots.cloud.entrySet()) {
                        pairs[i++] = run.getKey();
                        pairs[i++] = run.getValue();
                    }
                    runs.put(replica, pairs);
                }
            });
            value = CausalContext.ofCanonicalRuns(vector, runs);
            if (value == null) {
                throw new IllegalStateException("a causal context left canonical form");   // a bug of this class
            }
        }
        return value;
    }
}
