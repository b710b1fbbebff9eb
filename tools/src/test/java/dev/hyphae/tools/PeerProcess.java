package dev.hyphae.tools;

import java.io.BufferedReader;
import java.io.IOException;
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
 * A running {@code hyphae peer serve} or {@code peer connect}, started with the launcher {@code tools/hyphae} as a user
 * starts it (with this JVM's Java and without the Java options of the environment that runs the build), and driven
 * through its standard input as from a keyboard; what it prints is read on a thread of its own, so that a process that
 * prints nothing fails the test instead of hanging it. Closing it ends its input, as Ctrl-D does, kills it if it has
 * not stopped half a minute later, and waits for it to be gone, so that no process outlives its test's folder; a test
 * that means the process to stop on its own says so first, with {@link #stop}. Also the launcher's shorter commands,
 * run to their end. The peer module's tests have the same in their {@code Launcher.PeerProcess} (the two modules'
 * tests share no code); there a test starts {@code peer serve} from a builder of its own, with its own Java options.
 */
class PeerProcess implements AutoCloseable {

    static final Path ROOT = Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath();

    final Process process;
    final PrintWriter in;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    /** Starts {@code builder}, its standard error going to this JVM's. */
    PeerProcess(ProcessBuilder builder) throws IOException {
        process = builder.redirectError(ProcessBuilder.Redirect.INHERIT).start();
        in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
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
    }

    /** The next line printed, within a minute. */
    String next() throws InterruptedException {
        String line = lines.poll(60, TimeUnit.SECONDS);
        assertNotNull(line, "the peer process printed nothing");
        return line;
    }

    /** Types {@code command}; returns the line it prints. */
    String command(String command) throws InterruptedException {
        in.println(command);
        return next();
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

    /** {@code peer serve} on loopback, on a port the system chooses, with {@code args}. */
    static final class Served extends PeerProcess {
        final int port;

        Served(Path dir, String... args) throws Exception {
            super(hyphae(dir, serve(args)));
            String listening = next();
            assertTrue(listening.startsWith("listening on "), listening);
            port = Integer.parseInt(listening.substring(listening.lastIndexOf(':') + 1));
        }

        private static String[] serve(String... args) {
            List<String> all = new ArrayList<>(List.of("peer", "serve", "--listen", "127.0.0.1:0"));
            all.addAll(List.of(args));
            return all.toArray(String[]::new);
        }
    }

    /** The launcher with {@code args}, to be started in {@code dir} with this JVM's Java and no Java options of the build's. */
    static ProcessBuilder hyphae(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("sh", ROOT.resolve("tools/hyphae").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("JAVA_OPTS");
        builder.environment().remove("PEER_JAVA_OPTS");
        return builder;
    }

    /** What a command printed, and its exit status. */
    record Outcome(int status, String out, String err) {
    }

    /** Runs a command to its end, whatever its status. */
    static Outcome outcome(Path dir, String... args) throws Exception {
        Process process = hyphae(dir, args).start();
        process.getOutputStream().close();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("hyphae " + String.join(" ", args) + " did not finish");
        }
        return new Outcome(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim(),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim());
    }

    /** Runs a command to its end; returns its standard output, failing on a non-zero status. */
    static String run(Path dir, String... args) throws Exception {
        Outcome outcome = outcome(dir, args);
        assertEquals(0, outcome.status(), "hyphae " + String.join(" ", args) + ": " + outcome.out() + outcome.err());
        return outcome.out();
    }
}
