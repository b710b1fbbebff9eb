package dev.hyphae.peer;

import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Admission over real loopback TCP, with small budgets: silent connections beyond the budget do not lock out an
 * honest peer, a trickling handshake is cut at the deadline, and a handshake's budget is free before the session
 * waits on the replica.
 */
class AdmissionOverTcpTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair serverKey = KeyPair.generate(RANDOM);
    private final List<KeyPair> clientKeys = List.of(KeyPair.generate(RANDOM), KeyPair.generate(RANDOM));
    private final TrustStore trust = TrustStore.of(List.of(serverKey.publicKey(), clientKeys.get(0).publicKey(),
            clientKeys.get(1).publicKey()), List.of());
    private final AccessPolicy policy = new AccessPolicy()
            .grant(serverKey.publicKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE)
            .grant(clientKeys.get(0).publicKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE)
            .grant(clientKeys.get(1).publicKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE);

    private Peer server(Path dir, Admission.Limits limits) throws IOException {
        return Peer.open(new Peer.Config(dir.resolve("server"), serverKey, null, trust, policy, true, limits));
    }

    private Peer client(Path dir, int n) throws IOException {
        return Peer.open(new Peer.Config(dir.resolve("client-" + n), clientKeys.get(n), null, trust, policy));
    }

    /** Whether the server closed {@code socket}: its read ends, where a socket still held would time out. */
    private static boolean closedByServer(Socket socket) throws IOException {
        socket.setSoTimeout(30_000);
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Test
    @Requirement({"HY-SEC-009", "HY-SEC-010", "HY-SEC-011"})
    void aFloodOfSilentConnectionsDoesNotLockOutAnHonestPeer(@TempDir Path dir) throws Exception {
        Admission.Limits limits = new Admission.Limits(8, 4, 60_000, 0);
        try (Peer server = server(dir, limits); Peer honest = client(dir, 0)) {
            InetSocketAddress address = server.listen(new InetSocketAddress("127.0.0.1", 0));
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < 5 * limits.unauthenticated(); i++) {
                    silent.add(new Socket(address.getAddress(), address.getPort()));
                }
                Connection connection = honest.connect(address, List.of("plant"));
                assertEquals(Connection.State.OPEN, connection.state(), String.valueOf(connection.failure()));
                honest.document("plant").map().counter("kwh").increment(1);
                assertTrue(server.handshakesInProgress() <= limits.perSource(), "one source holds at most its budget");
                assertTrue(closedByServer(silent.get(0)), "the stalest silent connection was dropped to make room");
            } finally {
                for (Socket s : silent) {
                    s.close();
                }
            }
        }
    }

    @Test
    @Requirement("HY-SEC-008")
    void aTrickledHandshakeIsDroppedAtTheDeadline(@TempDir Path dir) throws Exception {
        Admission.Limits limits = new Admission.Limits(8, 4, 1_500, 0);
        try (Peer server = server(dir, limits); Socket trickler = new Socket()) {
            InetSocketAddress address = server.listen(new InetSocketAddress("127.0.0.1", 0));
            trickler.connect(address);
            OutputStream out = trickler.getOutputStream();
            // A handshake message that announces 65,535 bytes, then a byte every 100 ms, well within the socket's
            // per-read timeout: each read makes progress, so only a bound on the whole handshake ends it.
            Thread trickle = new Thread(() -> {
                try {
                    out.write(0xFF);
                    out.write(0xFF);
                    while (true) {
                        out.write(1);
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // Cut off, as expected.
                }
            });
            trickle.setDaemon(true);
            trickle.start();
            try {
                // Without the bound the read would outlast the socket's own timeout (twenty deadlines) and throw.
                assertTrue(closedByServer(trickler), "the trickling handshake is ended at its deadline");
            } finally {
                trickle.interrupt();
            }
            // Its handshake thread, woken by the close, gives the budget back.
            awaitCondition(() -> server.handshakesInProgress() == 0);
        }
    }

    @Test
    @Requirement("HY-SEC-012")
    void aHandshakeReleasesItsBudgetBeforeTheSessionStarts(@TempDir Path dir) throws Exception {
        // A budget of one: if the first handshake held it until its session started, the second would displace it.
        Admission.Limits limits = new Admission.Limits(1, 1, 60_000, 0);
        try (Peer server = server(dir, limits); Peer first = client(dir, 0); Peer second = client(dir, 1)) {
            InetSocketAddress address = server.listen(new InetSocketAddress("127.0.0.1", 0));
            CountDownLatch firstAdmitted = new CountDownLatch(1);
            CountDownLatch proceed = new CountDownLatch(1);
            AtomicBoolean held = new AtomicBoolean();
            // The first connection's server side is held after its admission, before its session starts.
            server.handshakeProbe = point -> {
                if (point.equals("admitted") && held.compareAndSet(false, true)) {
                    firstAdmitted.countDown();
                    awaitQuietly(proceed);
                }
            };
            Connection a = first.connect(address, List.of("plant"));
            assertTrue(firstAdmitted.await(30, TimeUnit.SECONDS), "the first handshake never completed");
            assertEquals(0, server.handshakesInProgress(), "an admitted handshake holds no budget");
            Connection b = second.connect(address, List.of("plant"));
            proceed.countDown();
            first.document("plant").map().counter("kwh").increment(1);
            second.document("plant").map().counter("kwh").increment(2);
            awaitCondition(() -> server.document("plant").map().counter("kwh").value().intValue() == 3);
            assertEquals(Connection.State.OPEN, a.state(), String.valueOf(a.failure()));
            assertEquals(Connection.State.OPEN, b.state(), String.valueOf(b.failure()));
        }
    }

    @Test
    @Requirement({"HY-SEC-011", "HY-SEC-012"})
    void aHandshakeDroppedJustAsItCompletesStartsNoSession(@TempDir Path dir) throws Exception {
        Admission.Limits limits = new Admission.Limits(1, 1, 60_000, 0);
        try (Peer server = server(dir, limits); Peer first = client(dir, 0); Socket newcomer = new Socket()) {
            InetSocketAddress address = server.listen(new InetSocketAddress("127.0.0.1", 0));
            CountDownLatch authenticated = new CountDownLatch(1);
            CountDownLatch proceed = new CountDownLatch(1);
            CountDownLatch ended = new CountDownLatch(1);
            List<String> points = Collections.synchronizedList(new ArrayList<>());
            // The first handshake is held between its completion and the release of its budget.
            server.handshakeProbe = point -> {
                points.add(point);
                if (point.equals("authenticated")) {
                    authenticated.countDown();
                    awaitQuietly(proceed);
                } else if (point.equals("ended")) {
                    ended.countDown();
                }
            };
            Connection a = first.connect(address, List.of("plant"));
            assertTrue(authenticated.await(30, TimeUnit.SECONDS), "the first handshake never completed");
            // A newcomer from the same source, at a budget of one, displaces it before it is released.
            newcomer.connect(address);
            awaitCondition(() -> a.state() != Connection.State.OPEN);
            proceed.countDown();
            assertTrue(ended.await(30, TimeUnit.SECONDS));
            assertEquals(List.of("authenticated", "ended"), points, "a dropped handshake must start no session");
            assertEquals(List.of(), server.connections());
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for {@code condition}, which the peer's own threads bring about; fails if it never comes. */
    private static void awaitCondition(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 3000 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), "the condition never came about");
    }

    @Test
    void limitsOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Admission.Limits(1, 2, 1, 0));
    }
}
