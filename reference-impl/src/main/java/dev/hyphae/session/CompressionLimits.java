package dev.hyphae.session;

/**
 * The constants of negotiated compression, as the table "Constants of compression" of the specification (chapter
 * "Encoding", section "Compression") names them; a test compares this class with that table. Besides these, an
 * inflated payload is bounded by {@link dev.hyphae.data.Limits#MAX_PAYLOAD_SIZE}, as every payload is.
 */
public final class CompressionLimits {

    /** The DEFLATE window: the farthest back, in bytes, that a compressed payload may refer (RFC 1951, 32 KiB). */
    public static final int DEFLATE_WINDOW = 32 * 1024;

    /**
     * The largest ratio of inflated to compressed bytes of one payload, beyond {@link #COMPRESSION_ALLOWANCE}. A stream
     * that carries its context across deltas reaches about 10 on a delta of one write that repeats the keys and
     * structure of the ones before (320 bytes to 32 on the sensor workload); 64 leaves room above that, and holds a
     * hostile peer to 64 bytes of work per byte it sends. A payload that would pass it is sent uncompressed.
     */
    public static final int MAX_COMPRESSION_RATIO = 64;

    /**
     * Bytes that one payload may inflate to beyond {@link #MAX_COMPRESSION_RATIO} times its compressed length: a delta
     * of one write that repeats an earlier one compresses to a few bytes, and a whole Delta message (envelope, frame
     * header and tag) costs some 80 bytes on the wire, so 4 KiB is still at most about 50 bytes inflated per byte sent.
     */
    public static final int COMPRESSION_ALLOWANCE = 4096;

    /**
     * Most channels of one session direction that have a live stream at once. An inflate context holds the 32 KiB
     * window and some 10 KiB of state: 16 of them cost a receiver under 1 MiB per session.
     */
    public static final int MAX_COMPRESSED_CHANNELS = 16;

    private CompressionLimits() {
    }
}
