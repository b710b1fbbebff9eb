package dev.hyphae.cli;

import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.peer.Document;
import dev.hyphae.peer.Peer;

import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Makes the class-data archive with which {@code tools/hyphae} starts {@code keygen}, {@code doc} and
 * {@code peer connect} (a dynamic CDS archive of the JDK, {@code -XX:ArchiveClassesAtExit}).
 *
 * <p>{@code ClassDataArchive OUT} runs a training JVM on this JVM's own class path, which must be the one the
 * launcher uses ({@code hyphae-peer.jar} and {@code lib/*}): it makes two keys, writes a folder until the log is
 * compacted, reads it back, and has a {@code peer serve} and a {@code peer connect --once} sync a document over
 * loopback, each through the command line as a user runs it, so that the archive holds the classes those commands
 * load, already parsed and verified. The JVM writes the archive as it exits; it is then checked with
 * {@code -Xshare:on}, with which a JVM refuses to start on an archive it cannot use, and only then moved to
 * {@code OUT}, in one step: a JVM can crash on a truncated archive, so none is ever left half-written where the
 * launcher looks. The build runs this at {@code package}; on a device, run it again with the device's JVM (an archive
 * serves only the JVM that made it, and the class path it was made with).
 *
 * <p>Exit status 1 when a command of the training failed, else 0: also when this JVM made no archive it can use (a
 * JDK without a default CDS archive), which a line on standard error reports and which leaves no {@code OUT}.
 */
public final class ClassDataArchive {

    /** Options of the training JVM: those the launcher gives the short commands, so the archive matches them. */
    private static final List<String> TRAINING_OPTIONS = List.of("-XX:+UseSerialGC", "-Xms4m", "-XX:TieredStopAtLevel=1");

    private ClassDataArchive() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--train")) {
            // System.exit in both cases, not a return from main: a failed step may leave a peer's threads running,
            // which would keep this JVM alive until the parent's timeout.
            try {
                train(Path.of(args[1]));
            } catch (Exception | AssertionError e) {
                System.err.println("hyphae: training: " + e.getMessage());
                System.err.flush();
                System.exit(1);
            }
            System.exit(0);
        }
        if (args.length != 1) {
            System.err.println("usage: java -cp 'hyphae-peer.jar:lib/*' " + ClassDataArchive.class.getName() + " ARCHIVE");
            System.exit(2);
        }
        System.exit(make(Path.of(args[0]).toAbsolutePath()) ? 0 : 1);
    }

    private static boolean make(Path archive) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("java.class.path");
        Path part = archive.resolveSibling(archive.getFileName() + ".part");
        Path work = Files.createTempDirectory("hyphae-cds");
        try {
            Files.deleteIfExists(part);
            // A dynamic archive extends the JDK's default one: a JVM without it refuses to start for the training.
            if (run(List.of(java, "-Xshare:on", "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-version"), ProcessBuilder.Redirect.DISCARD) != 0) {
                System.err.println("hyphae: this JDK has no default class-data archive to extend; the peer's commands start without one");
                Files.deleteIfExists(archive);
                return true;
            }
            List<String> training = new ArrayList<>(List.of(java, "-XX:ArchiveClassesAtExit=" + part, "-Xlog:cds=off",
                    "-Xlog:cds+dynamic=off"));
            training.addAll(TRAINING_OPTIONS);
            training.addAll(List.of("-cp", classPath, ClassDataArchive.class.getName(), "--train", work.toString()));
            if (run(training) != 0) {
                System.err.println("hyphae: the training run of the peer's commands failed");
                return false;
            }
            // A JVM that could not write its archive still ends well: the commands then start without one.
            if (!Files.isRegularFile(part) || Files.size(part) == 0) {
                System.err.println("hyphae: this JVM made no class-data archive; the peer's commands start without one");
                Files.deleteIfExists(archive);
                return true;
            }
            List<String> check = new ArrayList<>(List.of(java, "-Xshare:on", "-XX:SharedArchiveFile=" + part));
            check.addAll(TRAINING_OPTIONS);
            check.addAll(List.of("-cp", classPath, PeerMain.class.getName(), "--version"));
            if (run(check) != 0) {
                System.err.println("hyphae: this JVM cannot use the class-data archive it made; the peer's commands start without one");
                Files.deleteIfExists(archive);
                return true;
            }
            Files.move(part, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } finally {
            Files.deleteIfExists(part);
            deleteTree(work);
        }
    }

    /** Runs {@code command}, its standard output discarded, its errors on this process's; returns its exit status. */
    private static int run(List<String> command) throws IOException, InterruptedException {
        return run(command, ProcessBuilder.Redirect.INHERIT);
    }

    private static int run(List<String> command, ProcessBuilder.Redirect errors) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(errors).start();
        process.getOutputStream().close();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    /** Whether a document under the peer folder {@code data} has a snapshot, written when its log was compacted. */
    private static boolean hasSnapshot(Path data) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(data)) {
            return files.anyMatch(file -> file.getFileName().toString().equals("snapshot"));
        }
    }

    /** The training: the commands the archive serves, as a user runs them, in {@code dir}. */
    private static void train(Path dir) throws Exception {
        // Help and versions: the usage messages of every command.
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"--version"}, new String[] {"keygen", "--help"},
                new String[] {"peer", "serve", "--help"}, new String[] {"peer", "connect", "--help"}, new String[] {"doc", "--help"})) {
            expect(0, args);
        }
        String a = expect(0, "keygen", "--out", dir.resolve("a.key").toString()).trim();
        String b = expect(0, "keygen", "--out", dir.resolve("b.key").toString()).trim();

        // A folder whose log was compacted into a snapshot, read back as `doc get` reads it.
        Path data = dir.resolve("data");
        try (Peer peer = Peer.open(new Peer.Config(data, KeyPair.generate(new SecureRandom()), null,
                TrustStore.of(List.of(), List.of()), new AccessPolicy()))) {
            Document sensors = peer.document("sensors");
            // Batches until the log passes the compaction threshold and a snapshot is written (a batch is one record
            // of the log, some 13 KB here): bounded, and a failure if no snapshot came, so that the training never
            // silently stops covering the snapshot's reading.
            for (int round = 0; !hasSnapshot(data); round++) {
                if (round == 200) {
                    throw new IllegalStateException("the training wrote " + round + " batches and the log was never compacted");
                }
                int r = round;
                sensors.batch(map -> {
                    for (int k = 0; k < 1000; k++) {
                        map.register("sensor-" + k).set(15.0 + (k * 7 + r) % 150 / 10.0);
                    }
                }).join();
            }
        }
        for (String[] command : List.of(new String[] {"set", "plant", "line-2.firmware", "1.4.2"}, new String[] {"inc", "plant", "kwh", "3"},
                new String[] {"add", "plant", "alarms", "door-open"}, new String[] {"get", "sensors"}, new String[] {"docs"})) {
            List<String> args = new ArrayList<>(List.of("doc", "--data", data.toString()));
            args.addAll(List.of(command));
            expect(0, args.toArray(String[]::new));
        }

        // `peer serve` and `peer connect --once` syncing a document over loopback, in this JVM: serve on a thread of
        // its own, reading its commands from a pipe that stands for its standard input. A daemon thread, so that a
        // serve that never listens or never stops cannot keep this JVM alive once the training has failed.
        PipedOutputStream commands = new PipedOutputStream();
        InputStream stdin = System.in;
        System.setIn(new PipedInputStream(commands));
        BlockingQueue<String> served = new LinkedBlockingQueue<>();
        BoundedWriter serveErrors = new BoundedWriter();
        AtomicInteger serveStatus = new AtomicInteger(-1);
        String[] serveArgs = {"peer", "serve", "--data", dir.resolve("s").toString(), "--key", dir.resolve("a.key").toString(),
                "--listen", "127.0.0.1:0", "--trust-peer", b + ":write"};
        Thread serve = new Thread(() -> serveStatus.set(execute(new LineWriter(served), serveErrors, serveArgs)), "training-serve");
        serve.setDaemon(true);
        serve.start();
        String listening = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (listening == null && serve.isAlive() && System.nanoTime() - deadline < 0) {
            listening = served.poll(100, TimeUnit.MILLISECONDS);
        }
        if (listening == null) {
            listening = served.poll();
        }
        if (listening == null || !listening.startsWith("listening on ")) {
            throw new IllegalStateException("hyphae " + String.join(" ", serveArgs) + (serve.isAlive()
                    ? " did not listen within 60 s" : " ended with " + serveStatus.get()) + " (printed " + listening + "): " + serveErrors);
        }
        PrintStream toServe = new PrintStream(commands, true, StandardCharsets.UTF_8);
        toServe.println("set plant kwh 7");
        toServe.println("get plant");
        expect(0, "peer", "connect", "--once", listening.substring("listening on ".length()), "--data", dir.resolve("c").toString(),
                "--key", dir.resolve("b.key").toString(), "--trust-peer", a + ":write", "--doc", "plant");
        toServe.close();
        serve.join(TimeUnit.MINUTES.toMillis(1));
        System.setIn(stdin);
        if (serve.isAlive() || serveStatus.get() != 0) {
            throw new IllegalStateException("hyphae " + String.join(" ", serveArgs) + (serve.isAlive()
                    ? " did not stop within a minute of the end of its input" : " ended with " + serveStatus.get()) + ": " + serveErrors);
        }
    }

    /**
     * Runs a command as {@code hyphae ARGS} does and returns its output, failing unless it ends with {@code status};
     * the failure quotes what the command wrote on standard output and standard error (the start of each).
     */
    private static String expect(int status, String... args) {
        StringWriter out = new StringWriter();
        BoundedWriter errors = new BoundedWriter();
        int actual = execute(out, errors, args);
        if (actual != status) {
            String printed = out.toString();
            if (printed.length() > BoundedWriter.LIMIT) {
                printed = printed.substring(0, BoundedWriter.LIMIT) + "...";
            }
            throw new IllegalStateException("hyphae " + String.join(" ", args) + " ended with " + actual
                    + "; standard output: " + printed + "; standard error: " + errors);
        }
        return out.toString();
    }

    private static int execute(Writer out, Writer err, String... args) {
        return Subcommands.forArguments(new PeerMain(), PeerMain.SUBCOMMANDS, args)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
    }

    /** A writer that keeps the first {@link #LIMIT} characters written to it, and notes that more were cut. */
    private static final class BoundedWriter extends Writer {
        static final int LIMIT = 4096;
        private final StringBuilder kept = new StringBuilder();
        private boolean cut;

        @Override
        public synchronized void write(char[] buffer, int offset, int length) {
            int room = LIMIT - kept.length();
            kept.append(buffer, offset, Math.min(room, length));
            cut |= length > room;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        @Override
        public synchronized String toString() {
            return cut ? kept + "..." : kept.toString();
        }
    }

    /** A writer that hands each line written to it to a queue. */
    private static final class LineWriter extends Writer {
        private final BlockingQueue<String> lines;
        private final StringBuilder line = new StringBuilder();

        LineWriter(BlockingQueue<String> lines) {
            this.lines = lines;
        }

        @Override
        public synchronized void write(char[] buffer, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                if (buffer[i] == '\n') {
                    lines.add(line.toString());
                    line.setLength(0);
                } else if (buffer[i] != '\r') {
                    line.append(buffer[i]);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
