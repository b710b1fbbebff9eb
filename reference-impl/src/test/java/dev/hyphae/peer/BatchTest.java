package dev.hyphae.peer;

import dev.hyphae.data.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link Document#batch} through the typed handles, with a neighbour over real TCP: the handles of a batch read the
 * batch's earlier writes (so that each increment takes a dot of its own and counts), the batch is one entry of the
 * log, and the neighbour acknowledges it as one. A write of the batch that the batch refuses refuses it whole.
 */
@Timeout(120)
class BatchTest {

    @Test
    void aBatchThroughTheHandlesIsOneEntryThatTheNeighbourAcknowledgesWhole(@TempDir Path dir) throws Exception {
        TwoPeers peers = new TwoPeers(dir);
        try (Peer a = peers.openA(); Peer b = peers.openB()) {
            Connection link = TwoPeers.connect(a, b, "plant");
            Document plant = a.document("plant");
            plant.map().register("firmware").set("1.4.1");
            long before = plant.logLength();
            plant.batch(map -> {
                for (int i = 0; i < 100; i++) {
                    map.counter("kwh").increment(1);
                    map.map("line-" + (i % 3)).counter("parts").increment(1);
                }
                map.register("firmware").set("1.4.2");
                assertEquals(100, map.counter("kwh").value().longValue(), "the batch's handles read its writes");
                assertEquals(Optional.of(Value.of("1.4.1")), plant.map().register("firmware").get(),
                        "the document's own handles do not see the batch before it closes");
            }).join();
            assertEquals(before + 1, plant.logLength(), "201 writes, one entry of the log");
            assertEquals(100, plant.map().counter("kwh").value().longValue());
            TwoPeers.await("the acknowledgement of every write", () -> link.acknowledged("plant") >= plant.logLength());
            Document there = b.document("plant");
            assertEquals(100, there.map().counter("kwh").value().longValue());
            assertEquals(34, there.map().map("line-0").counter("parts").value().longValue());
            assertEquals(Optional.of(Value.of("1.4.2")), there.map().register("firmware").get());

            // A handle used after its batch closed refuses the write, and changes nothing.
            MapHandle[] kept = new MapHandle[1];
            plant.batch(map -> kept[0] = map).join();
            assertThrows(IllegalStateException.class, () -> kept[0].counter("kwh").increment(1));
            assertEquals(100, plant.map().counter("kwh").value().longValue());
            a.flushAsync().join();
            a.flush();
        }
    }
}
