package dev.hyphae.data;

/**
 * A local write that the data model refuses: a counter that would pass 2<sup>64</sup>&minus;1, a replica
 * that has issued its last dot, a value beyond a limit. Nothing is changed. This is the application's
 * error, not a peer's; a peer's bad input is a {@link dev.hyphae.ProtocolException}.
 */
public final class MutationRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MutationRefusedException(String message) {
        super(message);
    }
}
