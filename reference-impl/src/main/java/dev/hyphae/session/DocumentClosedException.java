package dev.hyphae.session;

import dev.hyphae.ErrorCode;

/**
 * The sync layer cannot send a document on a session at all, such as a state larger than a payload may be: the
 * session closes that document with a {@code Close} of this code, and carries on with its other documents.
 */
public final class DocumentClosedException extends Exception {

    private final ErrorCode code;

    public DocumentClosedException(ErrorCode code, String detail) {
        super(detail);
        this.code = code;
    }

    /** The code of the Close. */
    public ErrorCode code() {
        return code;
    }
}
