package dev.hyphae.store;

import dev.hyphae.data.ReplicaId;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The folder of one replica on disk (specification, chapter "Sync", section "Storage in the reference
 * implementation"), held by one process at a time:
 *
 * <pre>
 * DIR/lock                           locked while a process uses the folder
 * DIR/replica-id                     the replica's id, 32 hexadecimal digits, chosen at random on first use
 * DIR/neighbours                     for each neighbour's static key, its last known replica id
 * DIR/documents/d-HASH/              one {@link DocumentStore} per document (HASH: of its name, which is in the
 *                                    folder's file "name")
 * </pre>
 *
 * Small files are replaced atomically: written beside, synced, renamed into place, and the folder synced.
 * A replica id names one history of writes and is never reused: a folder that is lost takes its id with it.
 */
public final class ReplicaStore implements Closeable {

    /** A document folder found on opening: its name, or null when the folder's file "name" cannot be read. */
    public record StoredDocument(Path folder, String name) {
    }

    private final Path directory;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final List<DocumentStore> opened = new ArrayList<>();

    private ReplicaStore(Path directory, FileChannel lockFile, FileLock lock) {
        this.directory = directory;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /**
     * Opens the replica folder {@code directory}, creating it if needed.
     *
     * @throws IOException if another process (or this one) holds the folder: two writers on one log would
     *                     interleave records and issue the same dots
     */
    public static ReplicaStore open(Path directory) throws IOException {
        Files.createDirectories(directory.resolve("documents"));
        FileChannel lockFile = FileChannel.open(directory.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockFile.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            lockFile.close();
            throw e;
        }
        if (lock == null) {
            lockFile.close();
            throw new IOException(directory + " is in use by another peer");
        }
        return new ReplicaStore(directory, lockFile, lock);
    }

    /** The replica's id: the stored one, or a new random one, stored before it is returned. */
    public ReplicaId replicaId(SecureRandom random) throws IOException {
        Path file = directory.resolve("replica-id");
        if (Files.exists(file)) {
            return ReplicaId.fromHex(Files.readString(file, StandardCharsets.US_ASCII).trim());
        }
        ReplicaId id = ReplicaId.random(random);
        writeAtomically(file, id.toHex() + "\n");
        return id;
    }

    /** The neighbours file: for each neighbour's static key, in hexadecimal, its last known replica id. */
    public Map<String, ReplicaId> neighbours() throws IOException {
        Map<String, ReplicaId> neighbours = new TreeMap<>();
        Path file = directory.resolve("neighbours");
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                String[] parts = line.trim().split(" ");
                if (parts.length == 2) {
                    neighbours.put(parts[0], ReplicaId.fromHex(parts[1]));
                }
            }
        }
        return neighbours;
    }

    /** Replaces the neighbours file with {@code neighbours}. */
    public void saveNeighbours(Map<String, ReplicaId> neighbours) throws IOException {
        StringBuilder out = new StringBuilder();
        neighbours.forEach((key, replica) -> out.append(key).append(' ').append(replica.toHex()).append('\n'));
        writeAtomically(directory.resolve("neighbours"), out.toString());
    }

    /** The document folders, in the order of their folder names. */
    public List<StoredDocument> documents() throws IOException {
        List<StoredDocument> documents = new ArrayList<>();
        try (Stream<Path> folders = Files.list(directory.resolve("documents"))) {
            for (Path folder : (Iterable<Path>) folders.sorted()::iterator) {
                String name;
                try {
                    name = Files.readString(folder.resolve("name"), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    name = null;
                }
                documents.add(new StoredDocument(folder, name));
            }
        }
        return documents;
    }

    /** Opens the store of a document found by {@link #documents()}, recovering its contents. */
    public DocumentStore open(StoredDocument document) throws IOException {
        return remember(DocumentStore.open(document.folder()));
    }

    /** Creates the folder of a new document named {@code name}, durably, and opens its store. */
    public DocumentStore create(String name) throws IOException {
        Path folder = directory.resolve("documents").resolve(folderName(name));
        Files.createDirectories(folder);
        writeAtomically(folder.resolve("name"), name);
        DocumentStore.syncDirectory(folder.getParent());
        return remember(DocumentStore.open(folder));
    }

    private synchronized DocumentStore remember(DocumentStore store) {
        opened.add(store);
        return store;
    }

    /**
     * A document's folder: named after a hash of its name, since a name may be longer than a file name may be, and
     * hold any character.
     */
    static String folderName(String name) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return "d-" + HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        DocumentStore.syncDirectory(file.getParent());
    }

    /**
     * Test seam: the machine loses power. Every document store keeps only what it synced and is closed, and the
     * folder is released, without anything else written.
     */
    synchronized void loseUnsynced() throws IOException {
        try {
            for (DocumentStore store : opened) {
                store.loseUnsynced();
            }
        } finally {
            close();   // the folder is released even if a store was already closed by its owner
        }
    }

    /** Releases the folder. The document stores are closed by their owners. */
    @Override
    public void close() throws IOException {
        if (lockFile.isOpen()) {
            lock.release();
            lockFile.close();
        }
    }
}
