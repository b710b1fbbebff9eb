package dev.hyphae.crdt;

import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The causal context of a {@link MutableState}: a version vector and a dot cloud kept in canonical form (no vector
 * entry is 0; no cloud dot (r,k) has k &le; VV[r] + 1), changed in place. Joining another context costs time in
 * proportion to that context and to the cloud dots it absorbs, never to this one; {@link CausalContext}, the
 * immutable value, copies itself instead.
 */
final class MutableContext {

    private final Map<ReplicaId, Long> versionVector = new HashMap<>();
    private final TreeSet<Dot> cloud = new TreeSet<>();
    /** The immutable value of this context, or null once it has changed since it was last asked for. */
    private CausalContext value = CausalContext.EMPTY;

    /** Whether the context holds {@code dot}. */
    boolean contains(Dot dot) {
        Long n = versionVector.get(dot.replica());
        return n != null && Long.compareUnsigned(dot.counter(), n) <= 0 || cloud.contains(dot);
    }

    /** Whether the context holds every dot of {@code other}, in time proportional to {@code other}. */
    boolean holdsAll(CausalContext other) {
        for (Map.Entry<ReplicaId, Long> range : other.versionVector().entrySet()) {
            // Canonical form: a vector entry below upTo leaves its next dot out of the cloud as well.
            if (Long.compareUnsigned(versionVector.getOrDefault(range.getKey(), 0L), range.getValue()) < 0) {
                return false;
            }
        }
        for (Dot dot : other.cloud()) {
            if (!contains(dot)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Adds every dot of {@code other} (the join of causal contexts).
     *
     * @return whether a dot was added
     */
    boolean union(CausalContext other) {
        boolean changed = false;
        for (Map.Entry<ReplicaId, Long> range : other.versionVector().entrySet()) {
            changed |= addRange(range.getKey(), range.getValue());
        }
        for (Dot dot : other.cloud()) {
            changed |= add(dot);
        }
        if (changed) {
            value = null;
        }
        return changed;
    }

    /** The dots (r,1) to (r,upTo): raises the vector, then drops or absorbs the cloud dots of r it reaches. */
    private boolean addRange(ReplicaId replica, long upTo) {
        long n = versionVector.getOrDefault(replica, 0L);
        if (Long.compareUnsigned(upTo, n) <= 0) {
            return false;
        }
        versionVector.put(replica, upTo);
        absorb(replica);
        return true;
    }

    private boolean add(Dot dot) {
        if (contains(dot)) {
            return false;
        }
        long n = versionVector.getOrDefault(dot.replica(), 0L);
        if (dot.counter() == n + 1) {
            versionVector.put(dot.replica(), dot.counter());
            absorb(dot.replica());
        } else {
            cloud.add(dot);
        }
        return true;
    }

    /**
     * Restores canonical form for {@code replica} after its vector entry grew: drops the cloud dots it now covers and
     * moves into it the run of cloud dots that continues it.
     */
    private void absorb(ReplicaId replica) {
        if (cloud.isEmpty()) {
            return;   // the common case: a replica that receives every write in order keeps no cloud
        }
        long n = versionVector.get(replica);
        NavigableSet<Dot> ofReplica = cloud.subSet(new Dot(replica, 1), true, new Dot(replica, -1L), true);
        Iterator<Dot> dots = ofReplica.iterator();
        while (dots.hasNext()) {
            long counter = dots.next().counter();
            if (Long.compareUnsigned(counter, n) <= 0) {
                dots.remove();
            } else if (n != -1L && counter == n + 1) {
                n = counter;
                dots.remove();
            } else {
                break;
            }
        }
        versionVector.put(replica, n);
    }

    /** Whether the context holds no dot, without building its value. */
    boolean isEmpty() {
        return versionVector.isEmpty() && cloud.isEmpty();
    }

    /**
     * The immutable value of this context. Built again after a change, in time proportional to the context (its
     * replicas and cloud dots, not the state's entries), and shared until the next change.
     */
    CausalContext value() {
        if (value == null) {
            value = CausalContext.ofCanonical(new TreeMap<>(versionVector), cloud);
            if (value == null) {
                throw new IllegalStateException("a causal context left canonical form");   // a bug of this class
            }
        }
        return value;
    }
}
