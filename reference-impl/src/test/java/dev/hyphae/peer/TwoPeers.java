package dev.hyphae.peer;

import dev.hyphae.ProtocolException;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two peers, A and B, each with a folder of its own under a test's folder, that trust each other and grant each other
 * write on every document; and the waits of tests that run them over loopback TCP. A peer may be opened, closed and
 * opened again on the same folder and key, as after a restart.
 */
final class TwoPeers {

    /** A listening address on loopback, on a port the system chooses. */
    static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    private static final SecureRandom RANDOM = new SecureRandom();

    final Path aDir;
    final Path bDir;
    private final KeyPair aKey = KeyPair.generate(RANDOM);
    private final KeyPair bKey = KeyPair.generate(RANDOM);
    private final TrustStore trust = TrustStore.of(List.of(aKey.publicKey(), bKey.publicKey()), List.of());
    private final AccessPolicy policy = new AccessPolicy()
            .grant(aKey.publicKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE)
            .grant(bKey.publicKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE);

    /** The two, in {@code dir}/a and {@code dir}/b. */
    TwoPeers(Path dir) {
        aDir = dir.resolve("a");
        bDir = dir.resolve("b");
    }

    Peer openA() throws IOException {
        return Peer.open(new Peer.Config(aDir, aKey, null, trust, policy));
    }

    Peer openB() throws IOException {
        return Peer.open(new Peer.Config(bDir, bKey, null, trust, policy));
    }

    /** {@code from} connects to {@code to}, which listens for it on loopback, opening {@code documents} at once. */
    static Connection connect(Peer from, Peer to, String... documents) throws IOException, ProtocolException {
        return from.connect(to.listen(LOOPBACK), List.of(documents));
    }

    /**
     * Waits until {@code condition} holds, for up to 30 s, looking every 10 ms; fails if it never does, saying that
     * {@code what} never came about.
     */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 3000 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), what + " never came about (30 s)");
    }

    /**
     * Waits until {@code link} is in step three times in a row a moment apart, for up to 30 s; fails if it never
     * is.
     */
    static void awaitIdle(Connection link) throws InterruptedException {
        int steady = 0;
        for (int i = 0; i < 600 && steady < 3; i++) {
            steady = link.idle() ? steady + 1 : 0;
            Thread.sleep(50);
        }
        assertTrue(steady >= 3, "the connection was never in step (30 s); events " + link.events());
    }

    /** The one connection that {@code peer} accepted, once its session has started. */
    static Connection only(Peer peer) throws InterruptedException {
        await("a connection accepted by the peer", () -> peer.connections().size() == 1);
        return peer.connections().get(0);
    }
}
