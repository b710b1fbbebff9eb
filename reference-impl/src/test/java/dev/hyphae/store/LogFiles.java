package dev.hyphae.store;

import java.io.IOException;
import java.nio.file.Path;

/** The layout of a document's log file, for tests that tear or damage it byte by byte. */
public final class LogFiles {

    private LogFiles() {
    }

    /** Where the body of the log's first record begins. */
    public static final int FIRST_BODY = RecordLog.FILE_HEADER + RecordLog.HEADER;

    /** Where the last whole record of the log at {@code log} ends: the file without the space allocated ahead. */
    public static int recordsEnd(Path log) throws IOException {
        return Math.toIntExact(RecordLog.recordsEnd(log));
    }

    /**
     * The bytes of a torn tail that opening {@code file} cuts and reports when its records end at {@code end}: up to
     * the last byte that is not zero (zeros read as space allocated ahead, never written).
     */
    public static long tornBytes(byte[] file, long end) {
        int last = file.length - 1;
        while (last >= end && file[last] == 0) {
            last--;
        }
        return Math.max(0, last + 1 - end);
    }
}
