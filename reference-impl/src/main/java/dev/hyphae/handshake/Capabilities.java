package dev.hyphae.handshake;

/**
 * The capabilities of the registry that the reference implementation implements (specification, chapter
 * "Registries", table of capabilities); a test compares them with that table.
 */
public final class Capabilities {

    /** {@code durable-acks}: the announcing peer acknowledges only what is on stable storage. */
    public static final int DURABLE_ACKS = 1;

    /**
     * {@code deflate}: Delta payloads may be compressed, per channel and direction, with raw DEFLATE streams (chapter
     * "Encoding", section "Compression"). In force when the responder selects it.
     */
    public static final int DEFLATE = 2;

    private Capabilities() {
    }
}
