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

    static void begin(Run run) {
        current = run;
    }

    static void end() {
        current = null;
    }
}
