package dev.hyphae.cli;

import dev.hyphae.noise.KeyPair;
import dev.hyphae.peer.Connection;
import dev.hyphae.peer.MapHandle;
import dev.hyphae.peer.Peer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.hyphae.cli.Launcher.hyphae;
import static dev.hyphae.cli.Launcher.run;
import static dev.hyphae.cli.Launcher.runBoth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The peer as a small artifact, run as a user runs it: the launcher starts {@code hyphae peer serve} on the peer
 * module's own class path with a 16 MiB heap, and it takes the sensor workload's 1,000 keys from a neighbour.
 */
class MinimalPeerIT {

    private static final Path TARGET = Launcher.ROOT.resolve("peer/target").toAbsolutePath().normalize();
    private static final int KEYS = 1000;
    /** Rounds of one write per key: three keep the test short; every round after the first overwrites the last. */
    private static final int ROUNDS = 3;

    /** The jars of the class path: the reference implementation with its two libraries, and picocli. */
    @Test
    void theClassPathIsTheReferenceImplementationItsTwoLibrariesAndPicocli() throws IOException {
        List<String> jars;
        try (Stream<Path> files = Files.list(TARGET.resolve("lib"))) {
            jars = files.map(p -> p.getFileName().toString().replaceFirst("-\\d[\\w.]*(-SNAPSHOT)?(-unsigned)?\\.jar$", ""))
                    .sorted().toList();
        }
        assertEquals(List.of("flatbuffers-java", "hyphae-peer-bcprov-jdk18on", "hyphae-reference-impl", "picocli"), jars);
    }

    @Test
    void servesAndSyncsTheSensorWorkloadWithASixteenMebibyteHeap(@TempDir Path dir) throws Exception {
        String servePublic = run(dir, "keygen", "--out", "a.key");
        KeyPair neighbour = KeyPair.generate(new SecureRandom());
        Path classes = dir.resolve("classes.txt");
        ProcessBuilder builder = hyphae(dir, "peer", "serve", "--listen", "127.0.0.1:0", "--data", "a-data", "--key", "a.key",
                "--trust-peer", HexFormat.of().formatHex(neighbour.publicKey()) + ":write");
        builder.environment().put("JAVA_OPTS", "-Xmx16m -Xlog:class+load=info:file=" + classes);
        try (Launcher.PeerProcess serve = new Launcher.PeerProcess(builder)) {
            int port = serve.listeningPort();
            try (Peer writer = Launcher.neighbourOf(dir.resolve("b-data"), neighbour, HexFormat.of().parseHex(servePublic))) {
                Connection link = writer.connect(new InetSocketAddress("127.0.0.1", port), List.of("sensors"));
                MapHandle sensors = writer.document("sensors").map();
                for (int round = 0; round < ROUNDS; round++) {
                    for (int k = 0; k < KEYS; k++) {
                        sensors.register("sensor-" + k).set(20.0 + k / 8.0 + round);
                    }
                }
                String expected = DocumentShell.json(writer.document("sensors").state().store());
                assertEquals(expected, serve.awaitDocument("sensors", expected), "the served peer holds the neighbour's last round");
                assertEquals(Connection.State.OPEN, link.state());
            }
            serve.stop("peer serve");
            assertEquals(0, serve.process.exitValue());
        }

        // Every class came from the JDK or from the peer module's jar and lib folder; and the log is the one that
        // shows where the command line came from, so that an empty or changed log cannot pass unseen.
        List<String> foreign = new ArrayList<>();
        boolean mainFromTarget = false;
        for (String line : Files.readAllLines(classes)) {
            int source = line.indexOf("source: ");
            if (source >= 0 && line.startsWith("file:", source + 8)) {
                Path from = Path.of(java.net.URI.create(line.substring(source + 8).trim())).toAbsolutePath().normalize();
                if (!from.startsWith(TARGET)) {
                    foreign.add(line);
                } else if (line.contains(" " + PeerMain.class.getName() + " ")) {
                    mainFromTarget = true;
                }
            }
        }
        assertTrue(mainFromTarget, "the class-loading log shows " + PeerMain.class.getName() + " loaded from " + TARGET);
        assertEquals(List.of(), foreign);
    }

    /** The JVM refuses two collectors: one that JAVA_OPTS chooses takes the place of the launcher's serial one. */
    @Test
    void aCollectorChosenInJavaOptsReplacesTheSerialOne(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("gc.log");
        ProcessBuilder builder = hyphae(dir, "keygen", "--out", "a.key");
        builder.environment().put("JAVA_OPTS", "-XX:+UseParallelGC -Xlog:gc:file=" + log);
        run(builder);
        assertTrue(Files.readString(log).contains("Using Parallel"), Files.readString(log));
    }

    /**
     * A service's peer: {@code peer serve --no-stdin}, whose standard input is closed from the start, keeps serving (a
     * neighbour completes a handshake with it after its input ended) until SIGTERM; then it closes in order, so that
     * a neighbour still connected sees a Close rather than a dropped stream, and exits with status 0, printing
     * nothing on standard error.
     */
    @Test
    void aPeerWithoutStandardInputServesUntilSignalledAndThenClosesInOrder(@TempDir Path dir) throws Exception {
        String servePublic = run(dir, "keygen", "--out", "a.key");
        KeyPair neighbour = KeyPair.generate(new SecureRandom());
        Path err = dir.resolve("err.txt");
        try (Launcher.PeerProcess serve = new Launcher.PeerProcess(hyphae(dir, "peer", "serve", "--no-stdin", "--listen", "127.0.0.1:0",
                "--data", "a-data", "--key", "a.key", "--trust-peer", HexFormat.of().formatHex(neighbour.publicKey()) + ":write")
                .redirectError(err.toFile()))) {
            serve.in.close();
            int port = serve.listeningPort();
            try (Peer client = Launcher.neighbourOf(dir.resolve("b-data"), neighbour, HexFormat.of().parseHex(servePublic))) {
                Connection link = client.connect(new InetSocketAddress("127.0.0.1", port), List.of("plant"));
                assertEquals(Connection.State.OPEN, link.state());
                client.document("plant").map().register("firmware").set("1.4.2");
                assertTrue(serve.process.isAlive(), "peer serve --no-stdin stopped");

                // The link stays open across the signal: only the shutdown hook's close sends the Close that ends it
                // as CLOSED; a process that died without it would leave the link FAILED ("connection lost").
                serve.process.destroy();   // SIGTERM
                assertTrue(serve.process.waitFor(60, TimeUnit.SECONDS), "peer serve --no-stdin stops on SIGTERM");
                assertTrue(link.awaitEnd(60_000), "the neighbour's link ended");
                assertEquals(Connection.State.CLOSED, link.state(), "failure: " + link.failure());
            }
            assertEquals(0, serve.process.exitValue(), "a stop that closed the peer in order is a clean stop");
            assertEquals("", Files.readString(err));
        }
    }

    /** keygen, doc and peer connect start from the class-data archive that the build made, when it made one. */
    @Test
    void theShortCommandsStartFromTheClassDataArchive(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(TARGET.resolve("hyphae-peer.jsa")), "the build made no archive (-Dhyphae.cds.skip)");
        Path classes = dir.resolve("classes.txt");
        ProcessBuilder builder = hyphae(dir, "doc", "--data", "data", "set", "plant", "firmware", "1.4.2");
        builder.environment().put("JAVA_OPTS", "-Xlog:class+load=info:file=" + classes);
        assertEquals("ok", run(builder));
        assertTrue(Files.readAllLines(classes).stream().anyMatch(line -> line.contains(" " + PeerMain.class.getName() + " source: shared objects file (top)")),
                "the class-loading log shows " + PeerMain.class.getName() + " loaded from the archive");
    }

    /**
     * A peer that runs until stopped, {@code peer serve} and {@code peer connect} without {@code --once}, starts with no
     * class-data sharing at all (not even the JDK's archive), while {@code peer connect --once} starts from the
     * peer's archive. ({@code --help} stands for the command: the launcher decides on the arguments alone.)
     */
    @Test
    void aLongRunningPeerStartsWithoutClassDataSharing(@TempDir Path dir) throws Exception {
        for (String[] command : List.of(new String[] {"peer", "serve", "--help"}, new String[] {"peer", "connect", "--help"})) {
            List<String> loaded = classesLoaded(dir, command);
            assertTrue(loaded.stream().anyMatch(line -> line.contains(" " + PeerMain.class.getName() + " ")), String.join("\n", loaded));
            assertEquals(List.of(), loaded.stream().filter(line -> line.contains("shared objects file")).limit(3).toList(),
                    String.join(" ", command));
        }
        Assumptions.assumeTrue(Files.isRegularFile(TARGET.resolve("hyphae-peer.jsa")), "the build made no archive (-Dhyphae.cds.skip)");
        assertTrue(classesLoaded(dir, "peer", "connect", "--once", "--help").stream()
                .anyMatch(line -> line.contains(" " + PeerMain.class.getName() + " source: shared objects file (top)")), "peer connect --once");
    }

    /** The class-loading log of a command run through the launcher. */
    private static List<String> classesLoaded(Path dir, String... command) throws Exception {
        Path classes = Files.createTempFile(dir, "classes", ".txt");
        ProcessBuilder builder = hyphae(dir, command);
        builder.environment().put("JAVA_OPTS", "-Xlog:class+load=info:file=" + classes);
        run(builder);
        return Files.readAllLines(classes);
    }

    /**
     * An archive that cannot serve never stops a command nor shows in its output: the launcher and its class path
     * copied elsewhere, with an archive of random bytes newer than the jars, and with the build's archive made for the
     * jars where they were (both of which the JVM refuses). Then an archive made for the copy, which serves, and the
     * same archive dated before the jars: the JVM would still take it (it checks the jars' dates, not the archive's),
     * so only the launcher's check of dates leaves it aside.
     */
    @Test
    void anArchiveThatCannotServeIsLeftAside(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("copy");
        Files.createDirectories(copy.resolve("tools"));
        Files.copy(Launcher.ROOT.resolve("tools/hyphae"), copy.resolve("tools/hyphae"));
        Path target = copy.resolve("peer/target");
        Files.createDirectories(target.resolve("lib"));
        Files.copy(TARGET.resolve("hyphae-peer.jar"), target.resolve("hyphae-peer.jar"), StandardCopyOption.COPY_ATTRIBUTES);
        try (Stream<Path> jars = Files.list(TARGET.resolve("lib"))) {
            for (Path jar : (Iterable<Path>) jars::iterator) {
                Files.copy(jar, target.resolve("lib").resolve(jar.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Path archive = target.resolve("hyphae-peer.jsa");
        byte[] noise = new byte[64 * 1024];
        new SecureRandom().nextBytes(noise);
        Files.write(archive, noise);
        assertWorks(copy, dir, "random bytes", false);

        Assumptions.assumeTrue(Files.isRegularFile(TARGET.resolve("hyphae-peer.jsa")), "the build made no archive (-Dhyphae.cds.skip)");
        Files.copy(TARGET.resolve("hyphae-peer.jsa"), archive, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(archive, FileTime.fromMillis(System.currentTimeMillis()));
        assertWorks(copy, dir, "an archive of another class path", false);

        Files.delete(archive);
        ProcessBuilder make = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", target.resolve("hyphae-peer.jar") + ":" + target.resolve("lib") + "/*",
                ClassDataArchive.class.getName(), archive.toString()).directory(dir.toFile());
        run(make);
        assertTrue(Files.isRegularFile(archive), "ClassDataArchive made an archive for the copy");
        assertWorks(copy, dir, "an archive of the copy", true);

        Files.setLastModifiedTime(archive, FileTime.fromMillis(0));
        assertWorks(copy, dir, "an archive older than the jars", false);
    }

    /**
     * {@code doc set} and {@code doc get} through the copied launcher print what they should and nothing on standard
     * error, and load {@link PeerMain} from the archive exactly when {@code fromArchive}.
     */
    private static void assertWorks(Path copy, Path dir, String archive, boolean fromArchive) throws Exception {
        Path data = dir.resolve("data-" + archive.replace(' ', '-'));
        for (String[] command : List.of(new String[] {"set", "plant", "firmware", "1.4.2"}, new String[] {"get", "plant"})) {
            List<String> args = new ArrayList<>(List.of("sh", copy.resolve("tools/hyphae").toString(), "doc", "--data", data.toString()));
            args.addAll(List.of(command));
            Path classes = Files.createTempFile(dir, "classes", ".txt");
            ProcessBuilder builder = new ProcessBuilder(args).directory(dir.toFile());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().put("JAVA_OPTS", "-Xlog:class+load=info:file=" + classes);
            builder.environment().remove("PEER_JAVA_OPTS");
            String[] outAndErr = runBoth(builder);
            assertEquals(command[0].equals("set") ? "ok" : "{\"firmware\":\"1.4.2\"}", outAndErr[0], archive);
            assertEquals("", outAndErr[1], archive + ": standard error");
            boolean shared = Files.readAllLines(classes).stream()
                    .anyMatch(line -> line.contains(" " + PeerMain.class.getName() + " source: shared objects file (top)"));
            assertEquals(fromArchive, shared, archive + ": " + PeerMain.class.getName() + " loaded from the archive");
        }
    }
}
