package dev.hyphae.conformance;

/**
 * Thrown by a check when the adapter answers "unsupported", or does not claim the check's profile or type:
 * the check is reported as unsupported, neither passed nor failed.
 */
public final class Unsupported extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Unsupported(String message) {
        super(message);
    }
}
