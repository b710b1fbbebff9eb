package dev.hyphae.tools;

import dev.hyphae.ErrorCode;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.framing.FramedChannel;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.handshake.Negotiation;
import dev.hyphae.handshake.ProtocolVersion;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.peer.Connection;
import dev.hyphae.peer.Peer;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import dev.hyphae.tools.PeerProcess.Outcome;
import dev.hyphae.tools.PeerProcess.Served;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.hyphae.tools.PeerProcess.hyphae;
import static dev.hyphae.tools.PeerProcess.outcome;
import static dev.hyphae.tools.PeerProcess.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Peers as real processes over loopback TCP, started with the launcher as a user starts them: they agree after
 * writing while disconnected, keep every acknowledged write through SIGKILL, and give an unauthorised peer nothing.
 */
class PeersIT {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static String keygen(Path dir, String name) throws Exception {
        return run(dir, "keygen", "--out", name);
    }

    /**
     * The README's "Two peers in two terminals", step by step as written there: terminal 2's first peer runs
     * interactively, its standard input standing for the keyboard, and stops at end of input (Ctrl-D).
     */
    @Test
    void theReadmeWalkthroughWorksAsWritten(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.pub"), keygen(dir, "a.key"));
        Files.writeString(dir.resolve("b.pub"), keygen(dir, "b.key"));
        String a = Files.readString(dir.resolve("a.pub")).trim();
        String b = Files.readString(dir.resolve("b.pub")).trim();
        try (Served terminal1 = new Served(dir, "--data", "a-data", "--key", "a.key", "--trust-peer", b + ":write")) {
            assertEquals("ok", terminal1.command("set plant firmware 1.4.2"));
            assertEquals("ok", terminal1.command("inc plant kwh 3"));

            // The screen is read on its own thread, so that a peer that prints nothing fails the test instead of hanging it.
            try (PeerProcess terminal2 = new PeerProcess(hyphae(dir, "peer", "connect", "127.0.0.1:" + terminal1.port,
                    "--data", "b-data", "--key", "b.key", "--trust-peer", a + ":write"))) {
                PrintWriter keyboard = terminal2.in;
                BlockingQueue<String> screen = terminal2.lines;
                String seen = "";
                for (int i = 0; i < 100 && !seen.equals("{\"firmware\":\"1.4.2\",\"kwh\":3}"); i++) {
                    Thread.sleep(100);
                    keyboard.println("get plant");
                    seen = screen.poll(60, TimeUnit.SECONDS);
                }
                assertEquals("{\"firmware\":\"1.4.2\",\"kwh\":3}", seen, "A's writes reached B");
                keyboard.println("add plant alarms door-open");
                assertEquals("ok", screen.poll(60, TimeUnit.SECONDS));
                String onA = "";
                for (int i = 0; i < 100 && !onA.contains("door-open"); i++) {
                    Thread.sleep(100);
                    onA = terminal1.command("get plant");
                }
                assertEquals("{\"alarms\":[\"door-open\"],\"firmware\":\"1.4.2\",\"kwh\":3}", onA, "B's write reached A");
                terminal2.stop("terminal 2's peer");
            }

            assertEquals("ok", terminal1.command("inc plant kwh 2"));
            assertEquals("ok", terminal1.command("set plant firmware 1.5.0"));
            run(dir, "doc", "--data", "b-data", "inc", "plant", "kwh", "10");
            run(dir, "doc", "--data", "b-data", "add", "plant", "alarms", "overheat");
            assertEquals("in step: plant", run(dir, "peer", "connect", "127.0.0.1:" + terminal1.port, "--data", "b-data", "--key", "b.key",
                    "--trust-peer", a + ":write", "--once"));
            String expected = "{\"alarms\":[\"door-open\",\"overheat\"],\"firmware\":\"1.5.0\",\"kwh\":15}";
            assertEquals(expected, run(dir, "doc", "--data", "b-data", "get", "plant"));
            assertEquals(expected, terminal1.command("get plant"));
        }
    }

    @Requirement({"HY-TRANS-001", "HY-TRANS-002", "HY-TRANS-003", "HY-SYNC-004", "HY-SYNC-010", "HY-SESS-055"})
    @Test
    void twoPeersWriteWhileDisconnectedReconnectAndAgree(@TempDir Path dir) throws Exception {
        String a = keygen(dir, "a.key");
        String b = keygen(dir, "b.key");
        run(dir, "doc", "--data", "b-data", "set", "plant", "firmware", "1.4.2");
        try (Served server = new Served(dir, "--data", "a-data", "--key", "a.key", "--trust-peer", b + ":write")) {
            assertEquals("ok", server.command("inc plant kwh 2"));
            String address = "127.0.0.1:" + server.port;
            run(dir, "peer", "connect", address, "--data", "b-data", "--key", "b.key", "--trust-peer", a + ":write", "--once");
            assertEquals("{\"firmware\":\"1.4.2\",\"kwh\":2}", server.command("get plant"));

            // Disconnected: both write, concurrently, to the same keys and to others.
            assertEquals("ok", server.command("inc plant kwh 5"));
            assertEquals("ok", server.command("set plant firmware 1.5.0"));
            assertEquals("ok", server.command("add plant alarms overheat"));
            run(dir, "doc", "--data", "b-data", "inc", "plant", "kwh", "3");
            run(dir, "doc", "--data", "b-data", "add", "plant", "alarms", "door-open");
            run(dir, "doc", "--data", "b-data", "rm", "plant", "alarms", "overheat");

            run(dir, "peer", "connect", address, "--data", "b-data", "--key", "b.key", "--trust-peer", a + ":write", "--once");
            String onA = server.command("get plant");
            String onB = run(dir, "doc", "--data", "b-data", "get", "plant");
            assertEquals(onA, onB);
            // Counters add up; the remove on B had not seen A's add, so the add wins; the later firmware write wins.
            assertEquals("{\"alarms\":[\"door-open\",\"overheat\"],\"firmware\":\"1.5.0\",\"kwh\":10}", onA);
        }
    }

    @Requirement({"HY-SESS-043", "HY-SYNC-013", "HY-SYNC-022"})
    @Test
    void aPeerKilledWhileReceivingKeepsEveryWriteItAcknowledged(@TempDir Path dir) throws Exception {
        String a = keygen(dir, "a.key");
        KeyPair writerKey = KeyPair.generate(RANDOM);
        String writer = HexFormat.of().formatHex(writerKey.publicKey());
        long acknowledged;
        int written;
        try (Served server = new Served(dir, "--data", "a-data", "--key", "a.key", "--trust-peer", writer + ":write");
             Peer peer = Peer.open(new Peer.Config(dir.resolve("writer"), writerKey, null,
                     TrustStore.of(List.of(HexFormat.of().parseHex(a)), List.of()),
                     new AccessPolicy().grant(HexFormat.of().parseHex(a), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE)))) {
            Connection link = peer.connect(new InetSocketAddress("127.0.0.1", server.port), List.of("stream"));
            int i = 0;
            // Write until the receiver has acknowledged a good part of the stream, then kill it mid-stream.
            while (link.acknowledged("stream") < 200 && i < 100_000) {
                i++;
                peer.document("stream").map().register("k" + i).set(i);
            }
            for (int more = 0; more < 50; more++) {
                i++;
                peer.document("stream").map().register("k" + i).set(i);
            }
            server.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            written = i;
            link.awaitEnd(10_000);
            acknowledged = link.acknowledged("stream");
        }
        assertTrue(acknowledged >= 200, "acknowledged " + acknowledged);

        // Restarted from its folder, the receiver holds every write it acknowledged: the writer's entries 1..n are
        // its writes k1..kn, in order.
        String state = run(dir, "doc", "--data", "a-data", "get", "stream");
        for (long k = 1; k <= acknowledged; k++) {
            assertTrue(state.contains("\"k" + k + "\":" + k), "acknowledged write k" + k + " is missing after SIGKILL");
        }
        assertTrue(acknowledged <= written);
    }

    @Requirement({"HY-AUTH-008", "HY-AUTH-009", "HY-SESS-025", "HY-SESS-029", "HY-SESS-030", "HY-SESS-036"})
    @Test
    void anUnauthorisedPeerReceivesNoDocumentBytesAndCannotWrite(@TempDir Path dir) throws Exception {
        String a = keygen(dir, "a.key");
        KeyPair intruder = KeyPair.generate(RANDOM);
        run(dir, "doc", "--data", "a-data", "set", "secret", "code", "TOPSECRET-4711");
        try (Served server = new Served(dir, "--data", "a-data", "--key", "a.key",
                "--trust-peer", HexFormat.of().formatHex(intruder.publicKey()) + ":none")) {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            List<SessionMessage> messages = new ArrayList<>();
            try (Socket socket = new Socket("127.0.0.1", server.port)) {
                socket.setSoTimeout(3000);
                var in = socket.getInputStream();
                var out = socket.getOutputStream();
                HyphaeHandshake.Initiator handshake = new HyphaeHandshake.Initiator(
                        new HyphaeHandshake.Credentials(intruder, null, TrustStore.of(List.of(HexFormat.of().parseHex(a)), List.of()),
                                System::currentTimeMillis),
                        new Negotiation.Offer(List.of(ProtocolVersion.V1_0), new TreeSet<>()), RANDOM);
                FramedChannel.sendHandshakeMessage(out, handshake.start());
                FramedChannel.sendHandshakeMessage(out, handshake.onSelection(FramedChannel.receiveHandshakeMessage(in)));
                HyphaeHandshake.Result result = handshake.result();
                FramedChannel channel = new FramedChannel(in, out, result.sender(), result.receiver(), result.sendFrameSize(), result.receiveFrameSize());

                // It asks for the secret document, for writing, and tries to write to it.
                channel.send(SessionCodec.encode(new SessionMessage.Open(7, "secret", Right.WRITE, Right.WRITE,
                        ReplicaId.random(RANDOM), new TreeMap<>(), null, 0, 16)));
                channel.send(SessionCodec.encode(new SessionMessage.Delta(1, SessionMessage.Kind.STATE, 0, 1,
                        dev.hyphae.codec.Codec.encode(new dev.hyphae.crdt.CausalState<>(dev.hyphae.crdt.ORMap.EMPTY, dev.hyphae.data.CausalContext.EMPTY)))));
                try {
                    while (true) {
                        byte[] message = channel.receive();
                        received.write(message);
                        messages.add(SessionCodec.decode(message));
                    }
                } catch (SocketTimeoutException | java.io.EOFException | dev.hyphae.ProtocolException e) {
                    // The peer has said all it will say, or closed the connection.
                }
            }
            String bytes = received.toString(StandardCharsets.ISO_8859_1);
            assertFalse(bytes.contains("TOPSECRET"), "document content reached an unauthorised peer");
            assertFalse(bytes.contains("secret"), "even the document's name was echoed to an unauthorised peer");
            assertTrue(messages.stream().noneMatch(m -> m instanceof SessionMessage.Open || m instanceof SessionMessage.Delta), messages.toString());
            assertTrue(messages.contains(new SessionMessage.SessionError(7, 0, ErrorCode.ACCESS_DENIED.value(), "no access to this document")), messages.toString());
            assertTrue(messages.stream().anyMatch(m -> m instanceof SessionMessage.SessionError e && e.channel() == 0
                    && e.code() == ErrorCode.PROTOCOL_VIOLATION.value()), messages.toString());
            assertEquals("{\"code\":\"TOPSECRET-4711\"}", server.command("get secret"));
        }
    }

    /** Whether the peer closed {@code socket}: its read ends, where a socket it still held would time out. */
    private static boolean closedByPeer(Socket socket) throws IOException {
        socket.setSoTimeout(60_000);
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Requirement({"HY-SEC-009", "HY-SEC-010", "HY-SEC-011", "HY-SEC-018"})
    @Test
    void aFloodOfSilentConnectionsDoesNotLockOutAnHonestPeer(@TempDir Path dir) throws Exception {
        // From the honest peer's own address, as an attacker behind the same NAT would: ten times the address's
        // budget, far past its rate, each newcomer displacing the address's stalest.
        floodThenSync(dir, i -> new byte[] {127, 0, 0, 1});
    }

    @Requirement({"HY-SEC-009", "HY-SEC-010", "HY-SEC-011", "HY-SEC-018"})
    @Test
    void aFloodOfSilentConnectionsFromOtherAddressesDoesNotLockOutAnHonestPeer(@TempDir Path dir) throws Exception {
        // From ten loopback addresses other than the honest peer's, four each, every one within its address's rate:
        // they fill the budget in all, and the honest peer's newcomer displaces one of them.
        floodThenSync(dir, i -> new byte[] {127, 0, 0, (byte) (2 + i % 10)});
    }

    /**
     * Holds 40 silent connections, the i-th from the address {@code from} gives, open on a server that admits 8
     * handshakes at a time, 4 per address; then an honest peer from 127.0.0.1 connects and syncs.
     */
    private void floodThenSync(Path dir, java.util.function.IntFunction<byte[]> from) throws Exception {
        String a = keygen(dir, "a.key");
        String b = keygen(dir, "b.key");
        run(dir, "doc", "--data", "b-data", "set", "plant", "firmware", "1.4.2");
        // A deadline far longer than the test: the silent connections do not expire, they must be dropped. A peer
        // that refused newcomers at the budget would refuse the honest one.
        try (Served server = new Served(dir, "--data", "a-data", "--key", "a.key", "--trust-peer", b + ":write",
                "--max-handshakes", "8", "--max-handshakes-per-address", "4", "--handshake-deadline", "60000")) {
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < 40; i++) {
                    silent.add(new Socket("127.0.0.1", server.port, java.net.InetAddress.getByAddress(from.apply(i)), 0));
                }
                // The honest peer is admitted and syncs while the silent connections are still held open.
                String out = run(dir, "peer", "connect", "127.0.0.1:" + server.port, "--data", "b-data", "--key", "b.key",
                        "--trust-peer", a + ":write", "--once");
                assertEquals("in step: plant", out);
                assertEquals("{\"firmware\":\"1.4.2\"}", server.command("get plant"));
                assertTrue(closedByPeer(silent.get(0)), "the stalest silent connection was dropped to admit newcomers");
            } finally {
                for (Socket s : silent) {
                    s.close();
                }
            }
        }
    }

    @Requirement("HY-SEC-008")
    @Test
    void aTrickledHandshakeIsCutAtItsDeadline(@TempDir Path dir) throws Exception {
        keygen(dir, "a.key");
        try (Served server = new Served(dir, "--data", "a-data", "--key", "a.key", "--handshake-deadline", "2000");
             Socket trickler = new Socket("127.0.0.1", server.port)) {
            // A handshake message that announces 65,535 bytes, then a byte every 100 ms: every read makes progress
            // long before a per-read timeout, so only the bound on the whole handshake can end it.
            Thread trickle = new Thread(() -> {
                try {
                    trickler.getOutputStream().write(new byte[] {(byte) 0xFF, (byte) 0xFF});
                    while (true) {
                        trickler.getOutputStream().write(1);
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // Cut off, as expected.
                }
            });
            trickle.setDaemon(true);
            trickle.start();
            try {
                assertTrue(closedByPeer(trickler), "the trickling handshake was cut at its deadline");
            } finally {
                trickle.interrupt();
            }
        }
    }

    /** The folder of a document, as the reference store names it: a hash of its name. */
    private static Path documentFolder(Path data, String name) throws Exception {
        byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
        return data.resolve("documents").resolve("d-" + HexFormat.of().formatHex(hash, 0, 16));
    }

    @Requirement("HY-SYNC-060")
    @Test
    void aWriteThatStorageRefusesIsAnErrorLineNotAnExit(@TempDir Path dir) throws Exception {
        String a = keygen(dir, "a.key");
        run(dir, "doc", "--data", "a-data", "set", "plant", "firmware", "1.4.2");
        // A file where the folder of document "broken" would go: creating that document fails, as on a full disk.
        Files.writeString(documentFolder(dir.resolve("a-data"), "broken"), "in the way");

        Outcome refused = outcome(dir, "doc", "--data", "a-data", "set", "broken", "k", "1");
        assertEquals(1, refused.status(), refused.toString());
        assertTrue(refused.err().contains("hyphae: error: ") && refused.err().contains("nothing written"), refused.err());
        assertFalse(refused.err().contains("Exception"), "an error line, not a stack trace: " + refused.err());

        try (Served server = new Served(dir, "--data", "a-data", "--key", "a.key")) {
            server.in.println("set broken k 1");
            // The peer keeps serving: the next command is answered, and other documents take writes.
            assertEquals("{\"firmware\":\"1.4.2\"}", server.command("get plant"));
            assertEquals("ok", server.command("inc plant kwh 1"));
            assertTrue(server.process.isAlive());
        }
    }

    @Test
    void aFolderIsReadWithoutBeingWritten(@TempDir Path dir) throws Exception {
        run(dir, "doc", "--data", "a-data", "inc", "plant", "kwh", "3");
        Path data = dir.resolve("a-data");
        assertEquals("{\"kwh\":3}", run(dir, "doc", "--data", "a-data", "get", "plant"));
        Outcome absent = outcome(dir, "doc", "--data", "no-such-folder", "get", "plant");
        assertEquals(1, absent.status(), absent.toString());
        assertFalse(Files.exists(dir.resolve("no-such-folder")), "reading creates nothing");

        List<Path> all;
        try (var walk = Files.walk(data)) {
            all = walk.toList();
        }
        for (Path p : all) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(Files.isDirectory(p) ? "r-x------" : "r--------"));
        }
        try {
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(data),
                    "running as root, where file permissions are not enforced");
            assertEquals("{\"kwh\":3}", run(dir, "doc", "--data", "a-data", "get", "plant"));
            assertEquals("plant", run(dir, "doc", "--data", "a-data", "docs"));
            Outcome write = outcome(dir, "doc", "--data", "a-data", "inc", "plant", "kwh", "1");
            assertEquals(1, write.status(), write.toString());
            assertTrue(write.err().startsWith("hyphae: error: "), write.err());
        } finally {
            for (Path p : all) {
                Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwx------" : "rw-------"));
            }
        }
    }
}
