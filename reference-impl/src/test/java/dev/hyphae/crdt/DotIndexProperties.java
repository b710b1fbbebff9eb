package dev.hyphae.crdt;

import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The index of a replica's state, {@link DotIndex}, against a tree map of dots: after any sequence of puts and
 * removals (appends and dots out of order, removals that leave holes and squeeze them out, counters across the sign
 * bit and at 2^64-1), it holds exactly the tree's dots and values, and a walk between two counters gives the tree's
 * sub-map, in counter order.
 */
class DotIndexProperties {

    private static final ReplicaId A = ReplicaId.fromHex("0000000000000000000000000000000a");
    private static final ReplicaId B = ReplicaId.fromHex("ff00000000000000000000000000000b");
    private static final List<Long> COUNTERS = List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L,
            16L, 17L, 18L, 19L, 20L, Long.MAX_VALUE, Long.MIN_VALUE, -2L, -1L);

    /** An operation: put (value &ge; 0), put if absent (value -2), or remove if the value is the one held (value -1). */
    record Op(Dot dot, int value) {
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Dot> dot = Combinators.combine(Arbitraries.of(A, B), Arbitraries.of(COUNTERS).withoutEdgeCases()).as(Dot::new);
        Arbitrary<Integer> value = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(0, 3)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(-2)),
                net.jqwik.api.Tuple.of(4, Arbitraries.just(-1)));
        return Combinators.combine(dot, value).as(Op::new).list().ofMaxSize(200);
    }

    @Property(tries = 1000)
    void theIndexHoldsWhatATreeHolds(@ForAll("operations") List<Op> operations) {
        DotIndex<Integer> index = new DotIndex<>();
        TreeMap<Dot, Integer> tree = new TreeMap<>();
        Integer[] boxes = {0, 1, 2, 3, 4};   // values compared by identity, as the index compares slots
        for (Op op : operations) {
            if (op.value() >= 0) {
                index.put(op.dot(), boxes[op.value()]);
                tree.put(op.dot(), boxes[op.value()]);
            } else if (op.value() == -2) {
                assertEquals(tree.putIfAbsent(op.dot(), boxes[4]), index.putIfAbsent(op.dot(), boxes[4]));
            } else {
                Integer held = tree.get(op.dot());
                Integer asked = held != null ? held : boxes[0];
                assertEquals(held != null, index.remove(op.dot(), asked));
                tree.remove(op.dot());
                assertEquals(false, index.remove(op.dot(), asked), "a dot removed is gone");
            }
            for (Dot dot : dotsOf(A)) {
                assertEquals(tree.get(dot), index.get(dot));
            }
        }
        TreeMap<Dot, Integer> all = new TreeMap<>();
        index.forEach(all::put);
        assertEquals(tree, all);
        for (ReplicaId replica : List.of(A, B)) {
            for (long first : COUNTERS) {
                for (long last : COUNTERS) {
                    if (Long.compareUnsigned(first, last) > 0) {
                        continue;
                    }
                    List<Integer> walked = new ArrayList<>();
                    index.forEachBetween(replica, first, last, walked::add);
                    List<Integer> expected = new ArrayList<>();
                    for (Map.Entry<Dot, Integer> e : tree.subMap(new Dot(replica, first), true, new Dot(replica, last), true).entrySet()) {
                        expected.add(e.getValue());
                    }
                    assertEquals(expected, walked);
                }
            }
        }
    }

    /**
     * A run of counters one after another from {@code start} (across the sign bit, up to 2^64-1), some removed: the
     * lookup that tries a counter's offset from the first must fall back to the search where holes were squeezed out or
     * a counter was never put, and must never find a counter by a wrapped offset.
     */
    @Property(tries = 300)
    void findsCountersOfARunWithHoles(@ForAll("runStarts") long start, @ForAll("runLengths") int length,
                                      @ForAll("removals") List<Integer> removed, @ForAll("runStarts") long asked) {
        DotIndex<Long> index = new DotIndex<>();
        TreeMap<Dot, Long> tree = new TreeMap<>();
        for (int i = 0; i < length; i++) {
            Dot dot = new Dot(A, start + i);
            Long value = start + i;   // a box per dot: removal compares values by identity
            index.put(dot, value);
            tree.put(dot, value);
        }
        for (int i : removed) {
            Dot dot = new Dot(A, start + i % length);
            Long held = tree.remove(dot);
            assertEquals(held != null, held != null && index.remove(dot, held));
        }
        for (int i = -2; i < length + 2; i++) {
            if (start + i == 0) {
                continue;   // not a counter
            }
            Dot dot = new Dot(A, start + i);   // past 0 or 2^64-1, wrapped: a counter far from the run
            assertEquals(tree.get(dot), index.get(dot), "counter " + Long.toUnsignedString(start + i));
        }
        assertEquals(tree.get(new Dot(A, asked)), index.get(new Dot(A, asked)));
        assertEquals(tree.get(new Dot(B, start)), index.get(new Dot(B, start)));
    }

    @Provide
    Arbitrary<Long> runStarts() {
        return Arbitraries.of(1L, 2L, 100L, Long.MAX_VALUE - 3, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 7, -40L, -20L);
    }

    @Provide
    Arbitrary<Integer> runLengths() {
        return Arbitraries.integers().between(1, 20);
    }

    @Provide
    Arbitrary<List<Integer>> removals() {
        return Arbitraries.integers().between(0, 19).list().ofMaxSize(25);
    }

    private static List<Dot> dotsOf(ReplicaId replica) {
        return COUNTERS.stream().map(c -> new Dot(replica, c)).toList();
    }
}
