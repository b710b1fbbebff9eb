package dev.hyphae.peer;

import dev.hyphae.spec.Requirement;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reconnection schedule as a function of failures, a seeded random and a clock that the test moves. */
class BackoffTest {

    @Property
    @Requirement("HY-TRANS-004")
    void aPauseIsBetweenHalfItsCeilingAndItsCeilingAndNeverPastTheCap(@ForAll @IntRange(min = 0, max = 200) int failures,
                                                                       @ForAll long seed) {
        long ceiling = Math.min(Backoff.MAX_PAUSE_MILLIS, Backoff.FIRST_PAUSE_MILLIS << Math.min(failures, 30));
        long pause = Backoff.pause(failures, new SplittableRandom(seed));
        assertTrue(pause >= ceiling / 2 && pause <= ceiling, pause + " for ceiling " + ceiling);
        assertTrue(pause <= Backoff.MAX_PAUSE_MILLIS);
    }

    @Property
    @Requirement("HY-TRANS-004")
    void theScheduleGrowsUntilTheCap(@ForAll long seed) {
        Backoff backoff = new Backoff(new SplittableRandom(seed), () -> 0);
        long ceiling = Backoff.FIRST_PAUSE_MILLIS;
        for (int attempt = 0; attempt < 12; attempt++) {
            long pause = backoff.nextPause();
            assertTrue(pause >= ceiling / 2 && pause <= ceiling, "attempt " + attempt + ": " + pause);
            ceiling = Math.min(Backoff.MAX_PAUSE_MILLIS, ceiling * 2);
        }
    }

    @Property
    @Requirement("HY-TRANS-005")
    void aSessionThatWorkedResetsTheScheduleAndOneThatEndedAtOnceDoesNot(@ForAll long seed) {
        long[] now = {0};
        Backoff backoff = new Backoff(new SplittableRandom(seed), () -> now[0]);
        for (int i = 0; i < 6; i++) {
            backoff.nextPause();
        }
        // A session that is dropped just after its handshake: the schedule goes on growing.
        backoff.connected();
        now[0] += Backoff.WORKED_AFTER_MILLIS - 1;
        assertTrue(backoff.nextPause() >= Backoff.MAX_PAUSE_MILLIS / 2);
        // A session that stayed up: the next pause is as short as the first.
        backoff.connected();
        now[0] += Backoff.WORKED_AFTER_MILLIS;
        assertTrue(backoff.nextPause() <= Backoff.FIRST_PAUSE_MILLIS);
        assertTrue(backoff.nextPause() <= 2 * Backoff.FIRST_PAUSE_MILLIS);
    }

    @Property
    @Requirement("HY-SESS-158")
    void aSessionThatEndedInOrderHavingBroughtSomethingStartsTheScheduleAfresh(@ForAll long seed) {
        long[] now = {0};
        Backoff backoff = new Backoff(new SplittableRandom(seed), () -> now[0]);
        for (int i = 0; i < 6; i++) {
            backoff.nextPause();
        }
        backoff.connected();
        now[0] += 10;
        backoff.endedInOrder(true);
        assertTrue(backoff.nextPause() <= Backoff.FIRST_PAUSE_MILLIS);
    }

    /**
     * A neighbour that ends every session in order at once, so that none brings anything: each counts as a failure,
     * and the pauses grow as after failed attempts, to the cap, rather than staying at the first (HY-SESS-159).
     */
    @Property
    @Requirement("HY-SESS-159")
    void sessionsThatEndInOrderAtOnceBringingNothingCountAsFailures(@ForAll long seed) {
        long[] now = {0};
        Backoff backoff = new Backoff(new SplittableRandom(seed), () -> now[0]);
        long ceiling = Backoff.FIRST_PAUSE_MILLIS;
        for (int session = 0; session < 12; session++) {
            backoff.connected();
            now[0] += 10;
            backoff.endedInOrder(false);
            long pause = backoff.nextPause();
            assertTrue(pause >= ceiling / 2 && pause <= ceiling, "session " + session + ": " + pause);
            now[0] += pause;
            ceiling = Math.min(Backoff.MAX_PAUSE_MILLIS, ceiling * 2);
        }
    }

    @Property
    void theSameSeedGivesTheSameSchedule(@ForAll long seed) {
        Backoff a = new Backoff(new SplittableRandom(seed), () -> 0);
        Backoff b = new Backoff(new SplittableRandom(seed), () -> 0);
        for (int i = 0; i < 10; i++) {
            assertEquals(a.nextPause(), b.nextPause());
        }
    }
}
