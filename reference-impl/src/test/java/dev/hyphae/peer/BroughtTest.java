package dev.hyphae.peer;

import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a connection brought, over real TCP (HY-SESS-158, HY-SESS-159): a session on which the neighbour acknowledged
 * an entry, or on which an entry arrived, brought something; a later session between the same two peers, with
 * everything already in step, brings nothing, on either side.
 */
@Timeout(120)
class BroughtTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    @Requirement({"HY-SESS-158", "HY-SESS-159"})
    void aSessionBringsSomethingOnlyWhenAnEntryIsAcknowledgedOrReceived(@TempDir Path dir) throws Exception {
        KeyPair ka = KeyPair.generate(RANDOM);
        KeyPair kb = KeyPair.generate(RANDOM);
        TrustStore trust = TrustStore.of(List.of(ka.publicKey(), kb.publicKey()), List.of());
        AccessPolicy policy = new AccessPolicy()
                .grant(ka.publicKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE)
                .grant(kb.publicKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE);
        try (Peer a = Peer.open(new Peer.Config(dir.resolve("a"), ka, null, trust, policy));
             Peer b = Peer.open(new Peer.Config(dir.resolve("b"), kb, null, trust, policy))) {
            InetSocketAddress address = b.listen(new InetSocketAddress("127.0.0.1", 0));
            Document plant = a.document("plant");
            plant.map().register("firmware").set("1.4.2");

            Connection first = a.connect(address, List.of());
            awaitInStep(first, plant);
            Connection there = only(b);
            awaitIdle(there);
            first.close();
            assertTrue(first.awaitEnd(30_000));
            assertTrue(there.awaitEnd(30_000));
            // Read once the connections have ended, as a keeper reads it before its next attempt.
            assertTrue(first.brought(), "the neighbour acknowledged an entry that this side sent");
            assertTrue(there.brought(), "an entry arrived");

            Connection second = a.connect(address, List.of());
            awaitIdle(second);
            Connection secondThere = only(b);
            awaitIdle(secondThere);
            second.close();
            assertTrue(second.awaitEnd(30_000));
            assertTrue(secondThere.awaitEnd(30_000));
            assertFalse(second.brought(), "everything was in step: nothing was sent, acknowledged or received");
            assertFalse(secondThere.brought(), "everything was in step: nothing was sent, acknowledged or received");
        }
    }

    private static void awaitInStep(Connection link, Document document) throws InterruptedException {
        while (link.acknowledged("plant") < document.logLength()) {
            Thread.sleep(5);
        }
        awaitIdle(link);
    }

    /** Until the connection is in step three times in a row a moment apart. */
    private static void awaitIdle(Connection link) throws InterruptedException {
        int steady = 0;
        while (steady < 3) {
            steady = link.idle() ? steady + 1 : 0;
            Thread.sleep(50);
        }
    }

    /** The one connection that {@code peer} accepted, once its session has started. */
    private static Connection only(Peer peer) throws InterruptedException {
        while (peer.connections().size() != 1) {
            Thread.sleep(5);
        }
        return peer.connections().get(0);
    }
}
