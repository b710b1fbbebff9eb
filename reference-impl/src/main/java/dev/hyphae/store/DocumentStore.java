package dev.hyphae.store;

import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Seq;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The durable storage of one document at one replica: a snapshot, and a {@link RecordLog} of what happened
 * since. Nothing needs a server: a folder with two files.
 *
 * <pre>
 * DIR/snapshot   the state, delta log, and positions at the last compaction (records, replaced atomically)
 * DIR/log        records since then: log entries, and positions held and acknowledged (in space allocated ahead)
 * </pre>
 *
 * Replaying the log onto the snapshot is idempotent: an entry carries its sequence number, and positions only
 * grow. A crash between writing a snapshot and emptying the log therefore loses nothing and duplicates nothing.
 */
public final class DocumentStore implements Closeable {

    /**
     * The log is compacted into a new snapshot once it is larger than this many bytes and than
     * {@link #SNAPSHOT_RATIO} times the snapshot. This bounds the log's tail, which is all that opening the document
     * reads and joins beyond its snapshot: some 1,300 small writes for a state of up to 32 KiB (the sensor workload's
     * 1,000 registers are 13 KB), so that a folder opens in well under a second however long it was written to, even
     * in a JVM that has compiled nothing yet. A compaction writes the state and the delta log, and syncs four times;
     * tied to the snapshot's size, its cost per byte logged stays constant as the state grows.
     */
    public static final long COMPACTION_THRESHOLD = 128L * 1024;
    /** See {@link #COMPACTION_THRESHOLD}. */
    public static final int SNAPSHOT_RATIO = 4;

    private static final int FORMAT = 1;
    private static final byte ENTRY = 1;
    private static final byte HELD = 2;
    private static final byte ACKED = 3;

    /** One entry of the document's delta log: a local write (origin null) or a delta received from origin. */
    public record Entry(long seq, ReplicaId origin, byte[] payload) {
    }

    /**
     * Everything the store holds about the document.
     *
     * @param state    the encoded state payload, or null for a document that has none yet
     * @param seq      the number of the last entry of the delta log
     * @param logStart entries up to this number have been dropped
     * @param entries  the entries kept, in order
     * @param held     for each neighbour's log, the length of its prefix that the state holds
     * @param acked    for each neighbour, the length of this replica's log that it acknowledged
     */
    public record Contents(byte[] state, long seq, long logStart, List<Entry> entries,
                           Map<ReplicaId, Long> held, Map<ReplicaId, Long> acked) {
    }

    private final Path directory;
    private final boolean readOnly;
    /** The log; null for a store opened read-only, or when a compaction could not open it again (see writable). */
    private RecordLog log;
    private final Contents recovered;
    private final RecordLog.Recovery recovery;
    private final long snapshotSeq;
    /** The size of the snapshot file, as last written or found. */
    private long snapshotBytes;

    /** The log, or null for a store opened read-only. */
    private DocumentStore(Path directory, RecordLog log, Contents recovered, RecordLog.Recovery recovery, long snapshotSeq,
                          long snapshotBytes) {
        this.directory = directory;
        this.snapshotSeq = snapshotSeq;
        this.snapshotBytes = snapshotBytes;
        this.readOnly = log == null;
        this.log = log;
        this.recovered = recovered;
        this.recovery = recovery;
    }

    /**
     * The log to append to; refuses when the store was opened read-only. If a compaction emptied the log but could
     * not open it again, it is opened here, so that a store whose device recovers takes writes again rather than
     * failing every append on a closed file.
     */
    private RecordLog writable() throws IOException {
        if (readOnly) {
            throw new StorageException(StorageException.Code.NOT_WRITTEN, directory + " was opened read-only", null);
        }
        if (log == null) {
            log = RecordLog.open(directory.resolve("log"));
        }
        return log;
    }

    /**
     * Opens the store in {@code directory}, creating it if absent, and recovers its contents. The state in the
     * returned contents is the snapshot's; the caller joins the entries after {@code logStart} into it.
     */
    static DocumentStore open(Path directory) throws IOException {
        return open(directory, false);
    }

    /**
     * Opens the store as {@link #open(Path)} does, or, if {@code readOnly}, reads it without changing anything: a
     * torn tail is left in place and not read, and every append fails with {@link StorageException}.
     */
    static DocumentStore open(Path directory, boolean readOnly) throws IOException {
        if (!readOnly) {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory);
                syncDirectory(directory.getParent());
            }
            Files.deleteIfExists(directory.resolve("snapshot.tmp"));
        }
        byte[] state = null;
        long seq = 0;
        long logStart = 0;
        TreeMap<Long, Entry> entries = new TreeMap<>(Seq.ORDER);
        Map<ReplicaId, Long> held = new TreeMap<>();
        Map<ReplicaId, Long> acked = new TreeMap<>();
        Path snapshotFile = directory.resolve("snapshot");
        if (Files.exists(snapshotFile)) {
            // A snapshot is renamed into place only once synced whole: a bad one is damage, not a torn write.
            List<byte[]> records = RecordLog.readAll(snapshotFile);
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(records.get(0)));
            if (in.readInt() != FORMAT) {
                throw new DamagedStoreException(snapshotFile + ": unknown snapshot format");
            }
            int stateLength = in.readInt();
            state = stateLength < 0 ? null : in.readNBytes(stateLength);
            seq = in.readLong();
            logStart = in.readLong();
            int count = in.readInt();
            readPositions(in, held);
            readPositions(in, acked);
            if (records.size() != count + 1) {
                throw new DamagedStoreException(snapshotFile + ": " + (records.size() - 1) + " entries, the header says " + count);
            }
            for (int i = 1; i <= count; i++) {
                Entry entry = readEntry(new DataInputStream(new ByteArrayInputStream(records.get(i))));
                entries.put(entry.seq(), entry);
            }
        }
        long snapshotSeq = seq;
        RecordLog log = null;
        List<byte[]> logRecords;
        if (readOnly) {
            logRecords = RecordLog.readPrefix(directory.resolve("log"));
        } else {
            boolean newLog = !Files.exists(directory.resolve("log"));
            log = RecordLog.open(directory.resolve("log"));
            if (newLog) {
                try {
                    syncDirectory(directory);
                } catch (IOException e) {
                    log.close();
                    throw e;
                }
            }
            logRecords = log.recovered();
        }
        for (byte[] record : logRecords) {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(record));
            switch (in.readByte()) {
                case ENTRY -> {
                    Entry entry = readEntry(in);
                    if (Seq.after(entry.seq(), seq)) {
                        entries.put(entry.seq(), entry);
                        seq = entry.seq();
                    }
                }
                case HELD -> held.merge(readReplica(in), in.readLong(), Seq::max);
                case ACKED -> acked.merge(readReplica(in), in.readLong(), Seq::max);
                default -> throw new DamagedStoreException(directory + "/log: a record of unknown kind");
            }
        }
        Contents contents = new Contents(state, seq, logStart, List.copyOf(entries.values()), held, acked);
        return new DocumentStore(directory, log, contents,
                log == null ? new RecordLog.Recovery(logRecords.size(), 0, 0) : log.recovery(), snapshotSeq,
                Files.exists(snapshotFile) ? Files.size(snapshotFile) : 0);
    }

    /** The contents found when the store was opened. */
    public Contents recovered() {
        return recovered;
    }

    /**
     * The number of the last entry that the snapshot's state holds, as found on opening (0 without a snapshot):
     * the entries after it, from the log's tail, are all that must be joined into that state again.
     */
    public long snapshotSeq() {
        return snapshotSeq;
    }

    /** What opening the log found: whether a torn tail was cut, and how much. */
    public RecordLog.Recovery recovery() {
        return recovery;
    }

    /** Appends a log entry. Durable once {@link #sync()} returns. */
    public void appendEntry(Entry entry) throws IOException {
        ByteBuffer record = entryRecord(1, entry);
        record.put(0, ENTRY);
        writable().append(record.array());
    }

    /** Appends that the state holds the prefix of {@code origin}'s log up to {@code seq}. */
    public void appendHeld(ReplicaId origin, long seq) throws IOException {
        appendPosition(HELD, origin, seq);
    }

    /** Appends that {@code neighbour} acknowledged this replica's log up to {@code seq}. */
    public void appendAcked(ReplicaId neighbour, long seq) throws IOException {
        appendPosition(ACKED, neighbour, seq);
    }

    private void appendPosition(byte kind, ReplicaId replica, long seq) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(kind);
        out.write(replica.toBytes());
        out.writeLong(seq);
        writable().append(bytes.toByteArray());
    }

    /** Returns once everything appended is on stable storage. */
    public void sync() throws IOException {
        writable().sync();
    }

    /** Whether the log has grown enough to be worth compacting. */
    public boolean wantsCompaction() {
        return log != null && log.size() > Math.max(COMPACTION_THRESHOLD, SNAPSHOT_RATIO * snapshotBytes);
    }

    /**
     * Replaces the snapshot with {@code contents} and empties the log. The new snapshot is written to a
     * temporary file, synced, renamed into place and its directory synced, before the log is emptied.
     */
    public void compact(Contents contents) throws IOException {
        writable();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(FORMAT);
        out.writeInt(contents.state() == null ? -1 : contents.state().length);
        if (contents.state() != null) {
            out.write(contents.state());
        }
        out.writeLong(contents.seq());
        out.writeLong(contents.logStart());
        out.writeInt(contents.entries().size());
        writePositions(out, contents.held());
        writePositions(out, contents.acked());
        // The header and state in the first record, then one record per entry: no record exceeds its limit.
        Path temporary = directory.resolve("snapshot.tmp");
        Files.deleteIfExists(temporary);
        List<byte[]> records = new ArrayList<>(1 + contents.entries().size());
        records.add(bytes.toByteArray());
        for (Entry entry : contents.entries()) {
            records.add(entryRecord(0, entry).array());
        }
        try {
            RecordLog.writeSnapshot(temporary, records);
        } catch (IOException | RuntimeException e) {
            // A snapshot that could not be written whole is not left to take space; the old one and the log stand.
            Files.deleteIfExists(temporary);
            throw e;
        }
        snapshotBytes = Files.size(temporary);
        Files.move(temporary, directory.resolve("snapshot"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(directory);
        // From here the snapshot holds everything: if emptying the log fails, its records are only replayed again.
        // The log is open again whatever becomes of emptying it; if even that fails, the next append opens it.
        log.close();
        log = null;
        Path logFile = directory.resolve("log");
        try (FileChannel empty = RecordLog.files.open(logFile, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            empty.force(true);
        } finally {
            log = RecordLog.open(logFile);
        }
    }

    /** Test seam: a power loss, which keeps what was synced and loses some of the rest (see {@link RecordLog#loseUnsynced}). */
    void loseUnsynced(java.util.Random random) throws IOException {
        if (log != null) {
            log.loseUnsynced(random);
        }
    }

    @Override
    public void close() throws IOException {
        if (log != null) {
            log.close();
        }
    }

    /** Syncs a directory, so that a file created or renamed in it survives a crash. */
    static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory for reading; there, rename is durable on its own or not at all.
            if (!System.getProperty("os.name").toLowerCase().contains("win")) {
                throw e;
            }
        }
    }

    /**
     * A record of exactly the size it needs: {@code before} bytes left for the caller (the log's kind byte; none in a
     * snapshot), then the entry's sequence number, origin (16 zero bytes for none), payload length and payload. The
     * payload is copied once, on the path of every write, not into a growing stream and out of it again.
     */
    private static ByteBuffer entryRecord(int before, Entry entry) {
        byte[] payload = entry.payload();
        ByteBuffer record = ByteBuffer.allocate(before + Long.BYTES + ReplicaId.LENGTH + Integer.BYTES + payload.length);
        record.position(before);
        record.putLong(entry.seq());
        if (entry.origin() != null) {
            entry.origin().copyTo(record.array(), record.position());
        }
        record.position(record.position() + ReplicaId.LENGTH);   // a new buffer's bytes are already zero
        record.putInt(payload.length).put(payload);
        return record;
    }

    private static Entry readEntry(DataInputStream in) throws IOException {
        long seq = in.readLong();
        byte[] origin = in.readNBytes(ReplicaId.LENGTH);
        int length = in.readInt();
        if (length < 0 || length > RecordLog.MAX_RECORD_SIZE) {
            throw new DamagedStoreException("an entry of " + length + " bytes");
        }
        byte[] payload = in.readNBytes(length);
        if (payload.length != length) {
            throw new DamagedStoreException("a short entry");
        }
        return new Entry(seq, ReplicaId.isZero(origin, 0) ? null : ReplicaId.of(origin), payload);
    }

    private static ReplicaId readReplica(DataInputStream in) throws IOException {
        byte[] id = in.readNBytes(ReplicaId.LENGTH);
        if (id.length != ReplicaId.LENGTH || ReplicaId.isZero(id, 0)) {
            throw new DamagedStoreException("a bad replica id in a position record");
        }
        return ReplicaId.of(id);
    }

    private static void writePositions(DataOutputStream out, Map<ReplicaId, Long> positions) throws IOException {
        out.writeInt(positions.size());
        for (Map.Entry<ReplicaId, Long> e : positions.entrySet()) {
            out.write(e.getKey().toBytes());
            out.writeLong(e.getValue());
        }
    }

    private static void readPositions(DataInputStream in, Map<ReplicaId, Long> positions) throws IOException {
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
            positions.put(readReplica(in), in.readLong());
        }
    }


}
