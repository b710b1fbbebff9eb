package dev.hyphae.peer;

import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

import static dev.hyphae.peer.TwoPeers.await;
import static dev.hyphae.peer.TwoPeers.awaitIdle;
import static dev.hyphae.peer.TwoPeers.only;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a connection brought, over real TCP (HY-SESS-158, HY-SESS-159): a session on which the neighbour acknowledged
 * an entry, or on which an entry arrived, brought something; a later session between the same two peers, with
 * everything already in step, brings nothing, on either side.
 */
@Timeout(120)
class BroughtTest {

    @Test
    @Requirement({"HY-SESS-158", "HY-SESS-159"})
    void aSessionBringsSomethingOnlyWhenAnEntryIsAcknowledgedOrReceived(@TempDir Path dir) throws Exception {
        TwoPeers peers = new TwoPeers(dir);
        try (Peer a = peers.openA(); Peer b = peers.openB()) {
            InetSocketAddress address = b.listen(TwoPeers.LOOPBACK);
            Document plant = a.document("plant");
            plant.map().register("firmware").set("1.4.2");

            Connection first = a.connect(address, List.of());
            await("the acknowledgement of every write", () -> first.acknowledged("plant") >= plant.logLength());
            awaitIdle(first);
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
}
