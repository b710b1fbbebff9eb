package dev.hyphae.store;

import java.io.IOException;

/**
 * A write that storage could not make durable (a full disk, an I/O error, a folder opened read-only), with what
 * became of it. Either way it was not acknowledged to anyone, nor sent: only what is durable is (HY-SYNC-005,
 * HY-SYNC-023).
 */
public final class StorageException extends IOException {

    /** What became of the write. */
    public enum Code {
        /** Nothing of the write is stored or applied: it can be tried again as it is. */
        NOT_WRITTEN,
        /**
         * The write was applied and appended, but the sync that would make it durable failed: it may be on the disk
         * or not. The document holds it in memory and makes it durable once storage recovers (its next write, or a session's retry);
         * a crash before then may lose it. Trying it again may apply it twice (a counter counts it twice).
         */
        IN_DOUBT
    }

    private final Code code;

    public StorageException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** What became of the write. */
    public Code code() {
        return code;
    }
}
