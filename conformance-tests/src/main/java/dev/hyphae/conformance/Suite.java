package dev.hyphae.conformance;

/**
 * The run in progress, which the checks reach: the adapter, what it claims, and the settings. The checks are
 * JUnit Jupiter tests and jqwik properties that the JUnit Platform instantiates, so they find the run here
 * rather than through a constructor. One run at a time.
 */
public final class Suite {

    /**
     * @param adapter  the adapter under test
     * @param hello    its answer to {@code hello}
     * @param settings the settings of the run
     * @param peer     the running peer under test, in the Peer phase; null otherwise
     */
    public record Run(Adapter adapter, Hello hello, Settings settings, PeerTarget peer) {
    }

    private static volatile Run current;

    private Suite() {
    }

    /** The run in progress. */
    public static Run current() {
        Run run = current;
        if (run == null) {
            throw new IllegalStateException("no conformance run in progress: run the checks with ConformanceRunner");
        }
        return run;
    }

    /**
     * The number of the check in progress, which goes up as each check starts and ends. A property's shrinking runs
     * on threads of its own, and the property engine stops waiting for them after a time bound, while they go on:
     * each thread carries the number of the check during which it was made, so that one left over from a check
     * that has ended cannot send the adapter anything in the next check, where its requests and the crashes they
     * cause would be counted against a check that never made them (HY-CONF-022).
     */
    private static final java.util.concurrent.atomic.AtomicLong check = new java.util.concurrent.atomic.AtomicLong();
    private static final InheritableThreadLocal<Long> checkOfThread = new InheritableThreadLocal<>();

    /** A check or a container of checks starts, on the engine's thread. */
    static void checkStarted() {
        checkOfThread.set(check.incrementAndGet());
    }

    /** A check ended: threads made during it can no longer reach the adapter. The engine's thread goes on. */
    static void checkEnded() {
        checkOfThread.set(check.incrementAndGet());
    }

    /**
     * Ends the calling thread's request if the check it was made for has ended.
     *
     * @throws IllegalStateException on a thread left over from a check that has ended
     */
    static void requireCheckInProgress() {
        Long mine = checkOfThread.get();
        if (mine != null && mine != check.get()) {
            throw new IllegalStateException("a request from a thread of a check that has ended (a shrinking step the property engine "
                    + "stopped waiting for); not sent");
        }
    }

    static void begin(Run run) {
        current = run;
    }

    static void end() {
        current = null;
    }
}
