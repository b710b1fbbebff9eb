package dev.hyphae.codec;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.crdt.AWSet;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.spec.Requirement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The check that no dot is held twice (HY-DATA-055), {@link SeenDots}: it names the dot a set would have refused first,
 * whatever the order and number of the dots, and costs the same on counters chosen to collide in a hash.
 */
class SeenDotsTest {

    private static final ReplicaId A = ReplicaId.fromHex("0a000000000000000000000000000001");
    private static final ReplicaId B = ReplicaId.fromHex("0b000000000000000000000000000002");

    /** The first dot of {@code dots} that a set already held, as a set finds it. */
    private static Dot firstRepeatedBySet(List<Dot> dots) {
        Set<Dot> seen = new HashSet<>();
        for (Dot dot : dots) {
            if (!seen.add(dot)) {
                return dot;
            }
        }
        return null;
    }

    private static Dot firstRepeated(List<Dot> dots, int expected) {
        SeenDots seen = new SeenDots(expected);
        dots.forEach(seen::add);
        return seen.firstRepeated();
    }

    @Provide
    Arbitrary<List<Dot>> dots() {
        // Few counters, so that repeats are common; counters across the sign bit, as everywhere.
        Arbitrary<Long> counter = Arbitraries.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, Long.MAX_VALUE, Long.MIN_VALUE, -1L);
        return Combinators.combine(Arbitraries.of(A, B), counter).as(Dot::new).list().ofMaxSize(100);
    }

    @Property(tries = 1000)
    @Requirement("HY-DATA-055")
    void namesTheDotASetRefusesFirst(@ForAll("dots") List<Dot> dots) {
        assertEquals(firstRepeatedBySet(dots), firstRepeated(dots, 0));
        assertEquals(firstRepeatedBySet(dots), firstRepeated(dots, dots.size()));
    }

    @Test
    @Requirement("HY-DATA-055")
    void findsARepeatAfterTheArraysGrew() {
        List<Dot> dots = new ArrayList<>();
        for (long c = 1; c <= 1_000; c++) {
            dots.add(new Dot(c % 2 == 0 ? A : B, c));
        }
        assertNull(firstRepeated(dots, 0));
        dots.add(new Dot(B, 999));   // held since before the first growth from 16 slots
        dots.add(new Dot(A, 2));
        assertEquals(new Dot(B, 999), firstRepeated(dots, 0));
        dots.add(3, new Dot(A, 1_000));   // a repeat recorded before every other: it is the one named
        assertEquals(new Dot(A, 1_000), firstRepeated(dots, 0));
    }

    /**
     * Counters whose pairs with the first replica all fell in slot 0 of the hash set this check once used, whatever
     * its size: h = (counter + C1) * C2 folded as h ^ (h >>> 32). With h = k * (2^32 + 1), both halves of h are k.
     */
    static long[] collidingCounters(int n) {
        long c1 = 0x9E3779B97F4A7C15L;
        long c2 = 0xC2B2AE3D27D4EB4FL;
        long inverse = c2;   // Newton's iteration for the inverse of an odd number modulo 2^64
        for (int i = 0; i < 6; i++) {
            inverse *= 2 - c2 * inverse;
        }
        long[] counters = new long[n];
        for (int k = 1; k <= n; k++) {
            long h = k * 0x1_0000_0001L;
            counters[k - 1] = h * inverse - c1;
        }
        return counters;
    }

    @Test
    void theCollidingCountersCollide() {
        long[] counters = collidingCounters(1_000);
        assertEquals(1_000, java.util.Arrays.stream(counters).distinct().count());
        for (long counter : counters) {
            long h = (counter + 0x9E3779B97F4A7C15L) * 0xC2B2AE3D27D4EB4FL;
            assertEquals(0, (int) (h ^ (h >>> 32)));
        }
    }

    @Test
    @Requirement("HY-DATA-055")
    void countersChosenToCollideAreCheckedAsAnyOthers() {
        long[] counters = collidingCounters(200_000);
        List<Dot> dots = new ArrayList<>(counters.length + 1);
        for (long counter : counters) {
            dots.add(new Dot(A, counter));
        }
        Collections.shuffle(dots, new Random(55));
        assertNull(firstRepeated(dots, dots.size()));
        dots.add(new Dot(A, counters[counters.length / 2]));
        assertEquals(new Dot(A, counters[counters.length / 2]), firstRepeated(dots, dots.size()));
    }

    /** An AWSet whose element "x" holds {@code dots} and whose element "y" holds {@code more}, with a context of both. */
    private static byte[] awSet(SortedSet<Dot> dots, SortedSet<Dot> more) {
        TreeMap<Value, SortedSet<Dot>> elements = new TreeMap<>();
        elements.put(Value.of("x"), dots);
        if (!more.isEmpty()) {
            elements.put(Value.of("y"), more);
        }
        List<Dot> all = new ArrayList<>(dots);
        all.addAll(more);
        // Unchecked: Codec.encode decodes what it wrote and would refuse a dot held twice before the test could.
        return PayloadEncoder.encode(Payload.of(new CausalState<>(AWSet.of(elements), CausalContext.of(all))));
    }

    @Test
    @Requirement("HY-DATA-055")
    void aPayloadOfCollidingDotsDecodesAndARepeatAmongThemIsRefused() throws ProtocolException {
        long[] counters = collidingCounters(50_000);
        TreeSet<Dot> dots = new TreeSet<>();
        for (long counter : counters) {
            dots.add(new Dot(A, counter));
        }
        byte[] valid = awSet(dots, new TreeSet<>());
        assertEquals(50_000, ((AWSet) Codec.decode(valid).state().store()).entries().get(Value.of("x")).size());

        Dot repeated = new Dot(A, counters[counters.length - 1]);
        byte[] invalid = awSet(dots, new TreeSet<>(Set.of(repeated)));
        ProtocolException e = assertThrows(ProtocolException.class, () -> Codec.decode(invalid));
        assertEquals(ErrorCode.MALFORMED_DELTA, e.code());
        assertTrue(e.getMessage().contains("dot " + repeated + " occurs twice in the store"), e.getMessage());
    }
}
