package dev.hyphae.store;

import dev.hyphae.data.ReplicaId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The record log and the document store on real files: recovery of torn tails, refusal of damage, compaction. */
class RecordLogTest {

    private static byte[] record(int n, int length) {
        byte[] body = new byte[length];
        for (int i = 0; i < length; i++) {
            body[i] = (byte) (n * 31 + i);
        }
        return body;
    }

    /** Any cut of the file after the last sync loses only records appended after it, and reports the cut. */
    @Property(tries = 200)
    void aTornTailIsCutAndEverySyncedRecordSurvives(@ForAll @IntRange(min = 1, max = 12) int synced,
                                                    @ForAll @IntRange(min = 0, max = 6) int unsynced,
                                                    @ForAll @IntRange(min = 0, max = 10_000) int cutSeed) throws IOException {
        Path dir = Files.createTempDirectory("hyphae-log");
        try {
            Path file = dir.resolve("log");
            long syncedSize;
            try (RecordLog log = RecordLog.open(file)) {
                for (int i = 0; i < synced; i++) {
                    log.append(record(i, 1 + (i * 37) % 200));
                }
                log.sync();
                syncedSize = log.size();
                for (int i = synced; i < synced + unsynced; i++) {
                    log.append(record(i, 1 + (i * 37) % 200));
                }
            }
            // A crash that kept only part of what was not synced.
            long total = Files.size(file);
            long cut = syncedSize + (total == syncedSize ? 0 : cutSeed % (total - syncedSize + 1));
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(cut);
            }
            try (RecordLog log = RecordLog.open(file)) {
                List<byte[]> records = log.recovered();
                assertTrue(records.size() >= synced, "lost a synced record: " + records.size() + " < " + synced);
                for (int i = 0; i < records.size(); i++) {
                    assertArrayEquals(record(i, 1 + (i * 37) % 200), records.get(i));
                }
                assertEquals(cut - log.recovery().keptBytes(), log.recovery().truncatedBytes());
                assertEquals(log.recovery().keptBytes(), Files.size(file), "the torn tail is cut from the file");
                log.append(record(99, 5));
                log.sync();
            }
            try (RecordLog log = RecordLog.open(file)) {
                assertFalse(log.recovery().truncated());
                assertArrayEquals(record(99, 5), log.recovered().get(log.recovered().size() - 1));
            }
        } finally {
            deleteTree(dir);
        }
    }

    @Test
    void aDamagedRecordFollowedByASoundOneIsRefusedNotDropped(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("log");
        try (RecordLog log = RecordLog.open(file)) {
            for (int i = 0; i < 5; i++) {
                log.append(record(i, 50));
            }
            log.sync();
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[RecordLog.HEADER + 58 + 20] ^= 0x01;   // inside the body of the second record
        Files.write(file, bytes);
        DamagedStoreException e = assertThrows(DamagedStoreException.class, () -> RecordLog.open(file));
        assertTrue(e.getMessage().contains("refusing to drop"), e.getMessage());
        assertArrayEquals(bytes, Files.readAllBytes(file), "the damaged file is left as it was");
    }

    @Test
    void aCrashBetweenTheSnapshotAndEmptyingTheLogLosesAndDuplicatesNothing(@TempDir Path dir) throws IOException {
        ReplicaId neighbour = ReplicaId.random(new SecureRandom());
        Path doc = dir.resolve("doc");
        try (DocumentStore store = DocumentStore.open(doc)) {
            store.appendEntry(new DocumentStore.Entry(1, null, new byte[] {1}));
            store.appendEntry(new DocumentStore.Entry(2, neighbour, new byte[] {2}));
            store.appendHeld(neighbour, 7);
            store.appendAcked(neighbour, 1);
            store.sync();
        }
        byte[] logBeforeCompaction = Files.readAllBytes(doc.resolve("log"));
        try (DocumentStore store = DocumentStore.open(doc)) {
            // The snapshot holds both entries and the positions; compaction then empties the log.
            store.compact(new DocumentStore.Contents(new byte[] {9, 9}, 2, 0, store.recovered().entries(),
                    store.recovered().held(), store.recovered().acked()));
        }
        // The crash: the new snapshot is in place, but the log was not emptied.
        Files.write(doc.resolve("log"), logBeforeCompaction);
        try (DocumentStore store = DocumentStore.open(doc)) {
            DocumentStore.Contents contents = store.recovered();
            assertArrayEquals(new byte[] {9, 9}, contents.state());
            assertEquals(2, contents.seq());
            assertEquals(List.of(1L, 2L), contents.entries().stream().map(DocumentStore.Entry::seq).toList());
            assertEquals(neighbour, contents.entries().get(1).origin());
            assertEquals(7L, contents.held().get(neighbour));
            assertEquals(1L, contents.acked().get(neighbour));
        }
    }

    @Test
    void aPowerLossKeepsExactlyWhatWasSynced(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("log");
        try (RecordLog log = RecordLog.open(file)) {
            log.append(record(1, 10));
            log.sync();
            log.append(record(2, 10));
            log.loseUnsynced();
        }
        try (RecordLog log = RecordLog.open(file)) {
            assertEquals(1, log.recovered().size());
            assertFalse(log.recovery().truncated());
        }
    }

    @Test
    void aDamagedSnapshotIsRefused(@TempDir Path dir) throws IOException {
        try (DocumentStore store = DocumentStore.open(dir.resolve("doc"))) {
            store.compact(new DocumentStore.Contents(new byte[] {1, 2, 3}, 0, 0, List.of(), Map.of(), Map.of()));
        }
        Path snapshot = dir.resolve("doc/snapshot");
        byte[] bytes = Files.readAllBytes(snapshot);
        bytes[bytes.length - 1] ^= 0x40;
        Files.write(snapshot, bytes);
        assertThrows(DamagedStoreException.class, () -> DocumentStore.open(dir.resolve("doc")));
    }

    private static void deleteTree(Path dir) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (var walk = Files.walk(dir)) {
            walk.forEach(paths::add);
        }
        for (int i = paths.size() - 1; i >= 0; i--) {
            Files.deleteIfExists(paths.get(i));
        }
    }
}
