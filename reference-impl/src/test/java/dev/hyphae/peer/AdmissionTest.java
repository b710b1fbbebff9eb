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
    void aSourcePastItsRateDisplacesNobodyAndIsRefusedAtAFullBudget() throws Exception {
        // 4 in all, 2 per source, 1 a second per source after a burst of 2.
        Admission<String> admission = new Admission<>(new Admission.Limits(4, 2, 1000, 60));
        admission.admit("honest", address(1), 0);
        assertEquals(List.of(), admission.admit("flood-1", address(9), 1));
        assertEquals(List.of(), admission.admit("flood-2", address(9), 2));
        assertEquals(List.of(), admission.admit("flood-3", address(8), 3));
        // The budget in all is full. Source 9 has spent its burst: its newcomer is refused, and nobody is displaced.
        assertEquals(List.of("flood-4"), admission.admit("flood-4", address(9), 4));
        assertEquals(4, admission.pending());
        // A second later source 9 has one token again, and displaces its own stalest.
        assertEquals(List.of("flood-1"), admission.admit("flood-5", address(9), SECOND + 4));
        assertEquals(List.of("flood-6"), admission.admit("flood-6", address(9), SECOND + 5));
        // Another source within its rate still displaces as HY-SEC-011 says: the busiest source's stalest.
        assertEquals(List.of("flood-2"), admission.admit("newcomer", address(2), SECOND + 6));
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
    void theRatesOfABoundedNumberOfSourcesAreKept() throws Exception {
        Admission<String> admission = new Admission<>(new Admission.Limits(1, 1, 1000, 60));
        admission.admit("held", address(1), 0);
        assertEquals(List.of("held-again"), admission.admit("held-again", address(1), 1), "source 1 spent its one token");
        // So many other sources are seen, each within its rate and displacing the one before it, that source 1's
        // bucket is forgotten.
        String last = "held";
        for (int i = 0; i <= Admission.MAX_RATED_SOURCES; i++) {
            InetAddress other = InetAddress.getByAddress(new byte[] {10, 1, (byte) (i >> 8), (byte) i});
            assertEquals(List.of(last), admission.admit("s" + i, other, 2 + i));
            last = "s" + i;
        }
        // Forgotten, source 1 starts again with a full bucket, as a new source would.
        assertEquals(List.of(last), admission.admit("back", address(1), 3 + Admission.MAX_RATED_SOURCES));
    }
}
