package dev.hyphae.peer;

import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admission rules as decisions, apart from any socket: who is admitted, and whom a newcomer displaces. */
class AdmissionTest {

    private static InetAddress address(int last) throws Exception {
        return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
    }

    @Test
    @Requirement({"HY-SEC-009", "HY-SEC-011"})
    void aNewcomerIsAlwaysAdmittedAndTheStalestMakesRoom() throws Exception {
        Admission<String> admission = new Admission<>(new Admission.Limits(3, 3, 1000, 0));
        assertEquals(List.of(), admission.admit("a", address(1), 10));
        assertEquals(List.of(), admission.admit("b", address(2), 20));
        assertEquals(List.of(), admission.admit("c", address(3), 30));
        // Full: every source holds one, so the stalest of all goes.
        assertEquals(List.of("a"), admission.admit("d", address(4), 40));
        assertEquals(3, admission.pending());
        assertFalse(admission.release("a"), "a dropped connection is no longer counted");
        assertTrue(admission.release("b"));
        assertEquals(List.of(), admission.admit("e", address(5), 50), "a released budget is free again");
    }

    @Test
    @Requirement({"HY-SEC-010", "HY-SEC-011"})
    void aSourceAtItsBudgetDisplacesOnlyItsOwnStalest() throws Exception {
        Admission<String> admission = new Admission<>(new Admission.Limits(10, 2, 1000, 0));
        admission.admit("honest", address(1), 0);
        admission.admit("flood-1", address(9), 1);
        admission.admit("flood-2", address(9), 2);
        for (int i = 3; i < 100; i++) {
            assertEquals(List.of("flood-" + (i - 2)), admission.admit("flood-" + i, address(9), i));
        }
        assertEquals(3, admission.pending());
        assertTrue(admission.release("honest"), "a flood from one source never displaces another source");
    }

    @Test
    @Requirement("HY-SEC-011")
    void whenAllAreFullTheBusiestSourceLosesFirst() throws Exception {
        Admission<String> admission = new Admission<>(new Admission.Limits(4, 3, 1000, 0));
        admission.admit("honest", address(1), 0);   // the stalest of all
        admission.admit("flood-1", address(9), 1);
        admission.admit("flood-2", address(9), 2);
        admission.admit("other", address(2), 3);
        assertEquals(List.of("flood-1"), admission.admit("new", address(3), 4));
        assertTrue(admission.release("honest"));
    }

    @Test
    @Requirement("HY-SEC-014")
    void aHandshakeThatSentItsFirstMessageGoesAfterSilentOnes() throws Exception {
        Admission<String> admission = new Admission<>(new Admission.Limits(3, 2, 1000, 0));
        admission.admit("honest", address(1), 0);   // the stalest of all, but it has sent its first message
        admission.progressed("honest");
        admission.admit("silent-1", address(2), 1);
        admission.admit("silent-2", address(3), 2);
        for (int i = 3; i < 100; i++) {
            // Silent newcomers from ever new addresses displace one another, never the handshake under way.
            assertEquals(1, admission.admit("silent-" + i, address(i), i).size());
        }
        assertTrue(admission.release("honest"));
        // Within one source too.
        admission.admit("a", address(200), 200);
        admission.progressed("a");
        admission.admit("b", address(200), 201);
        assertEquals(List.of("b"), admission.admit("c", address(200), 202));
    }

    @Test
    @Requirement("HY-SEC-013")
    void anIpv6SourceIsItsSlash64() throws Exception {
        Admission<String> admission = new Admission<>(new Admission.Limits(10, 2, 1000, 0));
        admission.admit("a", InetAddress.getByName("2001:db8:0:1::1"), 0);
        admission.admit("b", InetAddress.getByName("2001:db8:0:1::2"), 1);
        assertEquals(List.of("a"), admission.admit("c", InetAddress.getByName("2001:db8:0:1:ffff::3"), 2),
                "one /64 is one source");
        assertEquals(List.of(), admission.admit("d", InetAddress.getByName("2001:db8:0:2::1"), 3), "another /64 is another");
    }

    @Test
    void limitsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new Admission.Limits(0, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Admission.Limits(4, 5, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Admission.Limits(4, 2, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Admission.Limits(4, 2, 1, -1));
        assertEquals(new Admission.Limits(Admission.MAX_UNAUTHENTICATED, Admission.MAX_UNAUTHENTICATED_PER_SOURCE,
                Admission.HANDSHAKE_DEADLINE_MILLIS, Admission.PER_SOURCE_PER_MINUTE), Admission.Limits.DEFAULT);
    }

    private static final long SECOND = 1_000_000_000L;

    @Test
    @Requirement("HY-SEC-018")
    void aSourcePastItsRateDisplacesNoOtherSourceAndIsRefusedAtAFullBudget() throws Exception {
        // 4 in all, 2 per source, 1 a second per source after a burst of 2.
        Admission<String> admission = new Admission<>(new Admission.Limits(4, 2, 1000, 60));
        admission.admit("honest", address(1), 0);
        admission.progressed("honest");
        admission.admit("a", address(8), 1);
        admission.admit("b", address(10), 2);
        admission.admit("c", address(11), 3);
        // The budget in all is full: source 9 spends its burst of two displacing other sources' stalest.
        assertEquals(List.of("a"), admission.admit("flood-1", address(9), 4));
        assertEquals(List.of("b"), admission.admit("flood-2", address(9), 5));
        // At its own budget, source 9 displaces its own stalest, which takes no token.
        assertEquals(List.of("flood-1"), admission.admit("flood-3", address(9), 6));
        // Another source within its rate displaces the busiest source's stalest (HY-SEC-011).
        assertEquals(List.of("flood-2"), admission.admit("d", address(12), 7));
        // Source 9 is past its rate and below its own budget: to come in it would displace another source. Refused,
        // and nobody is displaced.
        assertEquals(List.of("flood-4"), admission.admit("flood-4", address(9), 8));
        assertEquals(4, admission.pending());
        // A second later source 9 has one token again.
        assertEquals(List.of("c"), admission.admit("flood-5", address(9), SECOND + 8));
        assertTrue(admission.release("honest"), "a handshake that sent its first message outlasts the silent ones");
    }

    @Test
    @Requirement({"HY-SEC-011", "HY-SEC-018"})
    void aFloodFromAnHonestPeersOwnSourceDoesNotLockItOut() throws Exception {
        Admission<String> admission = new Admission<>(new Admission.Limits(64, 8, 1000, 6));
        InetAddress shared = address(1);
        for (int i = 0; i < 8; i++) {
            admission.admit("flood-" + i, shared, i);
        }
        // Far past the source's rate, the flood reopens its connections as they are dropped; each newcomer displaces
        // the source's own stalest, so none is refused.
        for (int i = 8; i < 1000; i++) {
            assertEquals(List.of("flood-" + (i - 8)), admission.admit("flood-" + i, shared, i));
        }
        // The honest peer at the same source is admitted too, and once it has sent its first message the flood's
        // newcomers displace only each other.
        assertEquals(List.of("flood-992"), admission.admit("honest", shared, 1000));
        admission.progressed("honest");
        for (int i = 1001; i < 2000; i++) {
            assertEquals(1, admission.admit("flood-" + i, shared, i).size());
        }
        assertTrue(admission.release("honest"));
    }

    @Test
    @Requirement("HY-SEC-018")
    void aSourcePastItsRateIsStillAdmittedWhileTheBudgetsHaveRoom() throws Exception {
        Admission<String> admission = new Admission<>(new Admission.Limits(64, 8, 1000, 60));
        for (int i = 0; i < 8; i++) {
            assertEquals(List.of(), admission.admit("c" + i, address(1), i));
            assertTrue(admission.release("c" + i));
        }
        // Its burst of 8 is spent, but nothing is full: the connection is admitted.
        assertEquals(List.of(), admission.admit("more", address(1), 9));
        assertEquals(1, admission.pending());
    }

    @Test
    @Requirement("HY-SEC-019")
    void theRatesOfABoundedNumberOfSourcesAreKeptAndOnlyFullBucketsForgotten() throws Exception {
        // 1 in all, so that every newcomer displaces another source and takes a token: 1 a second, a burst of 1.
        Admission<String> admission = new Admission<>(new Admission.Limits(1, 1, 1000, 60));
        String last = null;
        // The first is admitted into an empty budget and takes no token; each of the next displaces the one before.
        for (int i = 0; i <= Admission.MAX_RATED_SOURCES; i++) {
            InetAddress source = InetAddress.getByAddress(new byte[] {10, 1, (byte) (i >> 8), (byte) i});
            assertEquals(last == null ? List.of() : List.of(last), admission.admit("s" + i, source, i));
            last = "s" + i;
        }
        // As many sources are kept as may be, none with its bucket full again: a source not kept counts as past its
        // rate, rather than coming in with a fresh burst.
        InetAddress unknown = InetAddress.getByAddress(new byte[] {10, 2, 0, 1});
        assertEquals(List.of("late"), admission.admit("late", unknown, Admission.MAX_RATED_SOURCES + 1));
        // Two seconds on, the bucket of the source seen least recently is full again: it is forgotten, which changes
        // nothing, and the new source is kept and within its rate.
        assertEquals(List.of(last), admission.admit("later", unknown, 2 * SECOND));
    }
}
