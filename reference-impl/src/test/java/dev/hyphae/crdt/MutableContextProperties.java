package dev.hyphae.crdt;

import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;
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
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The context a replica changes in place, {@link MutableContext}, holds its cloud as runs of counters; against a plain
 * set of dots, after any sequence of unions (of contexts with runs that overlap, touch, fill gaps or reach the
 * vector's entry, counters across the sign bit and at 2^64-1 included), it holds exactly the union of their dots, its
 * value is the immutable context of those dots, and it reports a change and answers containment as the set does.
 */
class MutableContextProperties {

    private static final ReplicaId A = ReplicaId.fromHex("0000000000000000000000000000000a");
    private static final ReplicaId B = ReplicaId.fromHex("ff00000000000000000000000000000b");
    private static final long[] COUNTERS = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
            Long.MAX_VALUE - 1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, -3L, -2L, -1L};

    @Provide
    Arbitrary<List<Set<Dot>>> contexts() {
        Arbitrary<Dot> dot = Combinators.combine(Arbitraries.of(A, B), Arbitraries.of(java.util.Arrays.stream(COUNTERS).boxed().toList()).withoutEdgeCases()).as(Dot::new);
        return dot.set().ofMaxSize(10).list().ofMinSize(1).ofMaxSize(8);
    }

    @Property(tries = 1000)
    @Requirement({"HY-DATA-009", "HY-DATA-020"})
    void unionsInPlaceHoldWhatTheSetHolds(@ForAll("contexts") List<Set<Dot>> contexts) {
        MutableContext mutable = new MutableContext();
        Set<Dot> all = new TreeSet<>();
        for (Set<Dot> dots : contexts) {
            CausalContext other = CausalContext.of(dots);
            assertEquals(all.containsAll(dots), mutable.holdsAll(other));
            boolean grew = all.addAll(dots);
            assertEquals(grew, mutable.union(other), "a union reports a change exactly when a dot was added");
            assertEquals(CausalContext.of(all), mutable.value());
            assertEquals(all.isEmpty(), mutable.isEmpty());
            for (Dot probe : universe()) {
                assertEquals(all.contains(probe), mutable.contains(probe), () -> probe + " in " + mutable.value());
            }
        }
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
}
