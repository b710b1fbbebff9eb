package dev.hyphae.peer;

import dev.hyphae.data.Seq;
import dev.hyphae.spec.Requirement;
import dev.hyphae.store.FaultyDisk;
import dev.hyphae.store.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;

import static dev.hyphae.peer.TwoPeers.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A batch whose sync fails is in doubt and stays at the writer; once the disk works again, {@link Peer#flush()}
 * recovers the document (writes it whole again, synced), and the batch then travels to the neighbour over real TCP,
 * which acknowledges it. Both sides hold it after a restart. The disk fails again right after the flush, so that
 * nothing but the flush can have recovered the document.
 */
@Timeout(120)
class FlushRecoveryTest {

    @Test
    @Requirement({"HY-SYNC-005", "HY-SESS-130"})
    void aBatchRecoveredByAFlushReachesTheNeighbour(@TempDir Path dir) throws Exception {
        TwoPeers peers = new TwoPeers(dir);
        Path aDir = peers.aDir;
        try (FaultyDisk disk = FaultyDisk.install(aDir)) {
            try (Peer a = peers.openA(); Peer b = peers.openB()) {
                Connection link = TwoPeers.connect(a, b, "plant");
                Document plant = a.document("plant");
                plant.map().counter("kwh").increment(1);
                await("the acknowledgement of every write", () -> link.acknowledged("plant") >= plant.logLength());
                long acknowledged = link.acknowledged("plant");

                disk.failSyncs();
                CompletionException failed = assertThrows(CompletionException.class, () -> plant.batch(map -> {
                    for (int i = 0; i < 10; i++) {
                        map.counter("kwh").increment(1);
                    }
                    map.register("firmware").set("1.4.2");
                }).join());
                assertEquals(StorageException.Code.IN_DOUBT,
                        assertInstanceOf(WriteFailedException.class, failed.getCause()).code());
                assertEquals(11, plant.map().counter("kwh").value().longValue(), "a batch in doubt is applied in memory");

                // Only the flush can recover the document: syncs fail again as soon as it returns, so that the
                // session's own retries on its tick (HY-SESS-130), which would recover it too, cannot.
                disk.clear();
                a.flush();
                disk.failSyncs();
                await("the acknowledgement of every write, past the one held back", () -> Seq.after(link.acknowledged("plant"), acknowledged)
                        && link.acknowledged("plant") >= plant.logLength());
                disk.clear();
                Document there = b.document("plant");
                assertEquals(11, there.map().counter("kwh").value().longValue());
                assertEquals(java.util.Optional.of(dev.hyphae.data.Value.of("1.4.2")), there.map().register("firmware").get());
                assertEquals(Connection.State.OPEN, link.state(), String.valueOf(link.failure()));
            }
        }
        // The neighbour acknowledged it, so it is on its disk; the writer's recovery made it durable there too.
        try (Peer a = peers.openA(); Peer b = peers.openB()) {
            assertEquals(11, a.document("plant").map().counter("kwh").value().longValue());
            assertEquals(11, b.document("plant").map().counter("kwh").value().longValue());
            assertEquals(List.of(), a.recoveryReports());
        }
    }
}
