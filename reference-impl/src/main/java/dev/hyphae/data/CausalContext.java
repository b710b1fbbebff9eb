package dev.hyphae.data;

import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A causal context: a set of dots, held as a version vector plus a dot cloud, always in canonical form.
 *
 * <p>The version vector maps a replica id r to a counter n, meaning that the dots (r,1) to (r,n) are all in the
 * set; the cloud holds the further dots. Canonical form (specification, "Causal context"): no version-vector
 * entry is 0; no cloud dot (r,k) has k &le; VV[r] + 1, because a dot (r, VV[r]+1) is absorbed into the
 * vector. Every instance is canonical, so two contexts are equal exactly when they hold the same dots.
 *
 * <p>Immutable.
 */
public final class CausalContext {

    /** The empty context. */
    public static final CausalContext EMPTY = new CausalContext(new TreeMap<>(), new TreeSet<>());

    private final SortedMap<ReplicaId, Long> versionVector;
    private final NavigableSet<Dot> cloud;

    private CausalContext(TreeMap<ReplicaId, Long> versionVector, TreeSet<Dot> cloud) {
        this.versionVector = Collections.unmodifiableSortedMap(versionVector);
        this.cloud = Collections.unmodifiableNavigableSet(cloud);
    }

    /** The context holding exactly the given dots. */
    public static CausalContext of(Collection<Dot> dots) {
        Builder builder = new Builder();
        dots.forEach(builder::add);
        return builder.build();
    }

    /**
     * The context with the given version vector and cloud, if they are in canonical form.
     *
     * @param cloud dots in their natural order (a set in any other order is not in canonical form)
     * @return the context, or {@code null} if the two are not in canonical form
     */
    public static CausalContext ofCanonical(SortedMap<ReplicaId, Long> versionVector, SortedSet<Dot> cloud) {
        // A set in the natural order of dots holds them in strictly ascending order.
        return ofCanonicalAscending(versionVector, new ArrayList<>(cloud));
    }

    /**
     * The context with the given version vector and a cloud given as dots in strictly ascending order, if the two are
     * in canonical form, built in time proportional to the cloud (a decoder reads a cloud in ascending order, so the
     * dots need no sorting). {@link #ofCanonical} delegates here: the checks of canonical form are these.
     *
     * @return the context, or {@code null} if the dots are not strictly ascending or the two are not in canonical form
     */
    public static CausalContext ofCanonicalAscending(SortedMap<ReplicaId, Long> versionVector, List<Dot> ascendingCloud) {
        for (Long n : versionVector.values()) {
            if (n == 0) {
                return null;
            }
        }
        Dot previous = null;
        long n = 0;
        for (Dot dot : ascendingCloud) {
            // The dots of one run share their replica id, often as one object: compare counters only then.
            boolean sameReplica = previous != null && (previous.replica() == dot.replica() || previous.replica().equals(dot.replica()));
            if (sameReplica ? Long.compareUnsigned(previous.counter(), dot.counter()) >= 0
                    : previous != null && previous.replica().compareTo(dot.replica()) > 0) {
                return null;
            }
            if (!sameReplica) {
                n = versionVector.getOrDefault(dot.replica(), 0L);
            }
            // (r,k) with k <= n + 1 belongs in the vector (or is already covered by it).
            if (n == -1L || Long.compareUnsigned(dot.counter(), n + 1) <= 0) {
                return null;
            }
            previous = dot;
        }
        return new CausalContext(new TreeMap<>(versionVector), new TreeSet<>(new Ascending(ascendingCloud)));
    }

    /**
     * Dots known to be in strictly ascending order, seen as a sorted set, so that {@code new TreeSet<>(...)} builds
     * its tree from them in one pass without comparing them.
     */
    private static final class Ascending extends AbstractSet<Dot> implements SortedSet<Dot> {
        private final List<Dot> dots;

        Ascending(List<Dot> dots) {
            this.dots = dots;
        }

        @Override
        public Iterator<Dot> iterator() {
            return Collections.unmodifiableList(dots).iterator();
        }

        @Override
        public int size() {
            return dots.size();
        }

        @Override
        public Comparator<? super Dot> comparator() {
            return null;   // the natural order of dots
        }

        @Override
        public SortedSet<Dot> subSet(Dot fromElement, Dot toElement) {
            return new TreeSet<>(this).subSet(fromElement, toElement);
        }

        @Override
        public SortedSet<Dot> headSet(Dot toElement) {
            return new TreeSet<>(this).headSet(toElement);
        }

        @Override
        public SortedSet<Dot> tailSet(Dot fromElement) {
            return new TreeSet<>(this).tailSet(fromElement);
        }

        @Override
        public Dot first() {
            if (dots.isEmpty()) {
                throw new NoSuchElementException();
            }
            return dots.get(0);
        }

        @Override
        public Dot last() {
            if (dots.isEmpty()) {
                throw new NoSuchElementException();
            }
            return dots.get(dots.size() - 1);
        }
    }

    /** Whether the context holds the dot. */
    public boolean contains(Dot dot) {
        Long n = versionVector.get(dot.replica());
        if (n != null && Long.compareUnsigned(dot.counter(), n) <= 0) {
            return true;
        }
        return cloud.contains(dot);
    }

    /** Whether the context holds no dot. */
    public boolean isEmpty() {
        return versionVector.isEmpty() && cloud.isEmpty();
    }

    /** The union of the two contexts: the join of causal contexts. */
    public CausalContext union(CausalContext other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        Builder builder = new Builder(this);
        other.versionVector.forEach(builder::addRange);
        other.cloud.forEach(builder::add);
        return builder.build();
    }

    /** This context with the given dots added. */
    public CausalContext with(Collection<Dot> dots) {
        Builder builder = new Builder(this);
        dots.forEach(builder::add);
        return builder.build();
    }

    /**
     * The next dot of replica {@code replica}: its greatest counter in this context, plus one.
     *
     * @throws MutationRefusedException if the replica's counter space is exhausted
     */
    public Dot nextDot(ReplicaId replica) {
        long max = versionVector.getOrDefault(replica, 0L);
        Dot last = cloud.floor(new Dot(replica, -1L));
        if (last != null && last.replica().equals(replica) && Long.compareUnsigned(last.counter(), max) > 0) {
            max = last.counter();
        }
        if (max == -1L) {
            throw new MutationRefusedException("replica " + replica + " has issued its last counter");
        }
        return new Dot(replica, max + 1);
    }

    /** The version vector, sorted by replica id; counters are unsigned and never 0. */
    public SortedMap<ReplicaId, Long> versionVector() {
        return versionVector;
    }

    /** The dot cloud, sorted by dot. */
    public NavigableSet<Dot> cloud() {
        return cloud;
    }

    /** The number of replica ids the context names, in its vector or its cloud. */
    public int replicaCount() {
        TreeSet<ReplicaId> replicas = new TreeSet<>(versionVector.keySet());
        cloud.forEach(d -> replicas.add(d.replica()));
        return replicas.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CausalContext other
                && versionVector.equals(other.versionVector) && cloud.equals(other.cloud);
    }

    @Override
    public int hashCode() {
        return Objects.hash(versionVector, cloud);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("{vv=[");
        versionVector.forEach((r, n) -> out.append(r).append(':').append(Long.toUnsignedString(n)).append(' '));
        return out.append("] cloud=").append(cloud).append('}').toString();
    }

    /** Collects dots and ranges, then compacts them into canonical form. */
    private static final class Builder {
        private final TreeMap<ReplicaId, Long> versionVector;
        private final TreeSet<Dot> cloud;

        Builder() {
            versionVector = new TreeMap<>();
            cloud = new TreeSet<>();
        }

        Builder(CausalContext from) {
            versionVector = new TreeMap<>(from.versionVector);
            cloud = new TreeSet<>(from.cloud);
        }

        void add(Dot dot) {
            cloud.add(dot);
        }

        void addRange(ReplicaId replica, long upTo) {
            versionVector.merge(replica, upTo, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
        }

        CausalContext build() {
            // Absorb every cloud dot that the vector covers or extends by one; keep the rest.
            Iterator<Dot> dots = cloud.iterator();
            TreeSet<Dot> remaining = new TreeSet<>();
            while (dots.hasNext()) {
                Dot dot = dots.next();
                long n = versionVector.getOrDefault(dot.replica(), 0L);
                if (Long.compareUnsigned(dot.counter(), n) <= 0) {
                    continue;
                }
                if (n != -1L && dot.counter() == n + 1) {
                    versionVector.put(dot.replica(), dot.counter());
                } else {
                    remaining.add(dot);
                }
            }
            // Dots are visited in counter order per replica, so one pass absorbs every run that becomes
            // contiguous; a later dot of the same replica is checked against the updated vector.
            return new CausalContext(versionVector, remaining);
        }
    }
}
