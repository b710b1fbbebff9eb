package dev.hyphae.store;

import dev.hyphae.data.ReplicaId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The folder of a replica: one process at a time, a stable replica id, its neighbours, and its documents by name. */
class ReplicaStoreTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void aFolderIsHeldByOneOpenerAtATime(@TempDir Path dir) throws IOException {
        try (ReplicaStore first = ReplicaStore.open(dir)) {
            IOException e = assertThrows(IOException.class, () -> ReplicaStore.open(dir));
            assertEquals(dir + " is in use by another peer", e.getMessage());
        }
        ReplicaStore.open(dir).close();
    }

    @Test
    void theReplicaIdNeighboursAndDocumentsSurviveReopening(@TempDir Path dir) throws IOException {
        ReplicaId id;
        ReplicaId neighbour = ReplicaId.random(RANDOM);
        try (ReplicaStore store = ReplicaStore.open(dir)) {
            id = store.replicaId(RANDOM);
            store.saveNeighbours(Map.of("0a0b", neighbour));
            store.create("plant/7 \u6c34").close();
        }
        try (ReplicaStore store = ReplicaStore.open(dir)) {
            assertEquals(id, store.replicaId(RANDOM));
            assertEquals(Map.of("0a0b", neighbour), store.neighbours());
            List<ReplicaStore.StoredDocument> documents = store.documents();
            assertEquals(1, documents.size());
            assertEquals("plant/7 \u6c34", documents.get(0).name());
            assertEquals(ReplicaStore.folderName("plant/7 \u6c34"), documents.get(0).folder().getFileName().toString());
            store.open(documents.get(0)).close();
        }
        try (ReplicaStore other = ReplicaStore.open(dir.resolve("elsewhere"))) {
            assertNotEquals(id, other.replicaId(RANDOM), "a new folder is a new replica");
        }
    }

    @Test
    void aFolderWithoutANameIsListedAsSuch(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("documents").resolve("d-stray"));
        try (ReplicaStore store = ReplicaStore.open(dir)) {
            assertNull(store.documents().get(0).name());
        }
    }
}
