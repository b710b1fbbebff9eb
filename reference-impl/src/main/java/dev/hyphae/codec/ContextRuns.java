package dev.hyphae.codec;

import dev.hyphae.ProtocolException;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.Limits;
import dev.hyphae.data.ReplicaId;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableSet;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * The causal context of a payload in the compact form (specification, "Encoding", section "Compact form"): the dots
 * of the store together with the dots of the context runs, which list the rest, C ∖ dots(S), as maximal runs in
 * ascending dot order. Both directions work on intervals of counters, never on single dots, so that a run of
 * 2^63 dots costs what a run of one costs; only the cloud of the result is materialised, once its size is known
 * to be within {@code MAX_CLOUD_DOTS}.
 */
final class ContextRuns {

    /** The dots (replica, first) to (replica, last), counters compared unsigned, first ≤ last. */
    record Run(ReplicaId replica, long first, long last) {

        /** The number of dots, as an unsigned 64-bit integer (never 2^64: counters start at 1). */
        long length() {
            return last - first + 1;
        }
    }

    private static final Comparator<Run> ORDER = Comparator.comparing(Run::replica)
            .thenComparing(Run::first, Long::compareUnsigned);

    private ContextRuns() {
    }

    /**
     * The runs of C ∖ dots(S), for {@code context} C and the distinct {@code storeDots}, in ascending dot order; or
     * {@code null} if a dot of the store is not in the context, a state that no compact payload holds.
     */
    static List<Run> of(CausalContext context, NavigableSet<Dot> storeDots) {
        for (Dot dot : storeDots) {
            if (!context.contains(dot)) {
                return null;
            }
        }
        // The intervals of C, per replica: [1, VV[r]], then the cloud in maximal runs. In canonical form they are
        // disjoint and never adjacent, so the pieces left once the store's dots are cut out are maximal runs.
        List<Run> intervals = new ArrayList<>();
        context.versionVector().forEach((replica, counter) -> intervals.add(new Run(replica, 1, counter)));
        context.forEachCloudRun((replica, first, last) -> intervals.add(new Run(replica, first, last)));
        intervals.sort(ORDER);
        List<Run> runs = new ArrayList<>();
        for (Run interval : intervals) {
            long from = interval.first();
            SortedSet<Dot> cut = storeDots.subSet(new Dot(interval.replica(), interval.first()), true,
                    new Dot(interval.replica(), interval.last()), true);
            for (Dot dot : cut) {
                if (dot.counter() != from) {
                    runs.add(new Run(interval.replica(), from, dot.counter() - 1));
                }
                from = dot.counter() + 1;
            }
            // from wraps to 0 only when the store holds the dot 2^64-1 at the end of the interval: nothing is left.
            if (from != 0 && Long.compareUnsigned(from, interval.last()) <= 0) {
                runs.add(new Run(interval.replica(), from, interval.last()));
            }
        }
        return runs;
    }

    /**
     * The context C = dots(S) ∪ the dots of {@code runs}, in canonical form. The runs are already checked to be in
     * ascending dot order, maximal and disjoint from {@code storeDots}.
     *
     * @throws ProtocolException if the cloud of C would exceed {@code MAX_CLOUD_DOTS} or the context would take the
     *                           payload past {@code MAX_ELEMENTS} (HY-DATA-040, HY-ENC-046)
     */
    static CausalContext context(List<Run> runs, NavigableSet<Dot> storeDots, DecodingLimits limits) throws ProtocolException {
        List<Run> intervals = new ArrayList<>(runs.size() + storeDots.size());
        intervals.addAll(runs);
        storeDots.forEach(d -> intervals.add(new Run(d.replica(), d.counter(), d.counter())));
        intervals.sort(ORDER);
        // Join adjacent intervals of one replica: the first, if it starts at 1, is the version vector entry.
        TreeMap<ReplicaId, Long> vector = new TreeMap<>();
        List<Run> cloud = new ArrayList<>();
        Run open = null;
        for (Run next : intervals) {
            if (open != null && open.replica().equals(next.replica()) && open.last() != -1L && open.last() + 1 == next.first()) {
                open = new Run(open.replica(), open.first(), next.last());
                continue;
            }
            if (open != null) {
                close(open, vector, cloud);
            }
            open = next;
        }
        if (open != null) {
            close(open, vector, cloud);
        }
        long cloudDots = 0;
        for (Run run : cloud) {
            if (Long.compareUnsigned(run.length(), Limits.MAX_CLOUD_DOTS) > 0
                    || (cloudDots += run.length()) > Limits.MAX_CLOUD_DOTS) {
                throw Malformed.decode("the causal context has a cloud of more than MAX_CLOUD_DOTS dots");
            }
        }
        limits.elements(vector.size() + cloudDots);
        // The cloud's runs are in ascending order and maximal already: joined where adjacent, above.
        TreeMap<ReplicaId, long[]> pairs = new TreeMap<>();
        for (int i = 0; i < cloud.size(); ) {
            ReplicaId replica = cloud.get(i).replica();
            int end = i;
            while (end < cloud.size() && cloud.get(end).replica().equals(replica)) {
                end++;
            }
            long[] ofReplica = new long[2 * (end - i)];
            for (int k = 0; i < end; i++) {
                ofReplica[k++] = cloud.get(i).first();
                ofReplica[k++] = cloud.get(i).last();
            }
            pairs.put(replica, ofReplica);
        }
        CausalContext canonical = CausalContext.ofCanonicalRuns(vector, pairs);
        if (canonical == null) {
            throw new IllegalStateException("joined intervals are always in canonical form");
        }
        return canonical;
    }

    private static void close(Run run, TreeMap<ReplicaId, Long> vector, List<Run> cloud) {
        if (run.first() == 1) {
            vector.put(run.replica(), run.last());
        } else {
            cloud.add(run);
        }
    }
}
