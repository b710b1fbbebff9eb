package dev.hyphae.cli;

import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.peer.Peer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code tools/hyphae} launcher run as a user runs it, in a test's folder: with this JVM's Java and without the
 * Java options of the environment that runs the build (a test sets its own in {@code JAVA_OPTS}), as the tools
 * module's {@code PeerProcess} runs it. What a command prints is read on a thread of its own, so that a silent
 * process fails the test instead of hanging it.
 */
final class Launcher {

    static final Path ROOT = Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath();

    private Launcher() {
    }

    /** The launcher with {@code args}, to be started in {@code dir}. */
    static ProcessBuilder hyphae(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("sh", ROOT.resolve("tools/hyphae").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("JAVA_OPTS");
        builder.environment().remove("PEER_JAVA_OPTS");
        return builder;
    }

    /** Runs a command to its end; returns its standard output (trimmed), failing on a non-zero status. */
    static String run(Path dir, String... args) throws Exception {
        return run(hyphae(dir, args));
    }

    static String run(ProcessBuilder builder) throws Exception {
        return runBoth(builder)[0];
    }

    /** Runs a command to its end; returns its standard output (trimmed) and error, failing on a non-zero status. */
    static String[] runBoth(ProcessBuilder builder) throws Exception {
        String command = String.join(" ", builder.command());
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish");
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), command + ": " + out + err);
        return new String[] {out.trim(), err};
    }

    /** The lines that {@code stream} carries, as they come. */
    static BlockingQueue<String> lines(InputStream stream) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // The process is gone.
            }
        });
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    /** A peer in {@code data} that trusts the peer whose static key is {@code neighbour} and grants it write on every document. */
    static Peer neighbourOf(Path data, KeyPair key, byte[] neighbour) throws IOException {
        AccessPolicy policy = new AccessPolicy().grant(neighbour, AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE);
        return Peer.open(new Peer.Config(data, key, null, TrustStore.of(List.of(neighbour), List.of()), policy));
    }

    /**
     * A running {@code peer serve} or {@code peer connect}, driven through its standard input as from a keyboard. As the
     * tools module's {@code PeerProcess} (whose tests cannot share this one): closing it ends its input, as Ctrl-D does,
     * and kills it if it has not stopped half a minute later, then waits for it to be gone, so that no process outlives
     * its test's folder. A test that means the process to stop on its own says so first, with {@link #stop}. Unlike
     * there, it takes a builder, since these tests set the process's own Java options, and a test reads the address
     * that {@code peer serve} prints with {@link #listening()}.
     */
    static final class PeerProcess implements AutoCloseable {
        final Process process;
        final PrintWriter in;
        final BlockingQueue<String> lines;

        /** Starts {@code builder}; its standard error goes to this JVM's, unless the builder sends it elsewhere. */
        PeerProcess(ProcessBuilder builder) throws IOException {
            if (builder.redirectError() == ProcessBuilder.Redirect.PIPE) {
                builder.redirectError(ProcessBuilder.Redirect.INHERIT);
            }
            process = builder.start();
            in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
            lines = lines(process.getInputStream());
        }

        /** The next line printed, within a minute. */
        String next() throws InterruptedException {
            String line = lines.poll(60, TimeUnit.SECONDS);
            assertNotNull(line, "the process printed nothing");
            return line;
        }

        /** The address of the first line that {@code peer serve} prints, "listening on HOST:PORT". */
        String listening() throws InterruptedException {
            String listening = next();
            assertTrue(listening.startsWith("listening on "), listening);
            return listening.substring("listening on ".length());
        }

        /** The port of {@link #listening()}. */
        int listeningPort() throws InterruptedException {
            String address = listening();
            return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        }

        /** Asks for {@code document} ("get") until the answer reads {@code expected}, for up to a minute; returns the last answer. */
        String awaitDocument(String document, String expected) throws Exception {
            String seen = "";
            for (int i = 0; i < 600 && !seen.equals(expected); i++) {
                if (i > 0) {
                    Thread.sleep(100);
                }
                in.println("get " + document);
                seen = lines.poll(60, TimeUnit.SECONDS);
                assertNotNull(seen, "no answer to get " + document);
            }
            return seen;
        }

        /** Ends its input, as Ctrl-D does, and asserts that it then stops by itself within a minute. */
        void stop(String what) throws InterruptedException {
            in.close();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), what + " stops at the end of its input");
        }

        @Override
        public void close() throws InterruptedException {
            in.close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
