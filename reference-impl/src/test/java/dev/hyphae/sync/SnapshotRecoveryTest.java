package dev.hyphae.sync;

import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.Value;
import dev.hyphae.store.DocumentStore;
import dev.hyphae.store.LogFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Opening a document reads its snapshot and the log's tail after it, which compaction keeps short; a crash at any
 * point of a compaction loses nothing and counts nothing twice; a torn tail after a snapshot is cut and reported,
 * damage in the middle of the tail refused. Counters make a write applied twice visible.
 */
class SnapshotRecoveryTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Value K = Value.of("k");

    @TempDir
    Path dir;

    private Path folder() {
        return dir.resolve("r");
    }

    private Path documentFolder() throws IOException {
        try (Stream<Path> documents = Files.list(folder().resolve("documents"))) {
            return documents.findFirst().orElseThrow();
        }
    }

    private static UnaryOperator<CausalState<ORMap>> increment(Replica replica) {
        return state -> state.store().update(K, CrdtType.GCOUNTER, (GCounter c) -> c.increment(state.context(), replica.replicaId(), 1));
    }

    private static long count(Replica replica) {
        return replica.state("d").store().<GCounter>get(K, CrdtType.GCOUNTER).value().longValueExact();
    }

    /** Writes {@code n} increments, in batches of 100 that each share a sync. */
    private static void write(Replica replica, int n) {
        CompletableFuture<?> last = null;
        for (int i = 1; i <= n; i++) {
            last = replica.writeAsync("d", K, increment(replica));
            if (i % 100 == 0) {
                last.join();
            }
        }
        if (last != null) {
            last.join();
        }
    }

    @Test
    void compactionKeepsTheTailThatOpeningReadsBounded() throws IOException {
        try (Replica replica = Replica.open(folder(), RANDOM)) {
            write(replica, 20_000);
        }
        Path log = documentFolder().resolve("log");
        long snapshot = Files.size(documentFolder().resolve("snapshot"));
        long bound = Math.max(DocumentStore.COMPACTION_THRESHOLD, DocumentStore.SNAPSHOT_RATIO * snapshot);
        // Compaction follows the sync after which the log is past the bound: at most one batch beyond it.
        assertTrue(Files.size(log) <= bound + 100 * 200, "a log tail of " + Files.size(log) + " bytes");
        try (Replica reopened = Replica.open(folder(), RANDOM)) {
            assertEquals(20_000, count(reopened));
            assertEquals(java.util.List.of(), reopened.recoveryReports());
        }
    }

    @Test
    void aCrashWhileWritingASnapshotLeavesTheOldSnapshotAndTheLogInCharge() throws IOException {
        try (Replica replica = Replica.open(folder(), RANDOM)) {
            write(replica, 500);
            assertTrue(replica.compact("d"));
            write(replica, 300);
        }
        // The crash: a new snapshot half written beside the old one, never renamed into place.
        byte[] snapshot = Files.readAllBytes(documentFolder().resolve("snapshot"));
        Files.write(documentFolder().resolve("snapshot.tmp"), Arrays.copyOf(snapshot, snapshot.length / 2));
        try (Replica reopened = Replica.open(folder(), RANDOM)) {
            assertEquals(800, count(reopened));
            assertFalse(Files.exists(documentFolder().resolve("snapshot.tmp")), "the half-written snapshot is removed");
            write(reopened, 1);
        }
        try (Replica reopened = Replica.open(folder(), RANDOM)) {
            assertEquals(801, count(reopened));
        }
    }

    @Test
    void aSnapshotNewerThanTheLogCountsNothingTwice() throws IOException {
        Path log;
        byte[] logBeforeCompaction;
        try (Replica replica = Replica.open(folder(), RANDOM)) {
            write(replica, 500);
            log = documentFolder().resolve("log");
            logBeforeCompaction = Files.readAllBytes(log);
            assertTrue(replica.compact("d"));
        }
        // The crash: the snapshot of all 500 writes is in place, but the log, which holds them too, was not emptied.
        Files.write(log, logBeforeCompaction);
        try (Replica reopened = Replica.open(folder(), RANDOM)) {
            assertEquals(500, count(reopened));
            write(reopened, 1);   // numbered after the snapshot's entries, not after the stale log's
        }
        try (Replica reopened = Replica.open(folder(), RANDOM)) {
            assertEquals(501, count(reopened));
            assertEquals(501, reopened.context("d").versionVector().get(reopened.replicaId()));
        }
    }

    @Test
    void aTornTailAfterASnapshotIsCutAndReported() throws IOException {
        try (Replica replica = Replica.open(folder(), RANDOM)) {
            write(replica, 500);
            assertTrue(replica.compact("d"));
            write(replica, 20);
        }
        Path log = documentFolder().resolve("log");
        Files.write(log, Arrays.copyOf(Files.readAllBytes(log), LogFiles.recordsEnd(log) - 7));   // the last record torn
        try (Replica reopened = Replica.open(folder(), RANDOM)) {
            assertEquals(519, count(reopened));
            assertEquals(1, reopened.recoveryReports().size());
            assertTrue(reopened.recoveryReports().get(0).contains("cut a torn tail"), reopened.recoveryReports().get(0));
        }
    }

    @Test
    void damageInTheMiddleOfTheTailIsRefused() throws IOException {
        try (Replica replica = Replica.open(folder(), RANDOM)) {
            write(replica, 500);
            assertTrue(replica.compact("d"));
            write(replica, 20);
            write(replica, 1);   // appended once the 20 were synced: it vouches for them
        }
        Path log = documentFolder().resolve("log");
        byte[] bytes = Files.readAllBytes(log);
        bytes[LogFiles.FIRST_BODY + 4] ^= 0x10;   // in the body of the tail's first record, which later records vouch for
        Files.write(log, bytes);
        try (Replica reopened = Replica.open(folder(), RANDOM)) {
            assertEquals(java.util.Set.of(), reopened.documents(), "the damaged document is not served");
            assertTrue(reopened.recoveryReports().get(0).contains("is not served"), reopened.recoveryReports().get(0));
        }
        assertTrue(Arrays.equals(bytes, Files.readAllBytes(log)), "and left as it was");
    }
}
