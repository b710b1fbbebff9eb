package dev.hyphae.peer;

import dev.hyphae.store.StorageException;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A write through a {@link Document}'s handles that could not be made durable: the disk is full, the device failed,
 * or the peer was opened read-only. The peer carries on: reads, other documents and every connection are
 * unaffected, and the document takes writes again once its storage does.
 *
 * <p>{@link #code()} says what became of the write: {@code NOT_WRITTEN}, it took no effect and may be tried again;
 * {@code IN_DOUBT}, it took effect in memory but its sync failed, so it is made durable (and sent) when the
 * document recovers (at its next successful write, or a session's retry), or lost in a crash before then; trying a
 * counter's increment again may count it twice. Neither was acknowledged to any neighbour.
 */
public final class WriteFailedException extends UncheckedIOException {

    private final StorageException.Code code;

    WriteFailedException(String message, IOException cause) {
        super(message, cause);
        this.code = cause instanceof StorageException s ? s.code() : StorageException.Code.IN_DOUBT;
    }

    /** What became of the write. */
    public StorageException.Code code() {
        return code;
    }
}
