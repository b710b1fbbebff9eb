package dev.hyphae.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
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
 * <p>The cloud is held as maximal runs of consecutive counters per replica, the way the encoding writes it
 * (specification, "Encoding", section "Causal context"), not as one object per dot: a delta that overwrites a round
 * of writes names thousands of consecutive dots, and asking whether it holds a dot then costs a binary search over a
 * few runs. {@link #cloud()} still shows the cloud as a set of dots, built when first asked for; the paths that a
 * write or a received delta takes use {@link #forEachCloudRun} and {@link #cloudSize} instead.
 *
 * <p>Immutable.
 *
 * <p>Over 400 lines: the canonical form is kept by the few operations on runs (merging sorted runs, joining them
 * where they touch, splitting off the vector's entry), which every way of making a context shares, and which read
 * best beside the checks of canonical form that {@link #ofCanonicalRuns} makes on runs from outside.
 */
public final class CausalContext {

    /** The empty context. */
    public static final CausalContext EMPTY = new CausalContext(new TreeMap<>(), new TreeMap<>());

    private static final long[] NO_RUNS = new long[0];

    private final SortedMap<ReplicaId, Long> versionVector;
    /** The tree that {@link #versionVector} views, for {@link #contains}, which a join asks once per dot it meets. */
    private final TreeMap<ReplicaId, Long> vector;
    /**
     * The cloud, per replica: its runs as pairs (first, last) of counters, {@code [first0, last0, first1, last1, ...]},
     * in ascending unsigned order, never empty, never overlapping or adjacent, and each first counter above VV[r] + 1.
     * One canonical context has exactly one such form, so equal contexts have equal runs.
     */
    private final SortedMap<ReplicaId, long[]> runs;
    /** The number of cloud dots, saturated at {@link Long#MAX_VALUE} (a run can span nearly 2^64 counters). */
    private final long cloudSize;
    /** The cloud as a set of dots, built when first asked for (an unmodifiable set, published whole). */
    private volatile NavigableSet<Dot> cloudDots;

    private CausalContext(TreeMap<ReplicaId, Long> versionVector, TreeMap<ReplicaId, long[]> runs) {
        this.versionVector = Collections.unmodifiableSortedMap(versionVector);
        this.vector = versionVector;
        this.runs = runs;
        long size = 0;
        for (long[] pairs : runs.values()) {
            for (int i = 0; i < pairs.length; i += 2) {
                size = saturatedAdd(size, pairs[i + 1] - pairs[i] + 1);
            }
        }
        this.cloudSize = size;
    }

    /** Receives the runs of a cloud: the dots (replica, first) to (replica, last), counters unsigned, first &le; last. */
    @FunctionalInterface
    public interface RunAction {
        void accept(ReplicaId replica, long first, long last);
    }

    /** The context holding exactly the given dots. */
    public static CausalContext of(Collection<Dot> dots) {
        return EMPTY.with(dots);
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
     * dots need no sorting).
     *
     * @return the context, or {@code null} if the dots are not strictly ascending or the two are not in canonical form
     */
    public static CausalContext ofCanonicalAscending(SortedMap<ReplicaId, Long> versionVector, List<Dot> ascendingCloud) {
        TreeMap<ReplicaId, long[]> runs = new TreeMap<>();
        int i = 0;
        while (i < ascendingCloud.size()) {
            ReplicaId replica = ascendingCloud.get(i).replica();
            if (!runs.isEmpty() && runs.lastKey().compareTo(replica) >= 0) {
                return null;   // replicas out of order (or one replica's dots not together)
            }
            LongPairs pairs = new LongPairs();
            long previous = 0;
            for (; i < ascendingCloud.size() && sameReplica(ascendingCloud.get(i).replica(), replica); i++) {
                long counter = ascendingCloud.get(i).counter();
                if (pairs.size() > 0 && Long.compareUnsigned(counter, previous) <= 0) {
                    return null;   // not strictly ascending
                }
                if (pairs.size() > 0 && counter == previous + 1) {
                    pairs.setLast(counter);
                } else {
                    pairs.add(counter, counter);
                }
                previous = counter;
            }
            runs.put(replica, pairs.toArray());
        }
        return ofCanonicalRuns(versionVector, runs);
    }

    /**
     * The context with the given version vector and cloud runs, if they are in canonical form and the runs are
     * maximal: per replica, pairs (first, last) of counters as {@link #forEachCloudRun} gives them, in ascending
     * unsigned order, none empty, and no two overlapping or adjacent. Built in time proportional to the vector and
     * the runs, whatever the number of dots they span.
     *
     * @return the context, or {@code null} if the vector holds a 0, a replica has no runs, or the runs are out of
     *         order, not maximal, or hold a dot that the vector covers or extends by one
     */
    public static CausalContext ofCanonicalRuns(SortedMap<ReplicaId, Long> versionVector, SortedMap<ReplicaId, long[]> cloudRuns) {
        for (Long n : versionVector.values()) {
            if (n == 0) {
                return null;
            }
        }
        TreeMap<ReplicaId, long[]> copy = new TreeMap<>();
        for (Map.Entry<ReplicaId, long[]> entry : cloudRuns.entrySet()) {
            long[] pairs = entry.getValue();
            if (pairs.length == 0 || pairs.length % 2 != 0) {
                return null;
            }
            long n = versionVector.getOrDefault(entry.getKey(), 0L);
            // (r,k) with k <= n + 1 belongs in the vector (or is already covered by it).
            if (n == -1L || Long.compareUnsigned(pairs[0], n + 1) <= 0) {
                return null;
            }
            for (int i = 0; i < pairs.length; i += 2) {
                if (Long.compareUnsigned(pairs[i], pairs[i + 1]) > 0) {
                    return null;
                }
                // The next run starts past the dot after this one's last: disjoint and not adjacent.
                if (i > 0 && (pairs[i - 1] == -1L || Long.compareUnsigned(pairs[i], pairs[i - 1] + 1) <= 0)) {
                    return null;
                }
            }
            copy.put(entry.getKey(), pairs.clone());
        }
        return new CausalContext(new TreeMap<>(versionVector), copy);
    }

    private static boolean sameReplica(ReplicaId a, ReplicaId b) {
        return a == b || a.equals(b);
    }

    /** Whether the context holds the dot. */
    public boolean contains(Dot dot) {
        return contains(dot.replica(), dot.counter());
    }

    /** Whether the context holds the dot (replica, counter). */
    public boolean contains(ReplicaId replica, long counter) {
        // A delta's context is often a cloud alone, and a context of a few dots has no vector: no lookup in an empty map.
        if (!vector.isEmpty()) {
            Long n = vector.get(replica);
            if (n != null && Long.compareUnsigned(counter, n) <= 0) {
                return true;
            }
        }
        if (runs.isEmpty()) {
            return false;
        }
        long[] pairs = runs.get(replica);
        return pairs != null && runContaining(pairs, counter) >= 0;
    }

    /** The index in {@code pairs} of the run holding {@code counter}, or -1: a binary search over the runs. */
    static int runContaining(long[] pairs, long counter) {
        int low = 0;
        int high = pairs.length / 2 - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (Long.compareUnsigned(counter, pairs[2 * mid]) < 0) {
                high = mid - 1;
            } else if (Long.compareUnsigned(counter, pairs[2 * mid + 1]) > 0) {
                low = mid + 1;
            } else {
                return 2 * mid;
            }
        }
        return -1;
    }

    /** Whether the context holds no dot. */
    public boolean isEmpty() {
        return versionVector.isEmpty() && runs.isEmpty();
    }

    /** The union of the two contexts: the join of causal contexts. */
    public CausalContext union(CausalContext other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        TreeMap<ReplicaId, Long> vector = new TreeMap<>(versionVector);
        TreeMap<ReplicaId, long[]> cloud = new TreeMap<>(runs);
        TreeSet<ReplicaId> replicas = new TreeSet<>(other.versionVector.keySet());
        replicas.addAll(other.runs.keySet());
        for (ReplicaId replica : replicas) {
            long[] merged = mergeSorted(intervalsOf(replica), other.intervalsOf(replica));
            put(replica, maximal(merged, merged.length), vector, cloud);
        }
        return new CausalContext(vector, cloud);
    }

    /** This context with the given dots added. */
    public CausalContext with(Collection<Dot> dots) {
        if (dots.isEmpty()) {
            return this;
        }
        // Each replica's counters, sorted, become runs, merged with the replica's intervals in this context.
        Map<ReplicaId, LongPairs> counters = new HashMap<>();
        for (Dot dot : dots) {
            counters.computeIfAbsent(dot.replica(), r -> new LongPairs()).add(dot.counter(), dot.counter());
        }
        TreeMap<ReplicaId, Long> vector = new TreeMap<>(versionVector);
        TreeMap<ReplicaId, long[]> cloud = new TreeMap<>(runs);
        counters.forEach((replica, added) -> {
            long[] merged = mergeSorted(intervalsOf(replica), added.sortedByFirst());
            put(replica, maximal(merged, merged.length), vector, cloud);
        });
        return new CausalContext(vector, cloud);
    }

    /**
     * The dots of {@code replica} as intervals (first, last): [1, VV[r]] when the vector has an entry, then the runs of
     * the cloud; in ascending order, as pairs.
     */
    private long[] intervalsOf(ReplicaId replica) {
        Long n = versionVector.get(replica);
        long[] pairs = runs.getOrDefault(replica, NO_RUNS);
        if (n == null) {
            return pairs;
        }
        long[] all = new long[pairs.length + 2];
        all[0] = 1;
        all[1] = n;
        System.arraycopy(pairs, 0, all, 2, pairs.length);
        return all;
    }

    /** The pairs of two arrays of intervals, each sorted by first counter, in one array sorted by first counter. */
    private static long[] mergeSorted(long[] a, long[] b) {
        long[] merged = new long[a.length + b.length];
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < a.length || j < b.length) {
            boolean takeA = j >= b.length || (i < a.length && Long.compareUnsigned(a[i], b[j]) <= 0);
            long[] from = takeA ? a : b;
            int at = takeA ? i : j;
            merged[k++] = from[at];
            merged[k++] = from[at + 1];
            if (takeA) {
                i += 2;
            } else {
                j += 2;
            }
        }
        return merged;
    }

    /**
     * Intervals sorted by first counter, joined where they overlap or touch, so that they are maximal: the first
     * {@code length} longs of {@code sorted}, as pairs. Rewrites {@code sorted} in place; returns the new length.
     */
    static int maximalInPlace(long[] sorted, int length) {
        int out = 0;
        for (int i = 0; i < length; i += 2) {
            long first = sorted[i];
            long last = sorted[i + 1];
            if (out > 0) {
                long open = sorted[out - 1];
                // Overlapping or adjacent to the open interval (which ends before 2^64-1, or nothing follows it).
                if (open == -1L || Long.compareUnsigned(first, open + 1) <= 0) {
                    if (Long.compareUnsigned(last, open) > 0) {
                        sorted[out - 1] = last;
                    }
                    continue;
                }
            }
            sorted[out++] = first;
            sorted[out++] = last;
        }
        return out;
    }

    private static long[] maximal(long[] sorted, int length) {
        int n = maximalInPlace(sorted, length);
        return n == sorted.length ? sorted : Arrays.copyOf(sorted, n);
    }

    /**
     * Puts a replica's maximal intervals into a vector and a cloud in canonical form: an interval starting at 1 is
     * the vector's entry (it absorbs every dot up to its end, and the next interval starts at least two past it).
     */
    private static void put(ReplicaId replica, long[] maximal, TreeMap<ReplicaId, Long> vector, TreeMap<ReplicaId, long[]> cloud) {
        int from = 0;
        if (maximal.length > 0 && maximal[0] == 1) {
            vector.put(replica, maximal[1]);
            from = 2;
        } else {
            vector.remove(replica);
        }
        if (from == maximal.length) {
            cloud.remove(replica);
        } else {
            cloud.put(replica, from == 0 ? maximal : Arrays.copyOfRange(maximal, from, maximal.length));
        }
    }

    /**
     * The next dot of replica {@code replica}: its greatest counter in this context, plus one.
     *
     * @throws MutationRefusedException if the replica's counter space is exhausted
     */
    public Dot nextDot(ReplicaId replica) {
        long max = versionVector.getOrDefault(replica, 0L);
        long[] pairs = runs.get(replica);
        if (pairs != null) {
            max = pairs[pairs.length - 1];   // above the vector's entry, by canonical form
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

    /**
     * The dot cloud, sorted by dot: one object per dot, built when first asked for, in time proportional to the number
     * of dots. What needs only the runs asks {@link #forEachCloudRun}.
     */
    public NavigableSet<Dot> cloud() {
        NavigableSet<Dot> dots = cloudDots;
        if (dots == null) {
            TreeSet<Dot> all = new TreeSet<>();
            forEachCloudRun((replica, first, last) -> {
                for (long k = first; ; k++) {
                    all.add(new Dot(replica, k));
                    if (k == last) {
                        break;
                    }
                }
            });
            dots = Collections.unmodifiableNavigableSet(all);
            cloudDots = dots;
        }
        return dots;
    }

    /** Calls {@code action} with every maximal run of the cloud, in ascending dot order. */
    public void forEachCloudRun(RunAction action) {
        runs.forEach((replica, pairs) -> {
            for (int i = 0; i < pairs.length; i += 2) {
                action.accept(replica, pairs[i], pairs[i + 1]);
            }
        });
    }

    /** The number of dots in the cloud, saturated at {@link Long#MAX_VALUE}. */
    public long cloudSize() {
        return cloudSize;
    }

    /** The number of maximal runs of the cloud: what the encoding writes for it. */
    public int cloudRunCount() {
        int count = 0;
        for (long[] pairs : runs.values()) {
            count += pairs.length / 2;
        }
        return count;
    }

    /** The number of replica ids the context names, in its vector or its cloud. */
    public int replicaCount() {
        TreeSet<ReplicaId> replicas = new TreeSet<>(versionVector.keySet());
        replicas.addAll(runs.keySet());
        return replicas.size();
    }

    private static long saturatedAdd(long size, long length) {
        // length is the unsigned number of dots of one run: at most 2^64 - 2, since cloud counters start at 2.
        if (length < 0 || size + length < 0) {
            return Long.MAX_VALUE;
        }
        return size + length;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof CausalContext other) || cloudSize != other.cloudSize || !versionVector.equals(other.versionVector)
                || !runs.keySet().equals(other.runs.keySet())) {
            return false;
        }
        for (Map.Entry<ReplicaId, long[]> entry : runs.entrySet()) {
            if (!Arrays.equals(entry.getValue(), other.runs.get(entry.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = versionVector.hashCode();
        for (Map.Entry<ReplicaId, long[]> entry : runs.entrySet()) {
            hash += entry.getKey().hashCode() ^ Arrays.hashCode(entry.getValue());
        }
        return hash;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("{vv=[");
        versionVector.forEach((r, n) -> out.append(r).append(':').append(Long.toUnsignedString(n)).append(' '));
        out.append("] cloud=[");
        forEachCloudRun((replica, first, last) -> {
            out.append('(').append(replica).append(',').append(Long.toUnsignedString(first));
            if (first != last) {
                out.append("..").append(Long.toUnsignedString(last));
            }
            out.append(") ");
        });
        return out.append("]}").toString();
    }

    /** A growing array of pairs of longs. */
    private static final class LongPairs {
        private long[] pairs = new long[4];
        private int size;

        void add(long first, long last) {
            if (size == pairs.length) {
                pairs = Arrays.copyOf(pairs, size * 2);
            }
            pairs[size++] = first;
            pairs[size++] = last;
        }

        void setLast(long last) {
            pairs[size - 1] = last;
        }

        int size() {
            return size;
        }

        long[] toArray() {
            return Arrays.copyOf(pairs, size);
        }

        /** The pairs sorted by first counter, unsigned; equal pairs only (single dots), so the order within is moot. */
        long[] sortedByFirst() {
            long[] firsts = new long[size / 2];
            for (int i = 0; i < firsts.length; i++) {
                firsts[i] = pairs[2 * i] ^ Long.MIN_VALUE;   // signed order of the flipped value = unsigned order
            }
            Arrays.sort(firsts);
            long[] sorted = new long[size];
            for (int i = 0; i < firsts.length; i++) {
                sorted[2 * i] = firsts[i] ^ Long.MIN_VALUE;
                sorted[2 * i + 1] = sorted[2 * i];
            }
            return sorted;
        }
    }
}
