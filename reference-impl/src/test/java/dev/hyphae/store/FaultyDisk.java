package dev.hyphae.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * A disk under one folder that fills up or fails, for the tests: installed at the store's file-opening seam
 * ({@link RecordLog#files}), it hands out channels that fail as a full disk and a failing device do, while the
 * switches say so. Files elsewhere are untouched. Reading always works, and so does cutting a file shorter, as on a
 * real full disk.
 *
 * <ul>
 *   <li>Full ({@code ENOSPC}): a write stores a prefix of what it was given, then fails, as a write that fills the
 *       last free blocks does; creating a file fails.</li>
 *   <li>Failing syncs ({@code EIO}): a sync fails and everything written to the file since its last successful sync
 *       is lost, as when the kernel drops the dirty pages it could not write; the file is cut back to its length at
 *       that sync. So a later successful sync proves nothing about the earlier writes.</li>
 *   <li>Failing opens: opening a file of a given name fails, as on a device that returns {@code EIO}.</li>
 *   <li>A slow device: syncs of logs wait at a gate until the test opens it, so that a test can see what happens
 *       while a sync is under way. Syncs of logs are counted.</li>
 * </ul>
 */
public final class FaultyDisk implements AutoCloseable {

    private final Path under;
    private volatile boolean full;
    private volatile boolean syncsFail;
    private volatile String opensFail;
    private final java.util.concurrent.atomic.AtomicInteger logSyncs = new java.util.concurrent.atomic.AtomicInteger();
    private volatile java.util.concurrent.CountDownLatch gate;
    private volatile Path gated;
    private final java.util.concurrent.Semaphore atGate = new java.util.concurrent.Semaphore(0);

    private FaultyDisk(Path under) {
        this.under = under.toAbsolutePath();
    }

    /** Installs a disk that fails under {@code under} once told to; {@link #close} uninstalls it. */
    public static FaultyDisk install(Path under) {
        FaultyDisk disk = new FaultyDisk(under);
        RecordLog.files = disk::open;
        return disk;
    }

    /** Writes fail with "No space left on device", and so does creating a file. */
    public void fill() {
        full = true;
    }

    /** Syncs fail with "Input/output error". */
    public void failSyncs() {
        syncsFail = true;
    }

    /** Opening a file named {@code fileName} (the last element of its path) fails with "Input/output error". */
    public void failOpensOf(String fileName) {
        opensFail = fileName;
    }

    /** From now on, every sync of a log waits until {@link #openGate}. */
    public void closeGate() {
        gated = under;
        gate = new java.util.concurrent.CountDownLatch(1);
    }

    /** From now on, the syncs of the log of {@code document} of the replica in {@code replica} wait until {@link #openGate}. */
    public void closeGate(Path replica, String document) {
        gated = replica.toAbsolutePath().resolve("documents").resolve(ReplicaStore.folderName(document));
        gate = new java.util.concurrent.CountDownLatch(1);
    }

    /** Returns once a sync of a log is waiting at the closed gate (one call per sync that arrived). */
    public void awaitSyncAtGate() throws InterruptedException {
        atGate.acquire();
    }

    /** Lets every sync waiting at the gate, and every later one, through. */
    public void openGate() {
        java.util.concurrent.CountDownLatch closed = gate;
        gate = null;
        if (closed != null) {
            closed.countDown();
        }
    }

    /** How many syncs of logs (the files named "log") have completed. */
    public int logSyncs() {
        return logSyncs.get();
    }

    /** The disk works again. */
    public void clear() {
        full = false;
        syncsFail = false;
        opensFail = null;
    }

    @Override
    public void close() {
        RecordLog.files = FileChannel::open;
    }

    private FileChannel open(Path path, OpenOption... options) throws IOException {
        if (!path.toAbsolutePath().startsWith(under)) {
            return FileChannel.open(path, options);
        }
        if (path.getFileName().toString().equals(opensFail)) {
            throw new IOException("Input/output error");
        }
        if (full && !Files.exists(path)) {
            throw new IOException("No space left on device");
        }
        return new Faulty(FileChannel.open(path, options), path.toAbsolutePath(), path.getFileName().toString().equals("log"));
    }

    private final class Faulty extends FileChannel {
        private final FileChannel file;
        private final Path path;
        private final boolean log;
        /** The file's length at its last successful sync (or when it was opened): what a failed sync keeps. */
        private long synced;
        /**
         * The ranges written since the last successful sync, as {from, to}: a failed sync loses them, also inside the
         * file's length (a log writes in space allocated ahead).
         */
        private final java.util.List<long[]> unsynced = new java.util.ArrayList<>();

        Faulty(FileChannel file, Path path, boolean log) throws IOException {
            this.file = file;
            this.path = path;
            this.log = log;
            this.synced = file.size();
        }

        private void checkWrite() throws IOException {
            if (full) {
                throw new IOException("No space left on device");
            }
        }

        /** On a full disk, writes the first half of {@code src} (none of one byte), then fails. */
        private int writePrefixThenFail(ByteBuffer src, long position) throws IOException {
            if (full) {
                ByteBuffer prefix = src.duplicate();
                prefix.limit(prefix.position() + prefix.remaining() / 2);
                int written = position < 0 ? file.write(prefix) : file.write(prefix, position);
                src.position(src.position() + written);
                throw new IOException("No space left on device");
            }
            long from = position < 0 ? file.position() : position;
            int written = position < 0 ? file.write(src) : file.write(src, position);
            unsynced.add(new long[] {from, from + written});
            return written;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return file.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return file.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return writePrefixThenFail(src, -1);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            checkWrite();
            return file.write(srcs, offset, length);
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            file.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            file.truncate(size);
            synced = Math.min(synced, size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            java.util.concurrent.CountDownLatch closed = gate;
            if (log && closed != null && path.startsWith(gated)) {
                atGate.release();
                try {
                    closed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted at the gate");
                }
            }
            if (syncsFail) {
                // The writes since the last successful sync are gone; the store must not count on them.
                for (long[] range : unsynced) {
                    if (range[0] < synced) {
                        file.write(ByteBuffer.allocate((int) (Math.min(range[1], synced) - range[0])), range[0]);
                    }
                }
                unsynced.clear();
                file.truncate(synced);
                throw new IOException("Input/output error");
            }
            long size = file.size();
            file.force(metaData);
            synced = size;
            unsynced.clear();
            if (log) {
                logSyncs.incrementAndGet();
            }
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return file.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            checkWrite();
            return file.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return file.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return writePrefixThenFail(src, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            throw new UnsupportedOperationException("the store does not map files");
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return file.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return file.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            file.close();
        }
    }
}
