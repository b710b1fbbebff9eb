package dev.hyphae.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * An append-only file of records, each with its own checksum, in space allocated ahead of the records.
 *
 * <pre>
 * Log {
 *   Magic (64),               // the ASCII bytes "HYPHALOG"
 *   Version (32),             // 2, little-endian
 *   Salt (32),                // chosen at random when the log is created
 *   Record (..) ...,
 *   Zeros (..),               // space allocated for later records
 * }
 *
 * Record {
 *   Length (32),              // of the body, little-endian, 1 to MAX_RECORD_SIZE
 *   Checksum (32),            // CRC-32C of Salt, Synced and Body, little-endian
 *   Synced (64),              // how many bytes of the file were synced when the record was appended, little-endian
 *   Body (..),
 * }
 * </pre>
 *
 * <p>Why the space is allocated ahead: a sync of a file that grows must also make its new length durable, which on
 * common file systems costs a journal commit; writing inside space the file already has does not, and one blocking
 * write then costs one cheaper sync. The file grows by {@link #PREALLOCATION} bytes at a time, as a sparse extension
 * that reads as zeros.
 *
 * <p>Why each record carries {@code Synced}: an append is buffered by the operating system until {@link #sync()},
 * and a power loss may then keep some of the unsynced pages and not others, in any order, since they lie inside the
 * file's length. Recovery reads the records up to the first one that is incomplete or fails its checksum. A sound
 * record after it tells which case this is: if that record was appended once the bad one had been synced (its
 * {@code Synced} reaches past the bad one), the bad one is damage to a record that was synced, and the log refuses to
 * open rather than drop it; otherwise everything from the bad record on was never synced, hence never acknowledged,
 * and is a torn tail, cut off and reported. Damage inside the records of the last syncs, which no later record
 * vouches for, cannot be told from a torn tail: such damage is cut off too.
 *
 * <p>Why the salt: recovery looks for sound records at every byte after a bad one, and a record's body holds what
 * neighbours sent. Without the salt, a neighbour could put a well-formed record inside a delta, whose {@code Synced}
 * would vouch for the bytes before it, and a later power loss of unsynced data would then be taken for damage. The
 * salt is not on the wire: no neighbour can form a record that this log's checksum accepts.
 *
 * <p>A log of the first format (records without {@code Synced}, no header, no space allocated ahead) is read as it
 * was written, then rewritten in this format before the log takes any record. A log whose header is damaged is
 * refused, not taken for one of the first format.
 */
public final class RecordLog implements Closeable {

    /** Largest record body: a delta at its limit with room for its envelope. */
    public static final int MAX_RECORD_SIZE = 8 * 1024 * 1024;
    /** The log's header: magic, version, salt. */
    static final int FILE_HEADER = 16;
    /** A record's fields before its body. */
    static final int HEADER = 16;
    /** A snapshot's record's fields before its body: Length and Checksum (the first format's record). */
    static final int SNAPSHOT_HEADER = 8;
    /**
     * How far the file is extended beyond the last record when a record would not fit: some 450 small writes of the
     * sensor workload, so that about one sync in 450 pays for a new length. Sparse: a log that is compacted before it
     * fills the space never takes it on the disk.
     */
    static final int PREALLOCATION = 64 * 1024;

    private static final byte[] MAGIC = "HYPHALOG".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 2;
    private static final SecureRandom SALTS = new SecureRandom();

    /** What opening the file found: the records read, the bytes they end at, and the bytes of a torn tail cut off. */
    public record Recovery(int records, long keptBytes, long truncatedBytes) {
        /** Whether a torn tail was cut. */
        public boolean truncated() {
            return truncatedBytes > 0;
        }
    }

    /** How the store opens the files it writes. */
    interface Files {
        FileChannel open(Path path, OpenOption... options) throws IOException;
    }

    /**
     * Test seam: the file-opening point of every log, snapshot and truncation, which tests replace with channels that
     * fail as a full disk or a failing device does. Never set outside tests.
     */
    static volatile Files files = FileChannel::open;

    private final FileChannel file;
    /** The log's salt, from its header: part of every record's checksum. */
    private final int salt;
    private final List<byte[]> recovered;
    private final Recovery recovery;
    /** Where the next record goes: the end of the last whole record. */
    private volatile long size;
    /** The file's length: the space allocated ahead of the records ends here. */
    private long allocated;
    /** The bytes that the last completed sync covered. Guarded by this for updates; read by appends. */
    private volatile long syncedSize;
    /** Whether a sync failed: {@link #syncedSize} then stays where it was. Guarded by this. */
    private boolean syncFailed;
    private IOException failed;

    private RecordLog(FileChannel file, int salt, List<byte[]> recovered, Recovery recovery, long allocated) {
        this.file = file;
        this.salt = salt;
        this.recovered = recovered;
        this.recovery = recovery;
        this.size = recovery.keptBytes();
        this.syncedSize = size;
        this.allocated = allocated;
    }

    /**
     * Opens the log at {@code path}, creating it if absent, and recovers its records. A log of the first format is
     * rewritten in this one (beside it, synced, renamed into place, its folder synced).
     *
     * @throws DamagedStoreException if a record that was synced is damaged
     */
    public static RecordLog open(Path path) throws IOException {
        Path rewritten = path.resolveSibling(path.getFileName() + ".v2");
        java.nio.file.Files.deleteIfExists(rewritten);   // a rewriting that a crash interrupted: the old log stands
        FileChannel file = files.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            byte[] bytes = readWhole(file, path);
            switch (formatOf(bytes, path)) {
                case NONE -> {
                    // New, or never written past its header's creation: a new header, with a new salt.
                    int salt = SALTS.nextInt();
                    ByteBuffer header = ByteBuffer.allocate(FILE_HEADER).order(ByteOrder.LITTLE_ENDIAN);
                    header.put(MAGIC).putInt(VERSION).putInt(salt).flip();
                    writeFully(file, header, 0);
                    long allocated = Math.max(bytes.length, PREALLOCATION);
                    file.write(ByteBuffer.allocate(1), allocated - 1);   // the space ahead, sparse
                    file.force(true);
                    return new RecordLog(file, salt, new ArrayList<>(), new Recovery(0, FILE_HEADER, 0), allocated);
                }
                case FIRST -> {
                    List<byte[]> records = new ArrayList<>();
                    int end = scanFirstFormat(bytes, path, records);
                    file.close();
                    return rewrite(path, rewritten, records, bytes.length - end);
                }
                default -> {
                    int salt = readInt(bytes, MAGIC.length + 4);
                    List<byte[]> records = new ArrayList<>();
                    Tail tail = scan(bytes, salt, path, records);
                    long allocated = bytes.length;
                    if (tail.tornBytes() > 0) {
                        file.truncate(tail.end());   // cut, and zero when the space is allocated again
                        allocated = tail.end();
                    }
                    // What was read may have been in the operating system's cache only (a process killed before its
                    // sync): make it durable before anything is built on it.
                    file.force(true);
                    return new RecordLog(file, salt, records, new Recovery(records.size(), tail.end(), tail.tornBytes()), allocated);
                }
            }
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** What a log file holds: nothing yet, a log of the first format, or one of this format. */
    private enum Format { NONE, FIRST, SECOND }

    /**
     * Tells the format of a log from its bytes. A file of zeros only, or holding only the start of a header (a crash
     * while the log was being created), holds no record. A file that does not start with a sound record of the first
     * format, and whose magic is not this format's but whose version or first record is, has a damaged header: it is
     * refused, since reading it as the first format would drop every record.
     *
     * @throws DamagedStoreException for a damaged header, or a version of this format that is not known
     */
    private static Format formatOf(byte[] bytes, Path path) throws DamagedStoreException {
        byte[] start = ByteBuffer.allocate(MAGIC.length + 4).order(ByteOrder.LITTLE_ENDIAN).put(MAGIC).putInt(VERSION).array();
        int nonZero = 0;
        while (nonZero < bytes.length && bytes[nonZero] == 0) {
            nonZero++;
        }
        if (nonZero == bytes.length
                || bytes.length < start.length && Arrays.equals(bytes, 0, bytes.length, start, 0, bytes.length)) {
            return Format.NONE;
        }
        if (bytes.length >= FILE_HEADER && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            if (readInt(bytes, MAGIC.length) != VERSION) {
                throw new DamagedStoreException(path + ": a log of unknown version " + readInt(bytes, MAGIC.length));
            }
            return Format.SECOND;
        }
        if (soundSnapshotRecordAt(bytes, 0) < 0 && bytes.length >= FILE_HEADER && (readInt(bytes, MAGIC.length) == VERSION
                || soundRecordAt(bytes, FILE_HEADER, readInt(bytes, MAGIC.length + 4)) >= 0)) {
            throw new DamagedStoreException(path + ": the log's header is damaged; refusing to read its records as"
                    + " those of another format");
        }
        return Format.FIRST;
    }

    /** A log of the first format, read whole, written again in this one; the old file is replaced only once it is. */
    private static RecordLog rewrite(Path path, Path rewritten, List<byte[]> records, long tornBytes) throws IOException {
        try (RecordLog log = open(rewritten)) {
            for (byte[] body : records) {
                log.append(body);
            }
            log.sync();
        }
        java.nio.file.Files.move(rewritten, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        DocumentStore.syncDirectory(path.getParent());
        RecordLog log = open(path);
        return new RecordLog(log.file, log.salt, log.recovered, new Recovery(records.size(), log.size, tornBytes), log.allocated);
    }

    /** Where the sound records end, and how many bytes after them are not zero (a torn tail). */
    private record Tail(long end, long tornBytes) {
    }

    /**
     * Reads the sound records after the header into {@code records}, up to the first one that is incomplete or fails
     * its checksum, and tells what follows them: zeros (space allocated ahead), or a torn tail.
     *
     * @throws DamagedStoreException if a sound record that follows the bad one was appended after a sync that covered
     *                               the bad one
     */
    private static Tail scan(byte[] bytes, int salt, Path path, List<byte[]> records) throws DamagedStoreException {
        int position = FILE_HEADER;
        while (true) {
            int length = soundRecordAt(bytes, position, salt);
            if (length < 0) {
                break;
            }
            records.add(Arrays.copyOfRange(bytes, position + HEADER, position + HEADER + length));
            position += HEADER + length;
        }
        int lastNonZero = -1;
        for (int probe = bytes.length - 1; probe >= position; probe--) {
            if (bytes[probe] != 0) {
                lastNonZero = probe;
                break;
            }
        }
        // Is what follows a torn tail, or damage to records that were synced? Ask every sound record after it.
        for (int probe = position + 1; probe <= lastNonZero; probe++) {
            // Only a record whose Synced reaches past the bad one matters: that cheap test first.
            if (probe <= bytes.length - HEADER && readLong(bytes, probe + 8) > position && soundRecordAt(bytes, probe, salt) >= 0) {
                throw new DamagedStoreException(path + ": the record at byte " + position + " is damaged, and the sound"
                        + " record at byte " + probe + " was appended after a sync that covered it (to byte "
                        + readLong(bytes, probe + 8) + "); refusing to drop records that were synced");
            }
        }
        return new Tail(position, lastNonZero < 0 ? 0 : lastNonZero + 1L - position);
    }

    /**
     * The body length of the sound record at {@code position}, or -1 if there is none: incomplete, failing its
     * checksum, or claiming a sync beyond its own start (no record can be appended after a sync that covered it).
     */
    private static int soundRecordAt(byte[] bytes, int position, int salt) {
        if (position > bytes.length - HEADER) {
            return -1;
        }
        int length = readInt(bytes, position);
        if (length < 1 || length > MAX_RECORD_SIZE || length > bytes.length - position - HEADER) {
            return -1;
        }
        long synced = readLong(bytes, position + 8);
        if (synced < 0 || synced > position) {
            return -1;
        }
        return checksum(salt, bytes, position + 8, 8 + length) == readInt(bytes, position + 4) ? length : -1;
    }

    /**
     * Reads the records of a log of the first format, which has no space allocated ahead: a bad record followed by
     * a sound one is damage, since that format's file grew with each append.
     */
    private static int scanFirstFormat(byte[] bytes, Path path, List<byte[]> records) throws DamagedStoreException {
        int position = 0;
        while (true) {
            int length = soundSnapshotRecordAt(bytes, position);
            if (length < 0) {
                break;
            }
            records.add(Arrays.copyOfRange(bytes, position + SNAPSHOT_HEADER, position + SNAPSHOT_HEADER + length));
            position += SNAPSHOT_HEADER + length;
        }
        for (int probe = position + 1; probe + SNAPSHOT_HEADER < bytes.length; probe++) {
            if (soundSnapshotRecordAt(bytes, probe) >= 0) {
                throw new DamagedStoreException(path + ": the record at byte " + position
                        + " is damaged, and a sound record follows at byte " + probe
                        + "; refusing to drop records that were synced");
            }
        }
        return position;
    }

    /** The body length of the sound record of the snapshot's format (Length, Checksum, Body) at {@code position}, or -1. */
    private static int soundSnapshotRecordAt(byte[] bytes, int position) {
        if (position > bytes.length - SNAPSHOT_HEADER) {
            return -1;
        }
        int length = readInt(bytes, position);
        if (length < 1 || length > MAX_RECORD_SIZE || length > bytes.length - position - SNAPSHOT_HEADER) {
            return -1;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, position + SNAPSHOT_HEADER, length);
        return (int) crc.getValue() == readInt(bytes, position + 4) ? length : -1;
    }

    /** The checksum of a record: CRC-32C of the log's salt, then the record's Synced and Body. */
    private static int checksum(int salt, byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, salt));
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    private static byte[] readWhole(FileChannel file, Path path) throws IOException {
        long length = file.size();
        if (length > Integer.MAX_VALUE - 16) {
            throw new DamagedStoreException(path + ": " + length + " bytes, more than a log can hold");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) length);
        while (buffer.hasRemaining()) {
            if (file.read(buffer, buffer.position()) < 0) {
                throw new IOException(path + ": unexpected end of file");
            }
        }
        return buffer.array();
    }

    private static int readInt(byte[] bytes, int at) {
        return ByteBuffer.wrap(bytes, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static long readLong(byte[] bytes, int at) {
        return ByteBuffer.wrap(bytes, at, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static void writeFully(FileChannel file, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            file.write(buffer, position + buffer.position());
        }
    }

    /**
     * The sound records at the start of the log at {@code path}, without changing it: for a folder opened read-only.
     * A torn tail is left where it is and not read; damage to a synced record is refused as {@link #open} refuses
     * it. An absent file holds no records; a log of the first format is read as it is.
     */
    public static List<byte[]> readPrefix(Path path) throws IOException {
        if (!java.nio.file.Files.exists(path)) {
            return List.of();
        }
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
            byte[] bytes = readWhole(file, path);
            List<byte[]> records = new ArrayList<>();
            switch (formatOf(bytes, path)) {
                case NONE -> { }
                case FIRST -> scanFirstFormat(bytes, path, records);
                default -> scan(bytes, readInt(bytes, MAGIC.length + 4), path, records);
            }
            return records;
        }
    }

    /**
     * The bytes of the log at {@code path} that its header and sound records take, as {@link #size()} counts them,
     * without the space allocated ahead: for tools that report how long a log is. Changes nothing.
     */
    public static long recordsEnd(Path path) throws IOException {
        long end = FILE_HEADER;
        for (byte[] body : readPrefix(path)) {
            end += HEADER + body.length;
        }
        return end;
    }

    /**
     * Writes {@code bodies} as a snapshot: records of Length, Checksum and Body, one after the other, with no header
     * and no space ahead, synced whole before it returns. The file must not exist.
     */
    public static void writeSnapshot(Path path, List<byte[]> bodies) throws IOException {
        long total = 0;
        for (byte[] body : bodies) {
            checkBody(body);
            total += SNAPSHOT_HEADER + body.length;
        }
        try (FileChannel file = files.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long position = 0;
            for (byte[] body : bodies) {
                CRC32C crc = new CRC32C();
                crc.update(body);
                ByteBuffer record = ByteBuffer.allocate(SNAPSHOT_HEADER + body.length).order(ByteOrder.LITTLE_ENDIAN);
                record.putInt(body.length).putInt((int) crc.getValue()).put(body).flip();
                writeFully(file, record, position);
                position += record.capacity();
            }
            assert position == total;
            file.force(true);
        }
    }

    /**
     * Reads a snapshot (see {@link #writeSnapshot}), which was synced whole before it was put in place, without
     * changing it.
     *
     * @throws DamagedStoreException if any part of it is not a sound record, or it holds none
     */
    public static List<byte[]> readAll(Path path) throws IOException {
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
            byte[] bytes = readWhole(file, path);
            List<byte[]> records = new ArrayList<>();
            int position = 0;
            while (position < bytes.length) {
                int length = soundSnapshotRecordAt(bytes, position);
                if (length < 0) {
                    throw new DamagedStoreException(path + ": the record at byte " + position + " is damaged");
                }
                records.add(Arrays.copyOfRange(bytes, position + SNAPSHOT_HEADER, position + SNAPSHOT_HEADER + length));
                position += SNAPSHOT_HEADER + length;
            }
            if (records.isEmpty()) {
                throw new DamagedStoreException(path + ": empty");
            }
            return records;
        }
    }

    private static void checkBody(byte[] body) {
        if (body.length < 1 || body.length > MAX_RECORD_SIZE) {
            throw new IllegalArgumentException("a record body is 1 to " + MAX_RECORD_SIZE + " bytes: " + body.length);
        }
    }

    /** The records found when the log was opened, in order. */
    public List<byte[]> recovered() {
        return recovered;
    }

    /** What opening the log found. */
    public Recovery recovery() {
        return recovery;
    }

    /** The bytes of the log's header and records, without the space allocated ahead of them. */
    public long size() {
        return size;
    }

    /**
     * Appends a record; it is durable once {@link #sync()} returns. Appends are made one at a time (the caller holds
     * its document's lock); a sync may run meanwhile.
     */
    public void append(byte[] body) throws IOException {
        checkBody(body);
        ByteBuffer record = ByteBuffer.allocate(HEADER + body.length).order(ByteOrder.LITTLE_ENDIAN);
        record.putInt(body.length).putInt(0).putLong(syncedSize).put(body);
        record.putInt(4, checksum(salt, record.array(), 8, 8 + body.length)).flip();
        if (failed != null) {
            // The cut after an earlier failed append failed too: try it again, since the device may have recovered.
            try {
                file.truncate(size);
                allocated = size;
                failed = null;
            } catch (IOException again) {
                throw new IOException("the log cannot be cut back after a failed append, and takes no records until it can", again);
            }
        }
        long end = size + record.capacity();
        if (end > allocated) {
            // The space ahead first: if the disk is full, nothing of the record is written, and nothing is to cut.
            file.write(ByteBuffer.allocate(1), end + PREALLOCATION - 1);
            allocated = end + PREALLOCATION;
        }
        try {
            writeFully(file, record, size);
        } catch (IOException e) {
            // Leave no fragment for recovery to read: cut back to the last whole record, or, if even that fails,
            // refuse every later append.
            try {
                file.truncate(size);
                allocated = size;
            } catch (IOException cut) {
                failed = cut;
            }
            throw e;
        }
        size = end;
    }

    /**
     * Returns once every record appended before the call is on stable storage (fdatasync). It may run while another
     * thread appends: the records appended meanwhile may or may not be covered, and wait for the next sync.
     */
    public void sync() throws IOException {
        long covered = size;
        try {
            file.force(false);
        } catch (IOException e) {
            synchronized (this) {
                // What was appended before the failure may never reach the disk, even once a later sync succeeds:
                // no later record may vouch for it, or recovery would take its loss for damage and refuse the log.
                syncFailed = true;
            }
            throw e;
        }
        synchronized (this) {
            if (!syncFailed) {
                syncedSize = Math.max(syncedSize, covered);
            }
        }
    }

    /**
     * Test seam: a power loss, and the log closed. What was synced stays; of what was not, each page of 4,096 bytes
     * is kept or lost (read as zeros, as the space allocated ahead reads) at random, in no order, as the operating
     * system may have written some of them back and not others. A process crash keeps all of it; a power loss need
     * not.
     */
    void loseUnsynced(Random random) throws IOException {
        int page = 4096;
        long from = syncedSize;
        while (from < size) {
            long pageEnd = Math.min(size, (from / page + 1) * page);
            if (random.nextBoolean()) {
                writeFully(file, ByteBuffer.allocate((int) (pageEnd - from)), from);
            }
            from = pageEnd;
        }
        file.close();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
