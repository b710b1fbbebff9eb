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
     * The number of the check in progress, which goes up as each check starts and as it ends. A property's shrinking
     * can run on a thread of its own, which the property engine stops waiting for after a time bound while the
     * thread goes on with the try in hand: its requests, and the crashes they cause, would then land in the next
     * check. {@link SuiteSettingsHook} runs every try of a property, shrinking tries included, marked with the
     * number of the property's check, and the adapter refuses, under its lock, a request of a try whose check has
     * ended (HY-CONF-022). The marking follows the try, not the thread, so pooled threads are marked afresh.
     */
    private static final java.util.concurrent.atomic.AtomicLong check = new java.util.concurrent.atomic.AtomicLong();
    private static final ThreadLocal<Long> checkOfTry = new ThreadLocal<>();

    /** A check or a container of checks starts, or a check ends: requests of tries of an earlier check are refused. */
    static void nextCheck() {
        check.incrementAndGet();
    }

    /** The number of the check in progress. */
    static long currentCheck() {
        return check.get();
    }

    /** Runs {@code aTry} of the property whose check has the number {@code checkNumber}, marked as part of it. */
    static <T> T inCheck(long checkNumber, java.util.concurrent.Callable<T> aTry) throws Exception {
        Long outer = checkOfTry.get();
        checkOfTry.set(checkNumber);
        try {
            return aTry.call();
        } finally {
            if (outer == null) {
                checkOfTry.remove();
            } else {
                checkOfTry.set(outer);
            }
        }
    }

    /**
     * Whether a request made now, on this thread, belongs to the check in progress: always outside a try of a
     * property (a test of JUnit Jupiter, the engine's own thread), and inside one only while its check goes on.
     */
    static boolean requestBelongsToCheckInProgress() {
        Long mine = checkOfTry.get();
        return mine == null || mine == check.get();
    }

    static void begin(Run run) {
        current = run;
    }

    static void end() {
        current = null;
    }
}
