package dev.hyphae.model;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A causal context: a finite set of dots, held in its canonical form ("Causal context"): a version vector VV, in
 * which r ↦ n stands for the dots (r, 1) to (r, n), and a cloud of the other dots. Every instance is canonical, so
 * two contexts are equal exactly when they hold the same dots.
 */
public final class CausalContext {

    /** The empty context. */
    public static final CausalContext EMPTY = new CausalContext(new TreeMap<>(), new TreeSet<>());

    private final SortedMap<ReplicaId, Long> versionVector;
    private final SortedSet<Dot> cloud;

    private CausalContext(TreeMap<ReplicaId, Long> versionVector, TreeSet<Dot> cloud) {
        this.versionVector = Collections.unmodifiableSortedMap(versionVector);
        this.cloud = Collections.unmodifiableSortedSet(cloud);
    }

    /** The context that holds exactly {@code dots}. */
    public static CausalContext of(Collection<Dot> dots) {
        return compacted(new TreeMap<>(), new TreeSet<>(dots));
    }

    /** The context of a version vector and a cloud, in any form, brought into canonical form. */
    public static CausalContext of(Map<ReplicaId, Long> versionVector, Collection<Dot> cloud) {
        return compacted(new TreeMap<>(versionVector), new TreeSet<>(cloud));
    }

    /**
     * Compaction ("Canonical form"): drop entries of VV whose counter is 0 and cloud dots that VV covers, and move
     * into VV each cloud dot (r, VV[r] + 1). One pass in ascending dot order does it, since the dots of a replica
     * then come in ascending counter order.
     */
    private static CausalContext compacted(TreeMap<ReplicaId, Long> vv, TreeSet<Dot> dots) {
        vv.values().removeIf(n -> n == 0);
        TreeSet<Dot> cloud = new TreeSet<>();
        for (Dot d : dots) {
            long covered = vv.getOrDefault(d.replica(), 0L);
            if (Long.compareUnsigned(d.counter(), covered) <= 0) {
                continue;
            }
            if (d.counter() == covered + 1) {
                vv.put(d.replica(), d.counter());
            } else {
                cloud.add(d);
            }
        }
        return new CausalContext(vv, cloud);
    }

    /** The version vector of the canonical form, in ascending replica id; no counter is 0. */
    public SortedMap<ReplicaId, Long> versionVector() {
        return versionVector;
    }

    /** The dot cloud of the canonical form, in ascending dot order. */
    public SortedSet<Dot> cloud() {
        return cloud;
    }

    public boolean isEmpty() {
        return versionVector.isEmpty() && cloud.isEmpty();
    }

    /** contains(C, (r, k)): k ≤ VV[r], or (r, k) is in the cloud. */
    public boolean contains(Dot dot) {
        long covered = versionVector.getOrDefault(dot.replica(), 0L);
        return Long.compareUnsigned(dot.counter(), covered) <= 0 || cloud.contains(dot);
    }

    /** C ∪ C': the union of the two sets of dots, the join of causal contexts. */
    public CausalContext union(CausalContext other) {
        TreeMap<ReplicaId, Long> vv = new TreeMap<>(versionVector);
        other.versionVector.forEach((r, n) -> vv.merge(r, n, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b));
        TreeSet<Dot> dots = new TreeSet<>(cloud);
        dots.addAll(other.cloud);
        return compacted(vv, dots);
    }

    /** max(C, r): the greatest counter of r in C, or 0. */
    public long max(ReplicaId replica) {
        long max = versionVector.getOrDefault(replica, 0L);
        for (Dot d : cloud) {
            if (d.replica().equals(replica) && Long.compareUnsigned(d.counter(), max) > 0) {
                max = d.counter();
            }
        }
        return max;
    }

    /**
     * next(C, r) = (r, max(C, r) + 1), the dot of the next write of r (HY-DATA-006).
     *
     * @throws MutationRefused when max(C, r) is 2^64-1 (HY-DATA-007)
     */
    public Dot next(ReplicaId replica) {
        long max = max(replica);
        if (max == -1L) {
            throw new MutationRefused("replica " + replica + " has issued its last counter (HY-DATA-007)");
        }
        return new Dot(replica, max + 1);
    }

    /** The distinct replica ids of this context. */
    public SortedSet<ReplicaId> replicas() {
        TreeSet<ReplicaId> replicas = new TreeSet<>(versionVector.keySet());
        cloud.forEach(d -> replicas.add(d.replica()));
        return replicas;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CausalContext c && versionVector.equals(c.versionVector) && cloud.equals(c.cloud);
    }

    @Override
    public int hashCode() {
        return versionVector.hashCode() * 31 + cloud.hashCode();
    }

    @Override
    public String toString() {
        return "{vv=" + versionVector + ", cloud=" + cloud + "}";
    }
}
