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
 * out, find room; before, it opened 4 and ended the session at the neighbour's first Open with LIMIT_EXCEEDED.
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
                assertEquals(Connection.State.OPEN, link.state(), "the session ended: " + link.failure() + "; events " + link.events());
                // The served peer opened only its half: doc-2 to doc-4 did not come on this session.
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

    private static BlockingQueue<String> lines(Process process) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
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
        return lines;
    }
}
