package dev.hyphae.cli;

import dev.hyphae.peer.Peer;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * Where a running peer takes its document commands from, and so how it stops: the option shared by {@code peer serve}
 * and {@code peer connect} without {@code --once}.
 *
 * <p>The rule is an option rather than a guess from standard input: an input that ends at once is what a service
 * started with {@code </dev/null} sees, and also what a script that runs a peer for a moment and then closes its input
 * sees, so ending at once cannot tell the two apart. Such an input is only answered with a hint on standard error.
 */
final class CommandInput {

    @Option(names = "--no-stdin",
            description = {"Do not read standard input: run until the process is stopped by a signal (SIGTERM or SIGINT),"
                    + " then close every session and the data folder and exit with status 0. For a service, whose standard input is closed or"
                    + " /dev/null.",
                    "Without it the peer reads document commands from standard input and stops when it ends."})
    boolean noStdin;

    /**
     * Runs {@code peer} until it should stop: with {@code --no-stdin} until the process is signalled, else for as long
     * as standard input brings document commands.
     */
    void run(Peer peer, PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        if (noStdin) {
            untilSignalled(peer);
            return;
        }
        int lines = DocumentShell.runLines(peer, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), out, err);
        if (lines == 0) {
            err.println("hyphae: standard input ended before any command; stopping (with --no-stdin a peer runs until signalled)");
            err.flush();
        }
    }

    /**
     * Blocks until the JVM shuts down (SIGTERM or SIGINT), and closes {@code peer} on the way out: each session ends
     * with a Close and the data folder's lock is released. Every acknowledged write is on disk already; closing is for
     * the neighbours. The process then exits with status 0, or 1 if closing failed.
     *
     * <p>Why the hook ends with {@link Runtime#halt}: left to itself, the JVM exits with the signal's status (143 for
     * SIGTERM, 130 for SIGINT), which systemd counts as a failure unless the unit says {@code SuccessExitStatus=143},
     * and which a script cannot tell from a peer killed before it closed anything. A stop that closed the peer in
     * order is a clean stop, so it says 0. Halting inside a shutdown hook is allowed and ends the JVM at once; it skips
     * any other hook still running, and this command registers none (nor any file deleted on exit). A close that hangs
     * is ended by SIGKILL, as a service manager sends once its stop timeout passes.
     */
    private static void untilSignalled(Peer peer) throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            int status = 0;
            try {
                peer.close();
            } catch (IOException | RuntimeException e) {
                System.err.println("hyphae: closing: " + e.getMessage());
                status = 1;
            }
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(status);
        }, "hyphae-shutdown"));
        // Waits for ever: the hook halts the JVM once it has closed the peer, so the caller's own close never runs.
        new CountDownLatch(1).await();
    }
}
