package dev.hyphae.conformance;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.PostDiscoveryFilter;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

/**
 * Runs the conformance suite against an adapter: starts it, asks {@code hello}, runs every check of the package
 * {@code dev.hyphae.conformance.checks} on the JUnit Platform, applies the expected-failures file, prints the
 * progress and a summary, and writes the reports. The entry point of {@code hyphae conformance}.
 */
public final class ConformanceRunner {

    /** The package whose JUnit Jupiter tests and jqwik properties are the checks. */
    public static final String CHECKS = "dev.hyphae.conformance.checks";

    private ConformanceRunner() {
    }

    /**
     * Runs the suite.
     *
     * @return 0 when the implementation conforms (the report's {@code summary.conforms}: every check passed, or failed
     *         as the expected-failures file says, or is of a profile not claimed; no crash), 1 otherwise
     */
    public static int run(Settings settings, PrintStream out) throws IOException {
        ExpectedFailures expected = settings.expectedFailures() == null ? ExpectedFailures.none()
                : ExpectedFailures.read(settings.expectedFailures());
        ResultCollector collector = new ResultCollector(out, expected.ids());
        java.nio.file.Files.createDirectories(settings.reportDirectory());
        java.nio.file.Files.deleteIfExists(engineLog(settings));
        if (settings.adapterCommand().isEmpty()) {
            // Peer mode alone: a vendor with a running peer and no adapter.
            Hello peer = peerHello(settings.peer());
            runPeerPhase(settings, peer, null, collector, out);
            return finish(settings, peer, null, expected, collector, out);
        }
        java.nio.file.Files.deleteIfExists(adapterLog(settings));
        try (Adapter adapter = new Adapter(settings.adapterCommand(), settings.timeout(), adapterLog(settings))) {
            out.println("hyphae conformance: adapter " + shown(settings.adapterCommand()));
            Response hello = adapter.send(Adapter.request("hello"));
            if (!hello.isResult()) {
                // Nothing can be checked; the reports say so, as every run's do.
                out.println("hyphae conformance: the adapter did not answer hello: " + hello.describe());
                Hello none = new Hello("(no answer to hello)", "?", List.of(), java.util.Set.of(), java.util.Set.of(), List.of());
                Reports reports = new Reports(settings, none, adapter, List.of(new CheckResult("hello", null, false, List.of(),
                        CheckResult.Status.FAILED, "the adapter did not answer hello: " + hello.describe(), 0)));
                reports.write();
                out.println("reports: " + reports.paths());
                return 1;
            }
            Hello claims = Hello.of(hello.result());
            out.printf("implementation: %s %s; protocol versions %s; profiles %s; CRDT types %s%n", claims.name(), claims.version(),
                    claims.protocolVersions(), claims.profiles().stream().map(Profile::id).toList(), claims.crdtTypes());
            if (!claims.unknownProfiles().isEmpty()) {
                out.println("the adapter claims profiles this suite does not know, which are not checked: " + claims.unknownProfiles());
            }
            out.printf("seed %d, %d tries per property (a split check: its share), reports in %s%n", settings.seed(), settings.tries(),
                    settings.reportDirectory());
            if (settings.narrowed()) {
                out.println("narrowed to the profiles " + settings.profiles().stream().map(Profile::id).toList()
                        + "; the verdict speaks of these only");
            }
            runPhase(new Suite.Run(adapter, claims, settings, null),
                    // The Peer profile's checks need a running peer; they run in the peer phase only.
                    LauncherDiscoveryRequestBuilder.request().selectors(selectPackage(CHECKS))
                            .filters(ClassNameFilter.excludeClassNamePatterns(PEER_CHECKS), selectedProfiles(settings)),
                    settings, collector);
            if (settings.peer() != null && settings.selects(Profile.PEER)) {
                Hello both = new Hello(claims.name(), claims.version(), claims.protocolVersions(),
                        java.util.EnumSet.copyOf(union(claims.profiles(), Profile.PEER)), claims.crdtTypes(), claims.unknownProfiles());
                runPeerPhase(settings, both, adapter, collector, out);
                claims = both;
            }
            return finish(settings, claims, adapter, expected, collector, out);
        }
    }

    private static java.util.Set<Profile> union(java.util.Set<Profile> profiles, Profile more) {
        java.util.Set<Profile> all = new java.util.HashSet<>(profiles);
        all.add(more);
        return all;
    }

    /** What a running peer claims: the Peer profile, over protocol version 1.0. */
    private static Hello peerHello(PeerTarget peer) {
        String where = peer.address().getHostString() + ":" + peer.address().getPort();
        return new Hello("peer at " + where, "?", List.of("1.0"), java.util.EnumSet.of(Profile.PEER), java.util.Set.of(), List.of());
    }

    private static void runPeerPhase(Settings settings, Hello hello, Adapter adapter, ResultCollector collector, PrintStream out)
            throws IOException {
        PeerTarget peer = settings.peer();
        out.printf("peer %s:%d, key %s; the suite connects as %s%n", peer.address().getHostString(), peer.address().getPort(),
                java.util.HexFormat.of().formatHex(peer.peerKey()), java.util.HexFormat.of().formatHex(peer.suiteKey().publicKey()));
        if (!settings.peerChecks().isEmpty()) {
            out.println("narrowed to the Peer profile's checks " + new java.util.TreeSet<>(settings.peerChecks()));
        }
        runPhase(new Suite.Run(adapter, hello, settings, peer),
                LauncherDiscoveryRequestBuilder.request().selectors(selectPackage(CHECKS))
                        .filters(ClassNameFilter.includeClassNamePatterns(PEER_CHECKS), selectedPeerChecks(settings))
                        // A check that leaves the peer changed for every later session runs last, by its @Order.
                        .configurationParameter("junit.jupiter.testclass.order.default",
                                "org.junit.jupiter.api.ClassOrderer$OrderAnnotation"),
                settings, collector);
    }

    /** Leaves out the Peer profile's checks other than those that the run is narrowed to, if it is. */
    private static PostDiscoveryFilter selectedPeerChecks(Settings settings) {
        return descriptor -> settings.peerChecks().isEmpty() || !(descriptor.getSource().orElse(null) instanceof MethodSource m)
                || settings.peerChecks().contains(m.getJavaClass().getSimpleName() + "." + m.getMethodName())
                ? FilterResult.included("selected") : FilterResult.excluded("the run is narrowed to " + settings.peerChecks());
    }

    /**
     * Leaves out the checks of the profiles that the run is not narrowed to, by the {@link Checks} of their class. A
     * test factory makes checks of several profiles (the vectors) and leaves out those of other profiles itself.
     */
    private static PostDiscoveryFilter selectedProfiles(Settings settings) {
        return descriptor -> {
            Class<?> type = descriptor.getSource().map(ConformanceRunner::classOf).orElse(null);
            Checks checks = type == null ? null : type.getAnnotation(Checks.class);
            boolean factory = descriptor.getSource().orElse(null) instanceof MethodSource m
                    && m.getJavaMethod().isAnnotationPresent(org.junit.jupiter.api.TestFactory.class);
            return checks == null || factory || settings.selects(checks.value()) ? FilterResult.included("selected")
                    : FilterResult.excluded("the run is narrowed to the profiles " + settings.profiles());
        };
    }

    private static Class<?> classOf(TestSource source) {
        if (source instanceof ClassSource c) {
            return c.getJavaClass();
        }
        return source instanceof MethodSource m ? m.getJavaClass() : null;
    }

    /**
     * The classes of the Peer profile's checks, as a pattern of class names: {@code PeerChecks}, and one class for each
     * chapter whose requirements a peer shows on the wire ({@code PeerFramingChecks}, {@code PeerSessionChecks} and so on).
     */
    static final String PEER_CHECKS = ".*\\.Peer[A-Za-z]*Checks";

    private static void runPhase(Suite.Run run, LauncherDiscoveryRequestBuilder request, Settings settings, ResultCollector collector)
            throws IOException {
        java.nio.file.Files.createDirectories(settings.reportDirectory());
        // jqwik insists on a failure database; it goes to a file not yet there, in a temporary folder, so that runs
        // share nothing. (An empty file would not do: jqwik tries to read it and prints a stack trace.)
        java.nio.file.Path folder = java.nio.file.Files.createTempDirectory("hyphae-conformance-jqwik");
        java.nio.file.Path database = folder.resolve("failures.db");
        Suite.begin(run);
        try {
            LauncherDiscoveryRequest discovery = request
                    // jqwik: report only failures, keep no failure database between runs (the seed makes a run
                    // repeatable), and never re-run a previous failure first.
                    .configurationParameter("jqwik.reporting.onlyfailures", "true")
                    .configurationParameter("jqwik.database", database.toString())
                    .configurationParameter("jqwik.failures.runfirst", "false")
                    .configurationParameter("jqwik.failures.after.default", "SAMPLE_ONLY")
                    .configurationParameter("jqwik.seeds.whenfixed", "ALLOW")
                    // The defaults, in case a property escapes SuiteSettingsHook, which sets them with the seed.
                    .configurationParameter("jqwik.tries.default", Integer.toString(settings.tries()))
                    .configurationParameter("jqwik.edgecases.default", "NONE")
                    .configurationParameter("jqwik.shrinking.default", settings.shrinks() ? "BOUNDED" : "OFF")
                    .configurationParameter("jqwik.shrinking.bounded.seconds", Integer.toString(Math.max(1, settings.shrinkingSeconds())))
                    .build();
            // What the test engines write themselves (jqwik's notices and log records) goes to the engine log, not
            // between the result lines; the collector writes to the stream it was given before the switch.
            try (EngineOutput engine = EngineOutput.open(engineLog(settings))) {
                Launcher launcher = LauncherFactory.create();
                launcher.execute(discovery, collector);
            }
        } finally {
            Suite.end();
            java.nio.file.Files.deleteIfExists(database);
            java.nio.file.Files.deleteIfExists(folder);
        }
    }

    /** Prints {@code label} and {@code file} when the file holds anything. */
    private static void nameIfNotEmpty(java.nio.file.Path file, String label, PrintStream out) {
        try {
            if (java.nio.file.Files.exists(file) && java.nio.file.Files.size(file) > 0) {
                out.println(label + file);
            }
        } catch (IOException e) {
            out.println(label + file + " (unreadable: " + e.getMessage() + ")");
        }
    }

    /** The file in the report directory that receives the adapter's standard error. */
    static java.nio.file.Path adapterLog(Settings settings) {
        return settings.reportDirectory().resolve("adapter.log");
    }

    /** The file in the report directory that receives what the test engines print. */
    static java.nio.file.Path engineLog(Settings settings) {
        return settings.reportDirectory().resolve("engine.log");
    }

    /**
     * The adapter's command line as the console shows it: a class path, which can run to thousands of characters,
     * stands as its number of entries. The JSON report keeps the whole command.
     */
    static String shown(List<String> command) {
        List<String> shown = new java.util.ArrayList<>();
        for (int i = 0; i < command.size(); i++) {
            String arg = command.get(i);
            shown.add(arg);
            if (List.of("-cp", "-classpath", "--class-path").contains(arg) && i + 1 < command.size()) {
                int entries = command.get(++i).split(java.io.File.pathSeparator, -1).length;
                shown.add("<class path of " + entries + (entries == 1 ? " entry>" : " entries>"));
            }
        }
        return String.join(" ", shown);
    }

    private static int finish(Settings settings, Hello claims, Adapter adapter, ExpectedFailures expected, ResultCollector collector,
                              PrintStream out) throws IOException {
        List<CheckResult> results = expected.apply(collector.results());
        Reports reports = new Reports(settings, claims, adapter, results);
        reports.write();
        summarise(reports, results, adapter, out);
        return reports.conforms() ? 0 : 1;
    }

    private static void summarise(Reports reports, List<CheckResult> results, Adapter adapter, PrintStream out) {
        out.println();
        for (CheckResult r : results) {
            if (r.failsTheRun()) {
                out.println("FAILED " + r.id() + " " + r.requirements());
                r.detail().lines().forEach(l -> out.println("    " + l));
            }
        }
        for (Profile p : Profile.values()) {
            String claim = reports.claims(p) ? "claimed" : "not claimed";
            if (!reports.ran(p)) {
                out.printf("%-18s not run (%s%s)%n", p.title() + ":", claim, !reports.settings().selects(p) ? "; not selected"
                        : p == Profile.PEER ? "; no running peer was given" : "");
                continue;
            }
            long[] n = new long[CheckResult.Status.values().length];
            results.stream().filter(r -> r.profile() == p).forEach(r -> n[r.status().ordinal()]++);
            out.printf("%-18s %4d passed, %d failed, %d expected failures, %d unexpected passes, %d unsupported, %d warnings (%s)%n",
                    p.title() + ":", n[0], n[1], n[2], n[3], n[4], n[5], claim);
        }
        long failing = results.stream().filter(CheckResult::failsTheRun).count();
        out.printf("%d checks, %d failing; %d requirements named; adapter crashes: %s%n", results.size(), failing,
                reports.requirements().size(), adapter == null ? "no adapter" : Long.toString(adapter.crashes()));
        for (Profile p : Profile.values()) {
            // A claimed profile with no failure can still fall short of a claim: a check of it was unsupported, or none ran.
            if (reports.claims(p) && reports.settings().selects(p) && failing == 0 && !reports.conforms(p, true)) {
                out.println(p.title() + " is claimed but " + (reports.ran(p) ? "some of its checks were unsupported" : "none of its checks ran")
                        + ": a claim needs every check of the profile to pass (HY-CONF-004)");
            }
        }
        out.println(reports.conforms() ? "CONFORMS" : "DOES NOT CONFORM");
        out.println("reports: " + reports.paths());
        nameIfNotEmpty(engineLog(reports.settings()), "what the test engines printed: ", out);
        nameIfNotEmpty(adapterLog(reports.settings()), "what the adapter wrote to its standard error: ", out);
    }
}
