package dev.hyphae.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * An append-only file of records, each with its own checksum.
 *
 * <pre>
 * Record {
 *   Length (32),              // of the body, little-endian, 1 to MAX_RECORD_SIZE
 *   Checksum (32),            // CRC-32C of the body, little-endian
 *   Body (..),
 * }
 * </pre>
 *
 * An append is buffered by the operating system until {@link #sync()}, which returns once every record
 * appended so far is on stable storage. A crash can therefore leave the last records torn: on opening, the
 * file is read up to the first record that is incomplete or fails its checksum, and cut there. A damaged
 * record followed by a sound one is not a torn tail but damage to records that were already synced; the log
 * refuses to open rather than drop them.
 */
public final class RecordLog implements Closeable {

    /** Largest record body: a delta at its limit with room for its envelope. */
    public static final int MAX_RECORD_SIZE = 8 * 1024 * 1024;
    static final int HEADER = 8;

    /** What opening the file found. */
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
    private final List<byte[]> recovered;
    private final Recovery recovery;
    private volatile long size;
    private volatile long syncedSize;
    private IOException failed;

    private RecordLog(FileChannel file, List<byte[]> recovered, Recovery recovery) {
        this.file = file;
        this.recovered = recovered;
        this.recovery = recovery;
        this.size = recovery.keptBytes();
        this.syncedSize = size;
    }

    /**
     * Opens the log at {@code path}, creating it if absent, and recovers its records.
     *
     * @throws DamagedStoreException if a record that is not at the tail is damaged
     */
    public static RecordLog open(Path path) throws IOException {
        FileChannel file = files.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long length = file.size();
            List<byte[]> records = new ArrayList<>();
            long position = scan(file, path, records);
            if (position < length) {
                file.truncate(position);
                file.force(true);
            }
            file.position(position);
            // What was read may have been in the operating system's cache only (a process killed before its sync):
            // make it durable before anything is built on it.
            file.force(true);
            return new RecordLog(file, records, new Recovery(records.size(), position, length - position));
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The body of the sound record at {@code position}, or null if it is incomplete or fails its checksum. */
    private static byte[] readAt(FileChannel file, long position, long length) throws IOException {
        if (position + HEADER > length) {
            return null;
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, header, position);
        int bodyLength = header.getInt(0);
        int checksum = header.getInt(4);
        if (bodyLength < 1 || bodyLength > MAX_RECORD_SIZE || position + HEADER + bodyLength > length) {
            return null;
        }
        ByteBuffer body = ByteBuffer.allocate(bodyLength);
        readFully(file, body, position + HEADER);
        CRC32C crc = new CRC32C();
        crc.update(body.array());
        return (int) crc.getValue() == checksum ? body.array() : null;
    }

    private static void readFully(FileChannel file, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            if (file.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    /**
     * The sound records at the start of the log at {@code path}, without changing it: for a folder opened read-only.
     * A torn tail is left where it is and not read; damage before a sound record is refused as {@link #open} refuses
     * it. An absent file holds no records.
     */
    public static List<byte[]> readPrefix(Path path) throws IOException {
        if (!java.nio.file.Files.exists(path)) {
            return List.of();
        }
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
            List<byte[]> records = new ArrayList<>();
            scan(file, path, records);
            return records;
        }
    }

    /**
     * Reads the sound records from the start of {@code file} into {@code records}, up to the first one that is
     * incomplete or fails its checksum, and returns where they end. What follows them may only be a torn tail: if
     * a sound record follows the bad one, the bad one is damage in the middle, and the log is refused.
     *
     * @throws DamagedStoreException if a record that is not at the tail is damaged
     */
    private static long scan(FileChannel file, Path path, List<byte[]> records) throws IOException {
        long length = file.size();
        long position = 0;
        while (position < length) {
            byte[] body = readAt(file, position, length);
            if (body == null) {
                break;
            }
            records.add(body);
            position += HEADER + body.length;
        }
        // Is what follows a torn tail, or damage in the middle? Look for any sound record after the bad one.
        for (long probe = position + 1; probe + HEADER < length; probe++) {
            if (readAt(file, probe, length) != null) {
                throw new DamagedStoreException(path + ": the record at byte " + position
                        + " is damaged, and a sound record follows at byte " + probe
                        + "; refusing to drop records that were synced");
            }
        }
        return position;
    }

    /**
     * Reads a file that was synced whole before it was put in place (a snapshot), without changing it.
     *
     * @throws DamagedStoreException if any part of it is not a sound record, or it holds none
     */
    public static List<byte[]> readAll(Path path) throws IOException {
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
            long length = file.size();
            List<byte[]> records = new ArrayList<>();
            long position = 0;
            while (position < length) {
                byte[] body = readAt(file, position, length);
                if (body == null) {
                    throw new DamagedStoreException(path + ": the record at byte " + position + " is damaged");
                }
                records.add(body);
                position += HEADER + body.length;
            }
            if (records.isEmpty()) {
                throw new DamagedStoreException(path + ": empty");
            }
            return records;
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

    /** The bytes in the log. */
    public long size() {
        return size;
    }

    /** Appends a record; it is durable once {@link #sync()} returns. */
    public void append(byte[] body) throws IOException {
        if (body.length < 1 || body.length > MAX_RECORD_SIZE) {
            throw new IllegalArgumentException("a record body is 1 to " + MAX_RECORD_SIZE + " bytes: " + body.length);
        }
        CRC32C crc = new CRC32C();
        crc.update(body);
        ByteBuffer record = ByteBuffer.allocate(HEADER + body.length).order(ByteOrder.LITTLE_ENDIAN);
        record.putInt(body.length).putInt((int) crc.getValue()).put(body).flip();
        if (failed != null) {
            // The cut after an earlier failed append failed too: try it again, since the device may have recovered.
            try {
                file.truncate(size);
                file.position(size);
                failed = null;
            } catch (IOException again) {
                throw new IOException("the log cannot be cut back after a failed append, and takes no records until it can", again);
            }
        }
        try {
            while (record.hasRemaining()) {
                file.write(record);
            }
        } catch (IOException e) {
            // Leave no fragment for a later record to follow (which recovery would take for damage): cut back to
            // the last whole record, or, if even that fails, refuse every later append.
            try {
                file.truncate(size);
                file.position(size);
            } catch (IOException cut) {
                failed = cut;
            }
            throw e;
        }
        size += record.capacity();
    }

    /**
     * Returns once every record appended before the call is on stable storage (fdatasync). It may run while another
     * thread appends: the records appended meanwhile may or may not be covered, and wait for the next sync.
     */
    public void sync() throws IOException {
        long covered = size;
        file.force(false);
        syncedSize = Math.max(syncedSize, covered);
    }

    /**
     * Test seam: cuts the file back to what the last {@link #sync()} made durable, as a power loss
     * may, and closes the log. A process crash keeps what the operating system had buffered; a power loss need not.
     */
    void loseUnsynced() throws IOException {
        file.truncate(syncedSize);
        file.close();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
