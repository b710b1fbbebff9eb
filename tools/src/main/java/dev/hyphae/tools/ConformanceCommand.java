package dev.hyphae.tools;

import dev.hyphae.cli.PeerCommand;
import dev.hyphae.conformance.ConformanceRunner;
import dev.hyphae.conformance.PeerTarget;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Settings;
import dev.hyphae.noise.KeyPair;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code hyphae conformance}: runs the conformance suite against an adapter (specification, chapter
 * "Conformance"). Without {@code --adapter}, the adapter is the reference implementation's own
 * ({@code hyphae adapter}), started as a separate process exactly as a vendor's would be.
 */
@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = {"Run the conformance suite against an implementation's adapter, and write HTML, JSON and JUnit XML reports.",
                "Exit status: 0 when the implementation conforms, 1 when a check fails, 2 on a usage error."})
final class ConformanceCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--adapter", paramLabel = "COMMAND",
            description = "The adapter's command line, run with /bin/sh -c. Default: the reference implementation's adapter.")
    String adapter;

    @Option(names = "--report-dir", paramLabel = "DIR", description = "Where the reports go. Default: ${DEFAULT-VALUE}.",
            defaultValue = "target/conformance")
    Path reportDirectory;

    @Option(names = "--expected-failures", paramLabel = "FILE",
            description = "A file of check ids expected to fail, one a line; a listed check that passes fails the run.")
    Path expectedFailures;

    @Option(names = "--vectors", paramLabel = "DIR", description = "The vector root, which holds v1/: a copy of the test-vectors folder of the Hyphae repository, "
                    + "at the revision of the specification you implement. Default: the test-vectors folder of the "
                    + "repository this command was built in.")
    Path vectors;

    @Option(names = "--seed", paramLabel = "N", description = "The seed of the generated properties. Default: ${DEFAULT-VALUE}.",
            defaultValue = "42")
    long seed;

    @Option(names = "--tries", paramLabel = "N", description = "Inputs tried by each generated property; a check split from one that checked several rules runs "
                    + "its share of them. Default: ${DEFAULT-VALUE}.",
            defaultValue = "" + Settings.DEFAULT_TRIES)
    int tries;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "How long the adapter may take over one request. Default: ${DEFAULT-VALUE}.",
            defaultValue = "10")
    int timeoutSeconds;

    @Option(names = "--peer", paramLabel = "HOST:PORT",
            description = "Also check the Peer profile against the peer running there (with --peer-key and --suite-key). "
                    + "With --peer and no --adapter, only the Peer profile is checked.")
    String peer;

    @Option(names = "--peer-key", paramLabel = "HEX", description = "The running peer's Noise static public key, 64 hex digits.")
    String peerKey;

    @Option(names = "--suite-key", paramLabel = "FILE",
            description = "The suite's private key file (from `hyphae keygen`), which the peer trusts with write on documents named conformance-*.")
    Path suiteKey;

    @Option(names = "--reader-key", paramLabel = "FILE",
            description = "The private key file of the suite's reader, which the peer trusts with read only on documents named"
                    + " conformance-reader-* (goes with --peer; without it, the checks of a reader are unsupported).")
    Path readerKey;

    @Option(names = "--save-counterexamples", paramLabel = "DIR",
            description = "Save the smallest failing input of each failing property as a vector file under DIR/v1/.")
    Path counterexamples;

    @Option(names = "--profiles", paramLabel = "PROFILE", split = ",",
            description = "Run the checks of these profiles only (codec, replica-semantics, handshake, peer); the verdict then "
                    + "speaks of them only. Default: every profile.")
    List<String> profiles = List.of();

    @Option(names = "--shrinking-seconds", paramLabel = "N",
            description = "How long the shrinking of one failing property may take, in seconds; 0 turns shrinking off, so that "
                    + "a counterexample is the first failing input. Default: ${DEFAULT-VALUE}.",
            defaultValue = "" + Settings.DEFAULT_SHRINKING_SECONDS)
    int shrinkingSeconds;

    @Option(names = "--peer-defect", paramLabel = "NAME", hidden = true,
            description = "Seed this peer defect (peer-...) into the reference peer that the command starts, to show that the Peer"
                    + " profile catches it.")
    String peerDefect;

    @Option(names = "--peer-check", paramLabel = "CLASS.METHOD", split = ",", hidden = true,
            description = "Run only these checks of the Peer profile: with --peer-defect, the check that must catch the defect.")
    List<String> peerChecks = List.of();

    @Override
    public Integer call() throws Exception {
        java.util.Set<Profile> selected = java.util.EnumSet.noneOf(Profile.class);
        for (String p : profiles) {
            Profile profile = Profile.of(p);
            if (profile == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "no profile '" + p + "'");
            }
            selected.add(profile);
        }
        if (tries < 1 || timeoutSeconds < 1 || shrinkingSeconds < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tries and --timeout must be at least 1, --shrinking-seconds at least 0");
        }
        if (expectedFailures != null && !Files.isRegularFile(expectedFailures)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no expected-failures file " + expectedFailures);
        }
        if ((peerDefect != null || !peerChecks.isEmpty())
                && (peer != null || adapter != null || !selected.isEmpty() && !selected.contains(Profile.PEER))) {
            // Both act on the reference peer that this command starts for the Peer profile, which --peer, --adapter and
            // a choice of profiles without it leave unstarted: refused rather than silently ignored.
            throw new CommandLine.ParameterException(spec.commandLine(), "--peer-defect and --peer-check go with the Peer profile"
                    + " run against the reference peer, not with --peer, --adapter or profiles without peer");
        }
        Path root = home();
        Path vectorRoot = vectors != null ? vectors : root.resolve("test-vectors");
        if (!Files.isDirectory(vectorRoot.resolve("v1"))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no vectors at " + vectorRoot.resolve("v1")
                    + ": give --vectors DIR, a copy of the Hyphae repository's test-vectors folder (the one that holds v1/)");
        }
        java.io.PrintStream out = new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                java.nio.charset.StandardCharsets.UTF_8);
        if (peer != null) {
            if (peerKey == null || suiteKey == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--peer needs --peer-key and --suite-key");
            }
            PeerTarget target;
            try {
                target = new PeerTarget(PeerCommand.address(peer), HexFormat.of().parseHex(peerKey), PeerCommand.readKey(suiteKey),
                        readerKey == null ? null : PeerCommand.readKey(readerKey));
            } catch (IllegalArgumentException | java.io.IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--peer, --peer-key, --suite-key or --reader-key: "
                        + e.getMessage());
            }
            List<String> command = adapter != null ? List.of("/bin/sh", "-c", adapter) : List.of();
            return ConformanceRunner.run(new Settings(command, vectorRoot, reportDirectory, expectedFailures, seed, tries,
                    Duration.ofSeconds(timeoutSeconds), counterexamples, target, selected, shrinkingSeconds), out);
        }
        if (peerKey != null || suiteKey != null || readerKey != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--peer-key, --suite-key and --reader-key go with --peer");
        }
        if (adapter != null) {
            return ConformanceRunner.run(new Settings(List.of("/bin/sh", "-c", adapter), vectorRoot, reportDirectory, expectedFailures,
                    seed, tries, Duration.ofSeconds(timeoutSeconds), counterexamples, null, selected, shrinkingSeconds), out);
        }
        if (!selected.isEmpty() && !selected.contains(Profile.PEER)) {
            // Narrowed to profiles that need no running peer: none is started.
            return ConformanceRunner.run(new Settings(referenceAdapter(), vectorRoot, reportDirectory, expectedFailures, seed, tries,
                    Duration.ofSeconds(timeoutSeconds), counterexamples, null, selected, shrinkingSeconds), out);
        }
        // The whole suite against the reference implementation: its adapter, and a reference peer in its own process.
        try (ReferencePeer reference = ReferencePeer.start(peerDefect == null ? null : Defect.of(peerDefect))) {
            return ConformanceRunner.run(new Settings(referenceAdapter(), vectorRoot, reportDirectory, expectedFailures, seed, tries,
                    Duration.ofSeconds(timeoutSeconds), counterexamples, reference.target(), selected, shrinkingSeconds,
                    java.util.Set.copyOf(peerChecks)), out);
        }
    }

    /**
     * A reference peer started for the Peer profile: {@code hyphae peer serve} in a new JVM, on a fresh folder and an
     * ephemeral port, trusting a key made for this run.
     */
    private static final class ReferencePeer implements AutoCloseable {
        private final Process process;
        private final Path folder;
        private final PeerTarget target;

        private ReferencePeer(Process process, Path folder, PeerTarget target) {
            this.process = process;
            this.folder = folder;
            this.target = target;
        }

        /** Starts {@code hyphae peer serve}, or, with a seeded peer defect, the {@link SeededPeer} that carries it. */
        static ReferencePeer start(Defect defect) throws java.io.IOException {
            java.security.SecureRandom random = new java.security.SecureRandom();
            Path folder = Files.createTempDirectory("hyphae-conformance-peer");
            KeyPair peerKey = keyFile(folder.resolve("peer.key"), random);
            KeyPair suite = KeyPair.generate(random);
            KeyPair reader = KeyPair.generate(random);
            String javaCommand = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = defect != null
                    ? List.of(javaCommand, "-cp", System.getProperty("java.class.path"), SeededPeer.class.getName(), folder.resolve("data").toString(),
                            folder.resolve("peer.key").toString(), HexFormat.of().formatHex(suite.publicKey()), PeerTarget.DOCUMENT_PREFIX,
                            defect.flag(), HexFormat.of().formatHex(reader.publicKey()))
                    : List.of(javaCommand, "-cp", System.getProperty("java.class.path"), Hyphae.class.getName(), "peer", "serve",
                            "--no-stdin", "--data", folder.resolve("data").toString(), "--key", folder.resolve("peer.key").toString(),
                            "--listen", "127.0.0.1:0", "--trust-peer", HexFormat.of().formatHex(suite.publicKey()) + ":write:"
                                    + PeerTarget.DOCUMENT_PREFIX + "*", "--trust-peer", HexFormat.of().formatHex(reader.publicKey())
                                    + ":read:" + PeerTarget.READER_PREFIX + "*");
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                        java.nio.charset.StandardCharsets.UTF_8));
                // Bounded: a peer that never says where it listens is killed below.
                java.util.concurrent.Future<String> first = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "reference-peer-start");
                    t.setDaemon(true);
                    return t;
                }).submit(lines::readLine);
                String listening = first.get(60, java.util.concurrent.TimeUnit.SECONDS);
                if (listening == null || !listening.startsWith("listening on ")) {
                    throw new java.io.IOException("the reference peer did not start: " + listening);
                }
                int port = Integer.parseInt(listening.substring(listening.lastIndexOf(':') + 1));
                return new ReferencePeer(process, folder, new PeerTarget(new java.net.InetSocketAddress("127.0.0.1", port),
                        peerKey.publicKey(), suite, reader));
            } catch (Exception e) {
                process.destroyForcibly();
                deleteQuietly(folder);
                throw new java.io.IOException("the reference peer did not start: " + e.getMessage(), e);
            }
        }

        private static KeyPair keyFile(Path file, java.security.SecureRandom random) throws java.io.IOException {
            byte[] secret = new byte[32];
            random.nextBytes(secret);
            Files.writeString(file, HexFormat.of().formatHex(secret) + "\n");
            return KeyPair.fromPrivateKey(secret);
        }

        PeerTarget target() {
            return target;
        }

        @Override
        public void close() {
            try {
                // The seeded peer stops at the end of its standard input; the reference peer runs with --no-stdin, as a
                // service does, and stops on SIGTERM after closing its sessions.
                process.getOutputStream().close();
                process.destroy();
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                }
            } catch (java.io.IOException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            deleteQuietly(folder);
        }

        /** Best effort: a folder left in the temporary directory must not change the run's verdict. */
        private static void deleteQuietly(Path folder) {
            try (java.util.stream.Stream<Path> files = Files.walk(folder)) {
                for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            } catch (java.io.IOException e) {
                // Left behind.
            }
        }
    }

    /** The repository the launcher runs from: it sets hyphae.home; otherwise the working directory. */
    private static Path home() {
        String home = System.getProperty("hyphae.home");
        return Path.of(home != null ? home : ".").toAbsolutePath().normalize();
    }

    /** This same command line's adapter, in a new JVM with this JVM's class path. */
    private static List<String> referenceAdapter() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Hyphae.class.getName());
        command.add("adapter");
        return command;
    }
}
