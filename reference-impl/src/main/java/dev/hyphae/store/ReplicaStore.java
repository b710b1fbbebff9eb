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
    /** The lock file and the lock on it; both null for a folder opened read-only that has no lock file. */
    private final FileChannel lockFile;
    private final FileLock lock;
    private final boolean readOnly;
    private final List<DocumentStore> opened = new ArrayList<>();

    private ReplicaStore(Path directory, FileChannel lockFile, FileLock lock, boolean readOnly) {
        this.directory = directory;
        this.lockFile = lockFile;
        this.lock = lock;
        this.readOnly = readOnly;
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
        return new ReplicaStore(directory, lockFile, lock(directory, lockFile, false), false);
    }

    /**
     * Opens the replica folder {@code directory} to read it, changing nothing in it, so that a folder that this
     * process may not write (read-only permissions, a read-only mount, a backup) can be read. It takes a shared lock
     * on the lock file, opened for reading, which a peer's exclusive lock excludes: a folder in use by a peer is
     * refused, as {@link #open} refuses it. A folder without a lock file was never opened for writing, so nothing can
     * be writing it; it is read without a lock. Every write to the stores it opens fails with
     * {@link StorageException}, and a torn tail of a log is left in place and not read.
     */
    public static ReplicaStore openReadOnly(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new java.nio.file.NoSuchFileException(directory.toString(), null, "no such folder");
        }
        Path lockPath = directory.resolve("lock");
        if (!Files.exists(lockPath)) {
            return new ReplicaStore(directory, null, null, true);
        }
        FileChannel lockFile = FileChannel.open(lockPath, StandardOpenOption.READ);
        return new ReplicaStore(directory, lockFile, lock(directory, lockFile, true), true);
    }

    /**
     * Takes the lock of the folder {@code directory} on {@code lockFile}: exclusive to write, shared to read, so that a
     * peer that writes excludes every other opener. Closes {@code lockFile} when the lock is refused.
     */
    private static FileLock lock(Path directory, FileChannel lockFile, boolean shared) throws IOException {
        FileLock lock;
        try {
            lock = lockFile.tryLock(0, Long.MAX_VALUE, shared);
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
        return lock;
    }

    /** Whether the folder was opened read-only. */
    public boolean readOnly() {
        return readOnly;
    }

    /** The replica's id: the stored one, or a new random one, stored before it is returned. */
    public ReplicaId replicaId(SecureRandom random) throws IOException {
        Path file = directory.resolve("replica-id");
        if (Files.exists(file)) {
            return ReplicaId.fromHex(Files.readString(file, StandardCharsets.US_ASCII).trim());
        }
        ReplicaId id = ReplicaId.random(random);
        if (readOnly) {
            return id;   // a folder that never had a local write; read-only, it gets none, so the id issues no dot
        }
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

    /**
     * Replaces the neighbours file with {@code neighbours}.
     *
     * @throws StorageException if the folder was opened read-only
     */
    public void saveNeighbours(Map<String, ReplicaId> neighbours) throws IOException {
        if (readOnly) {
            throw new StorageException(StorageException.Code.NOT_WRITTEN, directory + " was opened read-only", null);
        }
        StringBuilder out = new StringBuilder();
        neighbours.forEach((key, replica) -> out.append(key).append(' ').append(replica.toHex()).append('\n'));
        writeAtomically(directory.resolve("neighbours"), out.toString());
    }

    /** The document folders, in the order of their folder names. */
    public List<StoredDocument> documents() throws IOException {
        List<StoredDocument> documents = new ArrayList<>();
        if (!Files.isDirectory(directory.resolve("documents"))) {
            return documents;   // only a folder opened read-only can lack it
        }
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
        return remember(DocumentStore.open(document.folder(), readOnly));
    }

    /**
     * Creates the folder of a new document named {@code name}, durably, and opens its store. If that fails (a full
     * disk), the folder is removed again, so that no folder without a readable name is left for the next start.
     *
     * @throws StorageException if the folder could not be created, or the replica was opened read-only
     */
    public DocumentStore create(String name) throws IOException {
        if (readOnly) {
            throw new StorageException(StorageException.Code.NOT_WRITTEN, directory + " was opened read-only", null);
        }
        Path folder = directory.resolve("documents").resolve(folderName(name));
        boolean existed = Files.exists(folder);
        try {
            Files.createDirectories(folder);
            writeAtomically(folder.resolve("name"), name);
            DocumentStore.syncDirectory(folder.getParent());
            return remember(DocumentStore.open(folder));
        } catch (IOException e) {
            if (!existed) {
                removeQuietly(folder);
            }
            throw new StorageException(StorageException.Code.NOT_WRITTEN,
                    "document \"" + name + "\" could not be created: " + e.getMessage(), e);
        }
    }

    /** Removes a document folder that this process just created and that holds nothing yet. */
    private static void removeQuietly(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            // What cannot be removed is reported at the next start as a folder without a readable name.
        }
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
     * Test seam: the machine loses power. Every document store keeps what it synced and, of the rest, what
     * {@code random} picks (see {@link RecordLog#loseUnsynced}), and is closed; the folder is released, without
     * anything else written.
     */
    synchronized void loseUnsynced(java.util.Random random) throws IOException {
        try {
            for (DocumentStore store : opened) {
                store.loseUnsynced(random);
            }
        } finally {
            close();   // the folder is released even if a store was already closed by its owner
        }
    }

    /** Releases the folder. The document stores are closed by their owners. */
    @Override
    public void close() throws IOException {
        if (lockFile != null && lockFile.isOpen()) {
            lock.release();
            lockFile.close();
        }
    }
}
