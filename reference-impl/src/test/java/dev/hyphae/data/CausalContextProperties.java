package dev.hyphae.data;

import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A causal context holds its cloud as runs of counters; these properties hold it to a plain set of dots: whatever the
 * dots it is made of (runs and gaps, the vector's edge, counters across the sign bit and at 2^64-1), it holds exactly
 * those dots, in canonical form, and union, equality, the runs it shows and the next dot are those of the set.
 */
class CausalContextProperties {

    private static final ReplicaId A = ReplicaId.fromHex("0000000000000000000000000000000a");
    private static final ReplicaId B = ReplicaId.fromHex("ff00000000000000000000000000000b");
    /** Small counters, where runs, gaps and the vector's edge meet, and counters around the sign bit and the top. */
    private static final long[] COUNTERS = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
            Long.MAX_VALUE - 1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, -3L, -2L, -1L};

    @Provide
    Arbitrary<Set<Dot>> dots() {
        Arbitrary<Dot> dot = Combinators.combine(Arbitraries.of(A, B), Arbitraries.of(java.util.Arrays.stream(COUNTERS).boxed().toList()).withoutEdgeCases()).as(Dot::new);
        return dot.set().ofMaxSize(24);
    }

    private static List<Dot> universe() {
        List<Dot> all = new ArrayList<>();
        for (ReplicaId replica : List.of(A, B)) {
            for (long counter : COUNTERS) {
                all.add(new Dot(replica, counter));
            }
        }
        return all;
    }

    @Property(tries = 1000)
    @Requirement({"HY-DATA-009", "HY-DATA-010", "HY-CONV-002"})
    void aContextHoldsExactlyItsDotsInCanonicalForm(@ForAll("dots") Set<Dot> dots) {
        CausalContext context = CausalContext.of(dots);
        for (Dot dot : universe()) {
            assertEquals(dots.contains(dot), context.contains(dot), () -> dot + " in " + context);
        }
        // Canonical form: the vector is the longest prefix 1..n of each replica's counters; the cloud is the rest.
        TreeSet<Dot> cloud = new TreeSet<>(dots);
        for (ReplicaId replica : List.of(A, B)) {
            long n = 0;
            while (n != -1L && dots.contains(new Dot(replica, n + 1))) {
                n++;
            }
            assertEquals(n == 0 ? null : n, context.versionVector().get(replica));
            for (long k = 1; k <= n; k++) {
                cloud.remove(new Dot(replica, k));
            }
        }
        assertEquals(cloud, context.cloud());
        assertEquals(cloud.size(), context.cloudSize());
        // The runs shown are the cloud's maximal runs, in ascending order; they make the same context again.
        List<Dot> fromRuns = new ArrayList<>();
        TreeMap<ReplicaId, List<Long>> pairs = new TreeMap<>();
        context.forEachCloudRun((replica, first, last) -> {
            assertTrue(Long.compareUnsigned(first, last) <= 0);
            assertTrue(!cloud.contains(new Dot(replica, first - 1)) && (last == -1L || !cloud.contains(new Dot(replica, last + 1))),
                    "a run is maximal");
            for (long k = first; ; k++) {
                fromRuns.add(new Dot(replica, k));
                if (k == last) {
                    break;
                }
            }
            List<Long> ofReplica = pairs.computeIfAbsent(replica, r -> new ArrayList<>());
            ofReplica.add(first);
            ofReplica.add(last);
        });
        assertEquals(List.copyOf(cloud), fromRuns);
        assertEquals(pairs.values().stream().mapToInt(List::size).sum() / 2, context.cloudRunCount());
        TreeMap<ReplicaId, long[]> runs = new TreeMap<>();
        pairs.forEach((replica, list) -> runs.put(replica, list.stream().mapToLong(Long::longValue).toArray()));
        assertEquals(context, CausalContext.ofCanonicalRuns(context.versionVector(), runs));
        assertEquals(context, CausalContext.ofCanonicalAscending(context.versionVector(), List.copyOf(cloud)));
    }

    @Property(tries = 1000)
    @Requirement({"HY-DATA-009", "HY-DATA-020"})
    void unionAndEqualityAreThoseOfTheSets(@ForAll("dots") Set<Dot> left, @ForAll("dots") Set<Dot> right) {
        Set<Dot> both = new TreeSet<>(left);
        both.addAll(right);
        CausalContext l = CausalContext.of(left);
        CausalContext r = CausalContext.of(right);
        assertEquals(CausalContext.of(both), l.union(r));
        assertEquals(CausalContext.of(both), r.union(l));
        assertEquals(CausalContext.of(both), l.with(right));
        assertEquals(left.equals(right), l.equals(r));
        if (left.equals(right)) {
            assertEquals(l.hashCode(), r.hashCode());
        }
    }

    @Property(tries = 500)
    @Requirement({"HY-DATA-006", "HY-DATA-007"})
    void theNextDotFollowsTheGreatestCounter(@ForAll("dots") Set<Dot> dots) {
        CausalContext context = CausalContext.of(dots);
        for (ReplicaId replica : List.of(A, B)) {
            long max = dots.stream().filter(d -> d.replica().equals(replica)).mapToLong(Dot::counter)
                    .reduce(0L, (x, y) -> Long.compareUnsigned(x, y) >= 0 ? x : y);
            if (max == -1L) {
                assertThrows(MutationRefusedException.class, () -> context.nextDot(replica));
            } else {
                assertEquals(new Dot(replica, max + 1), context.nextDot(replica));
            }
        }
    }

    @Property(tries = 300)
    @Requirement("HY-DATA-010")
    void runsOutOfCanonicalFormAreRefused(@ForAll("dots") Set<Dot> dots) {
        CausalContext context = CausalContext.of(dots);
        TreeMap<ReplicaId, long[]> runs = new TreeMap<>();
        context.forEachCloudRun((replica, first, last) -> {
            long[] before = runs.getOrDefault(replica, new long[0]);
            long[] after = java.util.Arrays.copyOf(before, before.length + 2);
            after[before.length] = first;
            after[before.length + 1] = last;
            runs.put(replica, after);
        });
        assertNotNull(CausalContext.ofCanonicalRuns(context.versionVector(), runs));
        runs.forEach((replica, pairs) -> {
            TreeMap<ReplicaId, long[]> broken = new TreeMap<>(runs);
            if (pairs.length >= 4) {
                // Two runs made adjacent (not maximal), or swapped (out of order).
                long[] adjacent = pairs.clone();
                adjacent[2] = adjacent[1] + 1;
                broken.put(replica, adjacent);
                assertEquals(null, CausalContext.ofCanonicalRuns(context.versionVector(), broken));
                long[] swapped = pairs.clone();
                swapped[0] = pairs[2];
                swapped[1] = pairs[3];
                swapped[2] = pairs[0];
                swapped[3] = pairs[1];
                broken.put(replica, swapped);
                assertEquals(null, CausalContext.ofCanonicalRuns(context.versionVector(), broken));
            }
            // A first run that starts at the dot after the vector's entry belongs in the vector.
            long n = context.versionVector().getOrDefault(replica, 0L);
            if (n != -1L && Long.compareUnsigned(n + 1, pairs[1]) <= 0) {
                long[] touching = pairs.clone();
                touching[0] = n + 1;
                broken.put(replica, touching);
                assertEquals(null, CausalContext.ofCanonicalRuns(context.versionVector(), broken));
            }
        });
    }
}
