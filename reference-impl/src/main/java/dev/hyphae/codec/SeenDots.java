package dev.hyphae.codec;

import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dots met in one walk of a decoded store, to find a dot held twice (HY-DATA-055): (replica, counter) pairs held
 * in two arrays, with the replicas numbered as they are met, so that recording a dot allocates nothing. A received
 * delta holds a dot per entry, and a set of dot objects cost a node per dot.
 *
 * <p>No hashing: the dots are sent by a peer, which could choose counters that all fall in one bucket of any fixed hash
 * and make each check cost as many probes as dots already held. Instead the pairs are sorted once the walk is done, and
 * a dot held twice is two equal pairs side by side: O(n log n) whatever the input, and O(n) where the dots come in
 * ascending order, as a delta written by one replica usually holds them. Whether there is a repeat is found by sorting
 * primitive counters; only a store about to be refused pays for the slower stable sort that names the first repeat.
 *
 * <p>The walk counts every dot against {@code MAX_ELEMENTS} before it gets here, so the arrays stay within twice that
 * many entries. Not thread-safe.
 */
final class SeenDots {

    private final Map<ReplicaId, Integer> numbers = new HashMap<>();
    private final List<ReplicaId> replicasByNumber = new ArrayList<>();
    private ReplicaId lastReplica;
    private int lastNumber;
    /** Dot i, in the order added: the number of its replica and its counter. */
    private int[] replicas;
    private long[] counters;
    private int size;
    /** Whether every dot so far came after the one before it, in the order of {@link #compare}: then none is repeated. */
    private boolean ascending = true;

    /** An empty record, sized for {@code expected} dots (more are taken: it grows). */
    SeenDots(int expected) {
        int capacity = Math.max(16, expected);
        replicas = new int[capacity];
        counters = new long[capacity];
    }

    /** Records {@code dot}, which may have been recorded before. */
    void add(Dot dot) {
        if (size == replicas.length) {
            replicas = Arrays.copyOf(replicas, 2 * size);
            counters = Arrays.copyOf(counters, 2 * size);
        }
        replicas[size] = number(dot.replica());
        counters[size] = dot.counter();
        if (ascending && size > 0 && compare(size - 1, size) >= 0) {
            ascending = false;
        }
        size++;
    }

    /**
     * The first dot, in the order recorded, that had been recorded before it, or null if no dot was recorded twice: the
     * dot a set would have refused first, so that which dot a refusal names does not depend on how it is found.
     */
    Dot firstRepeated() {
        if (ascending || !holdsARepeat()) {
            return null;
        }
        // Only a payload about to be refused gets here: find which repeat came first in the order recorded.
        int[] order = sortedPositions();
        // The sort is stable: of equal dots, the first recorded comes first, so each later one of a run is a repeat.
        int first = -1;
        for (int i = 1; i < size; i++) {
            if (compare(order[i - 1], order[i]) == 0 && (first < 0 || order[i] < first)) {
                first = order[i];
            }
        }
        return first < 0 ? null : new Dot(replicasByNumber.get(replicas[first]), counters[first]);
    }

    /**
     * Whether some dot was recorded twice: the counters grouped by replica (a counting sort, which keeps their order),
     * then each replica's sorted as primitives, where a repeat is two equal counters side by side. The sort of the JDK
     * turns to a heap sort where its quicksort recurses too deep, so no order of counters makes it quadratic.
     */
    private boolean holdsARepeat() {
        int replicaCount = replicasByNumber.size();
        int[] starts = new int[replicaCount + 1];
        for (int i = 0; i < size; i++) {
            starts[replicas[i] + 1]++;
        }
        for (int r = 0; r < replicaCount; r++) {
            starts[r + 1] += starts[r];
        }
        int[] next = Arrays.copyOf(starts, replicaCount);
        long[] byReplica = new long[size];
        for (int i = 0; i < size; i++) {
            byReplica[next[replicas[i]]++] = counters[i];
        }
        for (int r = 0; r < replicaCount; r++) {
            Arrays.sort(byReplica, starts[r], starts[r + 1]);
            for (int i = starts[r] + 1; i < starts[r + 1]; i++) {
                if (byReplica[i] == byReplica[i - 1]) {
                    return true;
                }
            }
        }
        return false;
    }

    private int number(ReplicaId replica) {
        // The dots of a payload name replicas of its table, one object each, and mostly the same one in a row.
        if (replica != lastReplica) {
            Integer known = numbers.get(replica);
            if (known == null) {
                known = replicasByNumber.size();
                numbers.put(replica, known);
                replicasByNumber.add(replica);
            }
            lastNumber = known;
            lastReplica = replica;
        }
        return lastNumber;
    }

    /**
     * Orders dots i and j by replica number, then counter. Any total order finds equal pairs; this one need not be the
     * order of {@link Dot}.
     */
    private int compare(int i, int j) {
        int byReplica = Integer.compare(replicas[i], replicas[j]);
        return byReplica != 0 ? byReplica : Long.compare(counters[i], counters[j]);
    }

    /**
     * The positions 0 to {@code size - 1} sorted stably by {@link #compare}: a bottom-up merge sort, which is O(n log n) on
     * every input and skips a merge where the two runs are already in order.
     */
    private int[] sortedPositions() {
        int[] from = new int[size];
        for (int i = 0; i < size; i++) {
            from[i] = i;
        }
        int[] to = new int[size];
        for (int width = 1; width < size; width *= 2) {
            for (int low = 0; low < size; low += 2 * width) {
                int middle = Math.min(low + width, size);
                int high = Math.min(low + 2 * width, size);
                if (middle == high || compare(from[middle - 1], from[middle]) <= 0) {
                    System.arraycopy(from, low, to, low, high - low);
                    continue;
                }
                int left = low;
                int right = middle;
                for (int out = low; out < high; out++) {
                    // "<= 0" takes the left run's dot first among equals: the sort is stable.
                    if (right >= high || left < middle && compare(from[left], from[right]) <= 0) {
                        to[out] = from[left++];
                    } else {
                        to[out] = from[right++];
                    }
                }
            }
            int[] swap = from;
            from = to;
            to = swap;
        }
        return from;
    }
}
