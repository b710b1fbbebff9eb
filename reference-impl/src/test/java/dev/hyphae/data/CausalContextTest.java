package dev.hyphae.data;

import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Canonical form, compaction, union and next dots of causal contexts. */
class CausalContextTest {

    private static final ReplicaId A = ReplicaId.fromHex("0000000000000000000000000000000a");
    private static final ReplicaId B = ReplicaId.fromHex("ff00000000000000000000000000000b");

    private static Dot a(long n) {
        return new Dot(A, n);
    }

    @Test
    @Requirement("HY-DATA-009")
    void contiguousDotsAreAbsorbedIntoTheVersionVector() {
        CausalContext context = CausalContext.of(List.of(a(3), a(1), a(2), a(5), new Dot(B, 2)));

        assertEquals(3L, context.versionVector().get(A));
        assertEquals(new TreeSet<>(List.of(a(5), new Dot(B, 2))), context.cloud());
        assertTrue(context.contains(a(2)));
        assertFalse(context.contains(a(4)));
        assertTrue(context.contains(a(5)));
    }

    @Test
    @Requirement("HY-DATA-009")
    void unionFillsAGapAndCompacts() {
        CausalContext left = CausalContext.of(List.of(a(1), a(2), a(4)));
        CausalContext right = CausalContext.of(List.of(a(3)));

        CausalContext union = left.union(right);

        assertEquals(4L, union.versionVector().get(A));
        assertTrue(union.cloud().isEmpty());
        assertEquals(union, right.union(left));
        assertEquals(CausalContext.of(List.of(a(4), a(3), a(2), a(1))), union, "equal sets of dots are equal contexts");
    }

    @Test
    @Requirement("HY-DATA-006")
    void nextDotFollowsTheGreatestCounterInVectorOrCloud() {
        assertEquals(a(1), CausalContext.EMPTY.nextDot(A));
        assertEquals(a(8), CausalContext.of(List.of(a(1), a(7))).nextDot(A));
        assertEquals(new Dot(B, 1), CausalContext.of(List.of(a(1), a(7))).nextDot(B));
    }

    @Test
    @Requirement("HY-DATA-007")
    void aReplicaThatIssuedTheLastCounterCannotWrite() {
        CausalContext full = CausalContext.of(List.of(new Dot(A, -1L)));
        assertThrows(MutationRefusedException.class, () -> full.nextDot(A));
    }

    @Test
    @Requirement("HY-CONV-002")
    void countersCompareUnsignedAcrossTheSignBit() {
        CausalContext context = CausalContext.of(List.of(new Dot(A, Long.MAX_VALUE), new Dot(A, Long.MIN_VALUE)));
        assertEquals(new Dot(A, Long.MIN_VALUE + 1), context.nextDot(A));
        assertEquals(List.of(new Dot(A, Long.MAX_VALUE), new Dot(A, Long.MIN_VALUE)), List.copyOf(context.cloud()));
    }

    @Test
    @Requirement("HY-DATA-010")
    void onlyCanonicalFormIsAcceptedFromOutside() {
        TreeMap<ReplicaId, Long> vector = new TreeMap<>();
        vector.put(A, 2L);
        assertNotNull(CausalContext.ofCanonical(vector, new TreeSet<>(List.of(a(4)))));
        assertNull(CausalContext.ofCanonical(vector, new TreeSet<>(List.of(a(3)))), "(A,3) extends the vector");
        assertNull(CausalContext.ofCanonical(vector, new TreeSet<>(List.of(a(2)))), "(A,2) is covered by it");
        TreeMap<ReplicaId, Long> zero = new TreeMap<>();
        zero.put(A, 0L);
        assertNull(CausalContext.ofCanonical(zero, new TreeSet<>()), "a vector entry of 0 is not canonical");
    }

    @Test
    @Requirement({"HY-DATA-010", "HY-CONV-002"})
    void anAscendingCloudGivesWhatASortedOneGivesAndNothingOutOfOrder() {
        TreeMap<ReplicaId, Long> vector = new TreeMap<>();
        vector.put(A, 2L);
        List<Dot> ascending = List.of(a(4), a(5), a(Long.MAX_VALUE), a(Long.MIN_VALUE), new Dot(B, 2));
        CausalContext context = CausalContext.ofCanonicalAscending(vector, ascending);
        assertEquals(CausalContext.ofCanonical(vector, new TreeSet<>(ascending)), context);
        assertEquals(ascending, List.copyOf(context.cloud()));

        assertNull(CausalContext.ofCanonicalAscending(vector, List.of(a(5), a(4))), "descending counters");
        assertNull(CausalContext.ofCanonicalAscending(vector, List.of(a(4), a(4))), "a dot twice");
        assertNull(CausalContext.ofCanonicalAscending(vector, List.of(a(Long.MIN_VALUE), a(Long.MAX_VALUE))),
                "counters out of unsigned order");
        assertNull(CausalContext.ofCanonicalAscending(vector, List.of(new Dot(B, 2), a(4))), "replicas out of order");
        assertNull(CausalContext.ofCanonicalAscending(vector, List.of(a(3))), "(A,3) extends the vector");
        assertNull(CausalContext.ofCanonicalAscending(vector, List.of(a(2), a(4))), "(A,2) is covered by it");
        assertNull(CausalContext.ofCanonicalAscending(new TreeMap<>(java.util.Map.of(A, 0L)), List.of()),
                "a vector entry of 0 is not canonical");
    }
}
