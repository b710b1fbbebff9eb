package dev.hyphae.peer;

import dev.hyphae.data.Value;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.spec.Requirement;
import dev.hyphae.store.FaultyDisk;
import dev.hyphae.store.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer whose disk fills up, then fails its syncs, then recovers, with a neighbour connected over real TCP: writes
 * are refused with a code and nothing else stops; nothing acknowledged is lost and nothing is acknowledged before it
 * is durable; once the disk works again, writes are taken, the neighbour's writes come through on the same session,
 * and everything survives a restart.
 */
class StorageFaultTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair serverKey = KeyPair.generate(RANDOM);
    private final KeyPair clientKey = KeyPair.generate(RANDOM);
    private final TrustStore trust = TrustStore.of(List.of(serverKey.publicKey(), clientKey.publicKey()), List.of());
    private final AccessPolicy policy = new AccessPolicy()
            .grant(serverKey.publicKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE)
            .grant(clientKey.publicKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE);

    private static long kwh(Peer peer) {
        return peer.document("plant").map().counter("kwh").value().longValue();
    }

    @Test
    @Requirement({"HY-SYNC-060", "HY-SESS-130", "HY-SYNC-023"})
    void aFullDiskRefusesWritesAndNothingElseAndRecovers(@TempDir Path dir) throws Exception {
        Path serverDir = dir.resolve("server");
        try (FaultyDisk disk = FaultyDisk.install(serverDir)) {
            try (Peer server = Peer.open(new Peer.Config(serverDir, serverKey, null, trust, policy));
                 Peer client = Peer.open(new Peer.Config(dir.resolve("client"), clientKey, null, trust, policy))) {
                InetSocketAddress address = server.listen(new InetSocketAddress("127.0.0.1", 0));
                Connection link = client.connect(address, List.of("plant"));
                client.document("plant").map().counter("kwh").increment(10);
                awaitCondition(() -> link.acknowledged("plant") >= 1);   // the client's write, durable at the server
                server.document("other").map().register("firmware").set("1.4.2");
                Connection serverSide = server.connections().get(0);

                disk.fill();
                WriteFailedException refused = assertThrows(WriteFailedException.class,
                        () -> server.document("plant").map().counter("kwh").increment(1));
                assertEquals(StorageException.Code.NOT_WRITTEN, refused.code());
                assertEquals(10, kwh(server), "a write refused whole takes no effect");
                assertEquals(java.util.Optional.of(Value.of("1.4.2")), server.document("other").map().register("firmware").get(),
                        "reads of other documents go on");

                // A document that cannot be created leaves no folder behind.
                long folders = countFolders(serverDir);
                assertThrows(WriteFailedException.class, () -> server.document("fresh").map().counter("n").increment(1));
                assertEquals(folders, countFolders(serverDir));

                // The neighbour's write cannot be stored: that document closes on the session, the session stays up,
                // and the write is not acknowledged.
                client.document("plant").map().counter("kwh").increment(100);
                awaitCondition(() -> serverSide.events().stream().anyMatch(e -> e.contains("storage failed")));
                // The client has the server's Close of the document: any Ack sent before it has arrived (one stream).
                awaitCondition(() -> link.events().stream().anyMatch(e -> e.startsWith("the peer closed \"plant\"")));
                assertEquals(Connection.State.OPEN, link.state(), String.valueOf(link.failure()));
                assertEquals(Connection.State.OPEN, serverSide.state(), String.valueOf(serverSide.failure()));
                assertEquals(1, link.acknowledged("plant"), "nothing that is not durable is acknowledged");

                // Space returns, but the device fails a sync: the write is in doubt.
                disk.clear();
                disk.failSyncs();
                WriteFailedException inDoubt = assertThrows(WriteFailedException.class,
                        () -> server.document("plant").map().counter("kwh").increment(5));
                assertEquals(StorageException.Code.IN_DOUBT, inDoubt.code());
                assertThrows(WriteFailedException.class, () -> server.document("plant").map().counter("kwh").increment(7),
                        "a document whose sync failed takes no writes until its storage recovers");

                // The disk works again. Nothing writes to the document at the server, which only relays: its
                // session retries the document on its own, recovers it (the write in doubt with it, which the failed
                // sync dropped from the disk), opens it again, and the neighbour's write comes through.
                disk.clear();
                awaitCondition(() -> kwh(server) == 10 + 5 + 100 && kwh(client) == 10 + 5 + 100);
                awaitCondition(() -> link.acknowledged("plant") >= 2);
                assertEquals(Connection.State.OPEN, link.state(), String.valueOf(link.failure()));
            }
            // Every acknowledged write survives a restart, and no folder is left that has no name.
            try (Peer server = Peer.open(new Peer.Config(serverDir, serverKey, null, trust, policy))) {
                assertEquals(10 + 5 + 100, kwh(server));
                assertEquals(List.of(), server.recoveryReports());
                assertEquals(java.util.Set.of("plant", "other"), server.documents());
            }
        }
    }

    private static long countFolders(Path replica) throws Exception {
        try (Stream<Path> folders = Files.list(replica.resolve("documents"))) {
            return folders.count();
        }
    }

    private static void awaitCondition(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 3000 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), "the condition never came about");
    }
}
