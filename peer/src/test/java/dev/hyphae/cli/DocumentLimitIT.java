package dev.hyphae.cli;

import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.peer.Connection;
import dev.hyphae.peer.Peer;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer that holds more documents that its neighbour may read than a session can hold keeps serving it (HY-SESS-155),
 * with real processes at a small scale: {@code peer serve} runs with the documents on one session lowered to 4 (the
 * test property {@code hyphae.maxDocuments}) and holds 6 documents. It opens of its own accord only its half, 2, so
 * that the neighbour's own Opens, of a document that the served peer does not hold and of one of the 4 that it left
 * out, find room; before, it opened 4 and ended the session at the neighbour's first Open with LIMIT_EXCEEDED. Then
 * sessions one after the other bring every document (HY-SESS-157), and {@code peer connect --once} says "in step" only
 * when it is.
 */
class DocumentLimitIT {

    private static final Path ROOT = Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath();
    private static final int LIMIT = 4;
    private static final int HELD = 6;

    @Test
    @Requirement("HY-SESS-155")
    void aPeerHoldingMoreDocumentsThanASessionHoldsOpensItsHalfAndKeepsServing(@TempDir Path dir) throws Exception {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        KeyPair serveKey = KeyPair.fromPrivateKey(secret);
        java.nio.file.Files.writeString(dir.resolve("a.key"), HexFormat.of().formatHex(secret) + "\n");
        KeyPair neighbour = KeyPair.generate(new SecureRandom());
        List<String> held = new ArrayList<>();
        try (Peer writer = Peer.open(new Peer.Config(dir.resolve("a-data"), serveKey, null, TrustStore.of(List.of(), List.of()),
                new AccessPolicy()))) {
            for (int k = 0; k < HELD; k++) {
                writer.document("doc-" + k).map().register("v").set(k + 0.5);
                held.add(DocumentShell.json(writer.document("doc-" + k).state().store()));
            }
        }
        List<String> command = new ArrayList<>(List.of("sh", ROOT.resolve("tools/hyphae").toString(), "peer", "serve", "--listen",
                "127.0.0.1:0", "--data", "a-data", "--key", "a.key", "--trust-peer",
                HexFormat.of().formatHex(neighbour.publicKey()) + ":write"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("PEER_JAVA_OPTS");
        builder.environment().put("JAVA_OPTS", "-Dhyphae.maxDocuments=" + LIMIT);
        Process serve = builder.redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            PrintWriter in = new PrintWriter(new OutputStreamWriter(serve.getOutputStream(), StandardCharsets.UTF_8), true);
            BlockingQueue<String> out = lines(serve);
            String listening = out.poll(60, TimeUnit.SECONDS);
            assertNotNull(listening, "peer serve printed nothing");
            assertTrue(listening.startsWith("listening on "), listening);
            int port = Integer.parseInt(listening.substring(listening.lastIndexOf(':') + 1));

            AccessPolicy policy = new AccessPolicy().grant(serveKey.publicKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE);
            try (Peer reader = Peer.open(new Peer.Config(dir.resolve("b-data"), neighbour, null,
                    TrustStore.of(List.of(serveKey.publicKey()), List.of()), policy))) {
                reader.document("fresh").map().register("v").set(42.0);
                String fresh = DocumentShell.json(reader.document("fresh").state().store());
                // The neighbour opens "fresh", which the served peer does not hold, and doc-5, which it holds but leaves
                // out of its own half (the first two by name are its own).
                Connection link = reader.connect(new InetSocketAddress("127.0.0.1", port), List.of("fresh", "doc-5"));
                for (int k : new int[] {0, 1, 5}) {
                    String name = "doc-" + k;
                    String seen = "";
                    for (int i = 0; i < 600 && !seen.equals(held.get(k)); i++) {
                        Thread.sleep(50);
                        seen = DocumentShell.json(reader.document(name).state().store());
                    }
                    assertEquals(held.get(k), seen, name + " reached the neighbour; events " + link.events());
                }
                String seen = "";
                for (int i = 0; i < 600 && !seen.equals(fresh); i++) {
                    Thread.sleep(50);
                    in.println("get fresh");
                    seen = out.poll(60, TimeUnit.SECONDS);
                    assertNotNull(seen, "no answer to get");
                }
                assertEquals(fresh, seen, "the served peer holds the neighbour's document");
                // The session is open, or the served peer ended it in order once everything on it was in step, its
                // other documents waiting for a new session (HY-SESS-157): never LIMIT_EXCEEDED.
                link.awaitEnd(0);
                assertTrue(link.state() == Connection.State.OPEN || link.endedInOrder(),
                        "the session failed: " + link.failure() + "; events " + link.events());
                // The served peer opened only its half: doc-2 to doc-4 did not come on this session (which did not
                // reconnect). This check can only pass wrongly (a document on its way, not yet applied when looked
                // at), never fail wrongly.
                for (int k = 2; k < 5; k++) {
                    assertTrue(reader.document("doc-" + k).state().context().isEmpty(), "doc-" + k + " came although the served"
                            + " peer's half was full");
                }
            }
            in.close();
            assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "peer serve stops at the end of its input");
            assertEquals(0, serve.exitValue());
        } finally {
            serve.destroyForcibly();
        }
    }

    /**
     * HY-SESS-157 with real processes: {@code peer serve} holding 6 documents and {@code peer connect} holding 5, each
     * with the documents on one session lowered to 4 (so each opens 2 of its own), stay connected; each ends a session
     * in order once everything on it is in step while documents of its own wait, the connecting side reconnects at
     * once, and every document arrives on both sides. Then {@code peer connect --once} from an empty folder syncs over
     * as many sessions as it takes, and prints "in step" only once it holds all 11.
     */
    @Test
    @Requirement({"HY-SESS-157", "HY-SESS-158", "HY-SESS-156"})
    void sessionsOneAfterTheOtherBringEveryDocument(@TempDir Path dir) throws Exception {
        KeyPair a = key(dir, "a.key");
        KeyPair b = key(dir, "b.key");
        KeyPair c = key(dir, "c.key");
        List<String> documents = new ArrayList<>();
        List<String> contents = new ArrayList<>();
        write(dir.resolve("a-data"), a, "a-", HELD, documents, contents);
        write(dir.resolve("b-data"), b, "b-", HELD - 1, documents, contents);
        Process serve = start(dir, "peer", "serve", "--listen", "127.0.0.1:0", "--data", "a-data", "--key", "a.key",
                "--trust-peer", hex(b) + ":write", "--trust-peer", hex(c) + ":write");
        Process connect = null;
        try {
            PrintWriter serveIn = input(serve);
            BlockingQueue<String> serveOut = lines(serve);
            String listening = serveOut.poll(60, TimeUnit.SECONDS);
            assertNotNull(listening, "peer serve printed nothing");
            String address = listening.substring("listening on ".length());
            connect = start(dir, "peer", "connect", address, "--data", "b-data", "--key", "b.key",
                    "--trust-peer", hex(a) + ":write");
            PrintWriter connectIn = input(connect);
            BlockingQueue<String> connectOut = lines(connect);
            for (int k = 0; k < documents.size(); k++) {
                String name = documents.get(k);
                assertEquals(contents.get(k), await(serveIn, serveOut, name, contents.get(k)), name + " at peer serve");
                assertEquals(contents.get(k), await(connectIn, connectOut, name, contents.get(k)), name + " at peer connect");
            }
            connectIn.close();
            assertTrue(connect.waitFor(60, TimeUnit.SECONDS), "peer connect stops at the end of its input");

            Process once = start(dir, "peer", "connect", address, "--once", "--timeout", "120", "--data", "c-data",
                    "--key", "c.key", "--trust-peer", hex(a) + ":write");
            BlockingQueue<String> onceOut = lines(once);
            assertTrue(once.waitFor(180, TimeUnit.SECONDS), "peer connect --once ends");
            assertEquals(0, once.exitValue(), "peer connect --once is in step");
            String inStep = onceOut.poll(10, TimeUnit.SECONDS);
            assertNotNull(inStep, "peer connect --once printed nothing");
            assertTrue(inStep.startsWith("in step: "), inStep);
            try (Peer synced = Peer.open(new Peer.Config(dir.resolve("c-data"), c, null, TrustStore.of(List.of(), List.of()),
                    new AccessPolicy()))) {
                for (int k = 0; k < documents.size(); k++) {
                    assertEquals(contents.get(k), DocumentShell.json(synced.document(documents.get(k)).state().store()),
                            documents.get(k) + " reached peer connect --once");
                }
            }
            serveIn.close();
            assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "peer serve stops at the end of its input");
        } finally {
            serve.destroyForcibly();
            if (connect != null) {
                connect.destroyForcibly();
            }
        }
    }

    /** {@code peer connect --once} refuses more {@code --doc} than one session opens, rather than leaving some out. */
    @Test
    @Requirement("HY-SESS-155")
    void connectOnceRefusesMoreDocumentsThanASessionOpens(@TempDir Path dir) throws Exception {
        key(dir, "b.key");
        Process once = builder(dir, "peer", "connect", "127.0.0.1:9", "--once", "--data", "b-data", "--key", "b.key",
                "--doc", "x", "--doc", "y", "--doc", "z").start();
        BlockingQueue<String> err = lines(once.getErrorStream());
        assertTrue(once.waitFor(60, TimeUnit.SECONDS), "peer connect --once ends");
        assertEquals(2, once.exitValue());
        String line = err.poll(10, TimeUnit.SECONDS);
        assertNotNull(line, "an error line");
        assertTrue(line.contains("HY-SESS-155"), line);
    }

    private static KeyPair key(Path dir, String file) throws IOException {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        java.nio.file.Files.writeString(dir.resolve(file), HexFormat.of().formatHex(secret) + "\n");
        return KeyPair.fromPrivateKey(secret);
    }

    private static String hex(KeyPair key) {
        return HexFormat.of().formatHex(key.publicKey());
    }

    private static void write(Path data, KeyPair key, String prefix, int count, List<String> names, List<String> contents)
            throws IOException {
        try (Peer writer = Peer.open(new Peer.Config(data, key, null, TrustStore.of(List.of(), List.of()), new AccessPolicy()))) {
            for (int k = 0; k < count; k++) {
                writer.document(prefix + k).map().register("v").set(k + 0.5);
                names.add(prefix + k);
                contents.add(DocumentShell.json(writer.document(prefix + k).state().store()));
            }
        }
    }

    /** Starts {@code tools/hyphae} with {@code args} in {@code dir}, its sessions holding at most {@link #LIMIT} documents. */
    private static Process start(Path dir, String... args) throws IOException {
        return builder(dir, args).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static ProcessBuilder builder(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("sh", ROOT.resolve("tools/hyphae").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("PEER_JAVA_OPTS");
        builder.environment().put("JAVA_OPTS", "-Dhyphae.maxDocuments=" + LIMIT);
        return builder;
    }

    private static PrintWriter input(Process process) {
        return new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
    }

    /** Asks a running peer for {@code document} until it reads {@code expected}, for up to a minute; returns the last read. */
    private static String await(PrintWriter in, BlockingQueue<String> out, String document, String expected) throws Exception {
        String seen = "";
        for (int i = 0; i < 600 && !seen.equals(expected); i++) {
            if (i > 0) {
                Thread.sleep(100);
            }
            in.println("get " + document);
            seen = out.poll(60, TimeUnit.SECONDS);
            assertNotNull(seen, "no answer to get " + document);
        }
        return seen;
    }

    private static BlockingQueue<String> lines(Process process) {
        return lines(process.getInputStream());
    }

    private static BlockingQueue<String> lines(java.io.InputStream stream) {
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
}
