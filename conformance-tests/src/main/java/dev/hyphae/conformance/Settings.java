package dev.hyphae.conformance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

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
 * @param profiles         the profiles whose checks run: all of them, unless a run is narrowed to some (a run that
 *                         checks one defect, or one area of an implementation in development); the verdict then
 *                         speaks of these profiles only
 * @param shrinkingSeconds how long the shrinking of one failing property may take, in seconds; 0 for no shrinking at
 *                         all ({@link #NO_SHRINKING}), which a run that only has to show that checks fail, such as one
 *                         against a seeded defect, asks for: its counterexample is then the first failing try, and no
 *                         shrinking goes on beside the next check (see {@link SuiteSettingsHook})
 * @param peerChecks       the ids ({@code Class.method}) of the Peer profile's checks that run, or empty for all of them: a run
 *                         that only has to show that one check fails a seeded peer defect runs that check alone
 */
public record Settings(List<String> adapterCommand, Path vectorRoot, Path reportDirectory, Path expectedFailures,
                       long seed, int tries, Duration timeout, Path counterexamples, PeerTarget peer, Set<Profile> profiles,
                       int shrinkingSeconds, Set<String> peerChecks) {

    /** The default number of tries of each property. */
    public static final int DEFAULT_TRIES = 100;
    /** The default time bound of the shrinking of one failing property: jqwik's own. */
    public static final int DEFAULT_SHRINKING_SECONDS = 10;
    /** {@code shrinkingSeconds} of a run without shrinking. */
    public static final int NO_SHRINKING = 0;
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
        if (shrinkingSeconds < 0) {
            throw new IllegalArgumentException("shrinkingSeconds must be at least 0");
        }
        profiles = profiles == null || profiles.isEmpty() ? EnumSet.allOf(Profile.class) : Collections.unmodifiableSet(EnumSet.copyOf(profiles));
        peerChecks = peerChecks == null ? Set.of() : Set.copyOf(peerChecks);
    }

    /** Settings that run every check of the Peer profile that the profiles select. */
    public Settings(List<String> adapterCommand, Path vectorRoot, Path reportDirectory, Path expectedFailures,
                    long seed, int tries, Duration timeout, Path counterexamples, PeerTarget peer, Set<Profile> profiles,
                    int shrinkingSeconds) {
        this(adapterCommand, vectorRoot, reportDirectory, expectedFailures, seed, tries, timeout, counterexamples, peer, profiles,
                shrinkingSeconds, Set.of());
    }

    /** Settings that run the checks of every profile. */
    public Settings(List<String> adapterCommand, Path vectorRoot, Path reportDirectory, Path expectedFailures,
                    long seed, int tries, Duration timeout, Path counterexamples, PeerTarget peer) {
        this(adapterCommand, vectorRoot, reportDirectory, expectedFailures, seed, tries, timeout, counterexamples, peer, null,
                DEFAULT_SHRINKING_SECONDS);
    }

    /** Whether a failing property is shrunk at all. */
    public boolean shrinks() {
        return shrinkingSeconds != NO_SHRINKING;
    }

    /** Whether the checks of {@code profile} run. */
    public boolean selects(Profile profile) {
        return profiles.contains(profile);
    }

    /** Whether the run is narrowed to some of the profiles. */
    public boolean narrowed() {
        return profiles.size() < Profile.values().length;
    }
}
