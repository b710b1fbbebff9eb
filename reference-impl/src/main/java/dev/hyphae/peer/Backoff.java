package dev.hyphae.peer;

import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The pauses between attempts to reconnect to a neighbour (specification, chapter "Transport", section
 * "Reconnection", HY-TRANS-004 and HY-TRANS-005): exponential in the failures since the last session that worked,
 * capped at {@link #MAX_PAUSE_MILLIS}, with jitter, so that the peers that lost a common neighbour do not all
 * reconnect at once when it returns, and a neighbour that restarts is found again within a few seconds.
 *
 * <p>The pause before the attempt that follows {@code n} failures is drawn uniformly from
 * [{@code c}/2, {@code c}], where {@code c} = min({@link #MAX_PAUSE_MILLIS}, {@link #FIRST_PAUSE_MILLIS} &times;
 * 2<sup>n</sup>): half of it is a floor that keeps the schedule exponential, half is jitter. A session
 * <em>worked</em> if its handshake completed and it stayed up for {@link #WORKED_AFTER_MILLIS}; one that ends sooner
 * (refused after the handshake, or dropped at once) counts as a failure, so that a neighbour that admits and then
 * drops this peer is not hammered.
 *
 * <p>The clock and the randomness are given, so that tests can drive it; it sleeps nowhere. Not thread-safe: one
 * keeper of one link uses it.
 */
public final class Backoff {

    /** The ceiling of the first pause after a session that worked, or before the first attempt that failed. */
    public static final long FIRST_PAUSE_MILLIS = 100;
    /** The ceiling of every pause. */
    public static final long MAX_PAUSE_MILLIS = 4_000;
    /** How long a session must stay up, from its handshake, to count as one that worked. */
    public static final long WORKED_AFTER_MILLIS = 5_000;

    private final RandomGenerator random;
    private final LongSupplier clock;
    private int failures;
    private long connectedAt;
    private boolean connected;

    /**
     * @param random where the jitter comes from
     * @param clock  milliseconds, from any origin, that only grow
     */
    public Backoff(RandomGenerator random, LongSupplier clock) {
        this.random = Objects.requireNonNull(random);
        this.clock = Objects.requireNonNull(clock);
    }

    /** The pause before the attempt that follows {@code failures} failures, drawn from {@code random}. */
    public static long pause(int failures, RandomGenerator random) {
        long ceiling = failures >= 30 ? MAX_PAUSE_MILLIS : Math.min(MAX_PAUSE_MILLIS, FIRST_PAUSE_MILLIS << failures);
        return ceiling / 2 + random.nextLong(ceiling - ceiling / 2 + 1);
    }

    /** A session began: its handshake completed. */
    public void connected() {
        connected = true;
        connectedAt = clock.getAsLong();
    }

    /**
     * The session ended in order, by a Close with NO_ERROR (for instance because more documents wait than one session
     * holds, HY-SESS-157). If it {@code brought} something (an entry that either side sent was acknowledged or joined),
     * nothing failed and documents may wait for the next session: the schedule starts again from the first pause
     * (HY-SESS-158). If it brought nothing, it is left to {@link #nextPause} as any other end, and counts as a failure
     * unless it worked (HY-SESS-159): a neighbour that ends every session in order at once is then reconnected to
     * after pauses that grow to {@link #MAX_PAUSE_MILLIS}, not in a tight loop.
     */
    public void endedInOrder(boolean brought) {
        if (brought) {
            failures = 0;
            connected = false;
        }
    }

    /**
     * The session or the attempt ended (the neighbour could not be reached, the handshake failed, or the session
     * ended): returns how long to wait before the next attempt. After a session that worked the schedule starts
     * again from the first pause.
     */
    public long nextPause() {
        if (connected && clock.getAsLong() - connectedAt >= WORKED_AFTER_MILLIS) {
            failures = 0;
        }
        connected = false;
        long pause = pause(failures, random);
        failures = Math.min(failures + 1, 30);
        return pause;
    }
}
