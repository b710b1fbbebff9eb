package dev.hyphae.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The log and the document store on a disk that fills up or fails, then works again: nothing stays broken. */
class StoreFaultTest {

    @Test
    void anAppendCutShortByAFullDiskLeavesNoFragment(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("log");
        try (FaultyDisk disk = FaultyDisk.install(dir)) {
            try (RecordLog log = RecordLog.open(file)) {
                log.append(new byte[] {1, 1, 1, 1});
                log.sync();
                disk.fill();
                // The full disk takes half of the record, then fails: the log cuts the half back.
                assertThrows(IOException.class, () -> log.append(new byte[] {2, 2, 2, 2, 2, 2, 2, 2}));
                disk.clear();
                log.append(new byte[] {3});
                log.sync();
            }
        }
        try (RecordLog log = RecordLog.open(file)) {
            assertEquals(2, log.recovered().size());
            assertArrayEquals(new byte[] {3}, log.recovered().get(1));
            assertFalse(log.recovery().truncated(), "no torn record was left to cut at the next start");
        }
    }

    @Test
    void aCompactionThatCannotOpenTheLogAgainLeavesTheStoreWritable(@TempDir Path dir) throws IOException {
        Path doc = dir.resolve("doc");
        try (FaultyDisk disk = FaultyDisk.install(dir); DocumentStore store = DocumentStore.open(doc)) {
            store.appendEntry(new DocumentStore.Entry(1, null, new byte[] {1}));
            store.appendEntry(new DocumentStore.Entry(2, null, new byte[] {2}));
            store.sync();
            // The snapshot is written and put in place; then the log can be neither emptied nor opened again.
            disk.failOpensOf("log");
            assertThrows(IOException.class, () -> store.compact(new DocumentStore.Contents(new byte[] {9}, 2, 0,
                    List.of(new DocumentStore.Entry(1, null, new byte[] {1}), new DocumentStore.Entry(2, null, new byte[] {2})),
                    Map.of(), Map.of())));
            // The device works again: the store takes writes without being opened again.
            disk.clear();
            store.appendEntry(new DocumentStore.Entry(3, null, new byte[] {3}));
            store.sync();
        }
        try (DocumentStore store = DocumentStore.open(doc)) {
            assertArrayEquals(new byte[] {9}, store.recovered().state());
            assertEquals(List.of(1L, 2L, 3L), store.recovered().entries().stream().map(DocumentStore.Entry::seq).toList());
        }
    }
}
