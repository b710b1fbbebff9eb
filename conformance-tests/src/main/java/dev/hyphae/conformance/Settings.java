package dev.hyphae.conformance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How to run the suite.
 *
 * @param adapterCommand   the adapter's command line, as program and arguments
 * @param vectorRoot       the vector root: the directory that holds {@code v1/}
 * @param reportDirectory  where the reports go
 * @param expectedFailures a file of checks expected to fail, or null
 * @param seed             the seed of every generated property, so that a run can be repeated
 * @param tries            how many inputs each generated property tries
 * @param timeout          how long the adapter may take over one request
 * @param counterexamples  a directory to save each failing property's smallest input to as a vector file, or null
 * @param peer             a running peer to check the Peer profile against, or null
 */
public record Settings(List<String> adapterCommand, Path vectorRoot, Path reportDirectory, Path expectedFailures,
                       long seed, int tries, Duration timeout, Path counterexamples, PeerTarget peer) {

    /** The default number of tries of each property. */
    public static final int DEFAULT_TRIES = 100;
    /** The default timeout of one request. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public Settings {
        adapterCommand = List.copyOf(adapterCommand);
        if (adapterCommand.isEmpty() && peer == null) {
            throw new IllegalArgumentException("an adapter, a peer, or both");
        }
        if (tries < 1) {
            throw new IllegalArgumentException("tries must be at least 1");
        }
    }
}
