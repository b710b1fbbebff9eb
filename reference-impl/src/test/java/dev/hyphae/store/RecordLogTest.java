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
import java.util.Random;

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

    /**
     * A power loss keeps what was synced and, of the rest, any pages in any order: opening keeps every synced record,
     * refuses nothing, reads a prefix of what was appended, and reports a cut exactly when bytes that were not zeros
     * had to go. The log then takes records again.
     */
    @Property(tries = 300)
    void aPowerLossLosesNoSyncedRecordAndIsNeverTakenForDamage(@ForAll @IntRange(min = 1, max = 4) int syncs,
                                                               @ForAll @IntRange(min = 1, max = 40) int perSync,
                                                               @ForAll @IntRange(min = 0, max = 80) int unsynced,
                                                               @ForAll long seed) throws IOException {
        Path dir = Files.createTempDirectory("hyphae-log");
        try {
            Path file = dir.resolve("log");
            int synced = syncs * perSync;
            RecordLog log = RecordLog.open(file);
            int n = 0;
            for (int s = 0; s < syncs; s++) {
                for (int i = 0; i < perSync; i++, n++) {
                    log.append(record(n, length(n)));
                }
                log.sync();
            }
            for (int i = 0; i < unsynced; i++, n++) {
                log.append(record(n, length(n)));
            }
            log.loseUnsynced(new Random(seed));
            try (RecordLog reopened = RecordLog.open(file)) {
                List<byte[]> records = reopened.recovered();
                assertTrue(records.size() >= synced, "lost a synced record: " + records.size() + " < " + synced);
                assertTrue(records.size() <= n);
                for (int i = 0; i < records.size(); i++) {
                    assertArrayEquals(record(i, length(i)), records.get(i));
                }
                reopened.append(record(999, 5));
                reopened.sync();
            }
            try (RecordLog reopened = RecordLog.open(file)) {
                assertFalse(reopened.recovery().truncated());
                assertArrayEquals(record(999, 5), reopened.recovered().get(reopened.recovered().size() - 1));
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static int length(int n) {
        return 1 + (n * 37) % 300;
    }

    /** A crash that cut the file anywhere after the last sync: the records before the cut stay, the rest is reported. */
    @Property(tries = 200)
    void aTornTailIsCutAndReported(@ForAll @IntRange(min = 1, max = 12) int synced,
                                   @ForAll @IntRange(min = 1, max = 6) int unsynced,
                                   @ForAll @IntRange(min = 0, max = 10_000) int cutSeed) throws IOException {
        Path dir = Files.createTempDirectory("hyphae-log");
        try {
            Path file = dir.resolve("log");
            long syncedSize;
            long appendedSize;
            try (RecordLog log = RecordLog.open(file)) {
                for (int i = 0; i < synced; i++) {
                    log.append(record(i, length(i)));
                }
                log.sync();
                syncedSize = log.size();
                for (int i = synced; i < synced + unsynced; i++) {
                    log.append(record(i, length(i)));
                }
                appendedSize = log.size();
            }
            long cut = syncedSize + cutSeed % (appendedSize - syncedSize);
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(cut);
            }
            byte[] before = Files.readAllBytes(file);
            try (RecordLog log = RecordLog.open(file)) {
                List<byte[]> records = log.recovered();
                assertTrue(records.size() >= synced && records.size() < synced + unsynced, records.size() + " records");
                for (int i = 0; i < records.size(); i++) {
                    assertArrayEquals(record(i, length(i)), records.get(i));
                }
                int lastNonZero = before.length - 1;
                while (lastNonZero >= 0 && before[lastNonZero] == 0) {
                    lastNonZero--;
                }
                assertEquals(Math.max(0, lastNonZero + 1 - log.recovery().keptBytes()), log.recovery().truncatedBytes(),
                        "the cut is reported from the end of the last whole record to the last byte that was not zero");
                assertEquals(log.recovery().keptBytes(), log.size());
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** A synced record damaged, and a later record that was appended once it was synced: refused, the file untouched. */
    @Test
    void aDamagedSyncedRecordThatALaterRecordVouchesForIsRefusedNotDropped(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("log");
        try (RecordLog log = RecordLog.open(file)) {
            for (int i = 0; i < 5; i++) {
                log.append(record(i, 50));
            }
            log.sync();
            log.append(record(5, 50));   // appended after the sync that covered the first five
            log.sync();
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[RecordLog.FILE_HEADER + (RecordLog.HEADER + 50) + RecordLog.HEADER + 20] ^= 0x01;   // the second record's body
        Files.write(file, bytes);
        DamagedStoreException e = assertThrows(DamagedStoreException.class, () -> RecordLog.open(file));
        assertTrue(e.getMessage().contains("refusing to drop"), e.getMessage());
        assertArrayEquals(bytes, Files.readAllBytes(file), "the damaged file is left as it was");
    }

    /**
     * The limit of what recovery can tell: damage inside the records that the last sync covered, with no later record
     * appended, looks like a torn tail (as damage to the last record always did), and is cut and reported.
     */
    @Test
    void damageThatNoLaterRecordVouchesForIsCutAsATornTail(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("log");
        try (RecordLog log = RecordLog.open(file)) {
            for (int i = 0; i < 5; i++) {
                log.append(record(i, 50));
            }
            log.sync();
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[RecordLog.FILE_HEADER + (RecordLog.HEADER + 50) + RecordLog.HEADER + 20] ^= 0x01;
        Files.write(file, bytes);
        try (RecordLog log = RecordLog.open(file)) {
            assertEquals(1, log.recovered().size());
            assertTrue(log.recovery().truncated());
        }
    }

    /**
     * A sync that fails may have lost what it was to cover, even if a later sync succeeds: no record appended after it
     * vouches for that, so that its loss reads as a torn tail and not as damage to synced records.
     */
    @Test
    void noRecordVouchesForWhatAFailedSyncMayHaveLost(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("log");
        try (FaultyDisk disk = FaultyDisk.install(dir)) {
            RecordLog log = RecordLog.open(file);
            log.append(record(0, 40));
            log.sync();
            log.append(record(1, 40));
            disk.failSyncs();
            assertThrows(IOException.class, log::sync);   // record 1 is lost: the faulty disk zeroes it
            disk.clear();
            log.append(record(2, 40));
            log.sync();   // succeeds, and covers record 1's place: yet record 1 is gone
            log.append(record(3, 40));
            log.sync();
            log.close();
        }
        try (RecordLog reopened = RecordLog.open(file)) {
            assertEquals(1, reopened.recovered().size(), "the records after the loss are a torn tail");
            assertTrue(reopened.recovery().truncated());
        }
    }

    /** A header whose magic is damaged: refused, not read as a log of the first format (which would drop every record). */
    @Test
    void aLogWhoseHeaderIsDamagedIsRefusedNotRewritten(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("log");
        try (RecordLog log = RecordLog.open(file)) {
            for (int i = 0; i < 5; i++) {
                log.append(record(i, 30));
            }
            log.sync();
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[0] ^= 0x01;
        Files.write(file, bytes);
        DamagedStoreException e = assertThrows(DamagedStoreException.class, () -> RecordLog.open(file));
        assertTrue(e.getMessage().contains("header is damaged"), e.getMessage());
        assertArrayEquals(bytes, Files.readAllBytes(file), "the damaged file is left as it was");
        assertThrows(DamagedStoreException.class, () -> RecordLog.readPrefix(file));
    }

    /** A file of zeros (a log whose creation was cut before its header reached the disk) holds no record. */
    @Test
    void aFileOfZerosIsAnEmptyLog(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("log");
        Files.write(file, new byte[RecordLog.PREALLOCATION]);
        try (RecordLog log = RecordLog.open(file)) {
            assertEquals(0, log.recovered().size());
            assertFalse(log.recovery().truncated());
            log.append(record(1, 10));
            log.sync();
        }
        try (RecordLog log = RecordLog.open(file)) {
            assertEquals(1, log.recovered().size());
        }
    }

    /**
     * A record that a neighbour put inside a delta cannot vouch for anything: a body holding a well-formed record
     * whose Synced reaches past the unsynced record before it does not turn the loss of that record into damage,
     * since the neighbour cannot know the log's salt.
     */
    @Test
    void aRecordInsideABodyVouchesForNothing(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("log");
        int firstRecord = RecordLog.FILE_HEADER;
        int secondRecord = firstRecord + RecordLog.HEADER + 20;
        byte[] body = new byte[100];
        int forgedAt = secondRecord + RecordLog.HEADER + 10;   // where the forged record lands in the file
        byte[] forgedBody = record(7, 30);
        java.nio.ByteBuffer forged = java.nio.ByteBuffer.wrap(body, 10, RecordLog.HEADER + forgedBody.length)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        // The checksum a log without a salt would take: all that the neighbour can compute.
        crc.update(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, forgedAt));
        crc.update(forgedBody);
        forged.putInt(forgedBody.length).putInt((int) crc.getValue()).putLong(forgedAt).put(forgedBody);
        try (RecordLog log = RecordLog.open(file)) {
            log.append(record(0, 20));
            log.sync();
            log.append(body);   // not synced: a power loss may take its first page
        }
        byte[] bytes = Files.readAllBytes(file);
        java.util.Arrays.fill(bytes, secondRecord, secondRecord + 8, (byte) 0);
        Files.write(file, bytes);
        try (RecordLog log = RecordLog.open(file)) {
            assertEquals(1, log.recovered().size());
            assertTrue(log.recovery().truncated());
        }
    }

    /** The file is extended ahead of its records, sparse, and the log's size counts only its records. */
    @Test
    void spaceIsAllocatedAheadOfTheRecords(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("log");
        try (RecordLog log = RecordLog.open(file)) {
            assertEquals(RecordLog.FILE_HEADER, log.size());
            assertEquals(RecordLog.PREALLOCATION, Files.size(file));
            int n = 0;
            while (log.size() < RecordLog.PREALLOCATION) {
                log.append(record(n, length(n)));
                n++;
            }
            log.sync();
            assertTrue(Files.size(file) >= log.size() + RecordLog.PREALLOCATION, "extended ahead again once full");
            long size = log.size();
            try (RecordLog reopened = RecordLog.open(file)) {
                assertEquals(n, reopened.recovered().size());
                assertEquals(size, reopened.size());
                assertFalse(reopened.recovery().truncated(), "the space ahead is not a torn tail");
            }
        }
    }

    /** A log of the first format: its records are kept, its torn tail cut, and it is written again in this format. */
    @Test
    void aLogOfTheFirstFormatIsReadAndRewritten(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("log");
        java.io.ByteArrayOutputStream old = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 3; i++) {
            byte[] body = record(i, length(i));
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(body);
            old.writeBytes(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .putInt(body.length).putInt((int) crc.getValue()).array());
            old.writeBytes(body);
        }
        old.writeBytes(new byte[] {5, 0, 0});   // a torn fragment of a fourth
        Files.write(file, old.toByteArray());
        try (RecordLog log = RecordLog.open(file)) {
            assertEquals(3, log.recovered().size());
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(record(i, length(i)), log.recovered().get(i));
            }
            assertEquals(3, log.recovery().truncatedBytes());
            log.append(record(3, 7));
            log.sync();
        }
        assertArrayEquals("HYPHALOG".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                java.util.Arrays.copyOf(Files.readAllBytes(file), 8));
        assertFalse(Files.exists(dir.resolve("log.v2")));
        try (RecordLog log = RecordLog.open(file)) {
            assertEquals(4, log.recovered().size());
            assertFalse(log.recovery().truncated());
        }
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
