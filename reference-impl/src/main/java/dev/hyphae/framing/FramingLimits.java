package dev.hyphae.framing;

/**
 * The constants of the framing (specification, chapter "Framing", table "Constants of the framing"), with the
 * names and values the specification gives them. A test compares this class with the table.
 */
public final class FramingLimits {

    /**
     * The largest maximum receive frame size, and so the largest size of a frame (the length of its
     * Ciphertext): the largest Noise transport message, and the largest value of the 16-bit Length field.
     */
    public static final int MAX_FRAME_SIZE = 65_535;

    /**
     * The smallest maximum receive frame size that a peer can require; a frame of this size carries 1007
     * bytes of a message.
     */
    public static final int MIN_FRAME_SIZE = 1024;

    /** The smallest size of a frame: one byte of Flags and the 16-byte authentication tag, with an empty Fragment. */
    public static final int FRAME_OVERHEAD = 17;

    /**
     * The largest message, in bytes, that a peer sends and that a receiver reassembles: {@code MAX_PAYLOAD_SIZE}
     * (4 MiB) plus 64 KiB for the rest of the session message that carries a payload.
     */
    public static final int MAX_MESSAGE_SIZE = 4 * 1024 * 1024 + 64 * 1024;

    /** The number of frames of one direction between two rekeys of its cipher state. */
    public static final int REKEY_INTERVAL = 65_536;

    private FramingLimits() {
    }
}
