package dev.hyphae.session;

import java.time.Duration;

/**
 * The constants of the session layer, as the table "Constants of the session layer" of the specification (chapter
 * "Session", section "Constants") names them; a test compares this class with that table. The two intervals are
 * defaults, which a deployment may change (HY-SESS-051) through {@link Session.Options}; the others bound what a
 * receiver accepts.
 */
public final class SessionLimits {

    /** Longest document name, in bytes of UTF-8. */
    public static final int MAX_DOCUMENT_NAME = 255;

    /** Longest {@code detail} of a {@code SessionError} or a {@code Close}, in bytes of UTF-8. */
    public static final int MAX_DETAIL = 1024;

    /** Largest {@code window} of an {@code Open}. */
    public static final int MAX_WINDOW = 1024;

    /** Most documents on one session. */
    public static final int MAX_DOCUMENTS = 1024;

    /**
     * Most entries of a session replica table, in each direction (HY-SESS-068): 16 bytes each, so that a table
     * takes at most 64 KiB.
     */
    public static final int MAX_SESSION_REPLICAS = 4096;

    /**
     * Most entries of a session key table, in each direction (HY-SESS-097): every key of a map of 10,000 sensors,
     * with room to spare, in an index of 64 KiB at 4 bytes an entry.
     */
    public static final int MAX_SESSION_KEYS = 16_384;

    /**
     * Most bytes of the keys of a session key table, in each direction (HY-SESS-097), an int64 key counting 8: with
     * {@link #MAX_SESSION_KEYS}, a table takes at most some 320 KiB on a device that stores it flat.
     */
    public static final int MAX_SESSION_KEY_BYTES = 262_144;

    /** By default, the longest time a peer stays silent before it sends a {@code Ping}. */
    public static final Duration KEEPALIVE_INTERVAL = Duration.ofSeconds(15);

    /** By default, the longest time a peer waits without receiving a message before it ends the session. */
    public static final Duration IDLE_INTERVAL = Duration.ofSeconds(60);

    /**
     * The longest time a receiver may hold back the acknowledgement of a delta, to acknowledge several with one sync
     * of its storage, once it has processed the delta (HY-SYNC-023); none once the unacknowledged deltas of a channel
     * reach half its window (HY-SYNC-081).
     */
    public static final Duration ACK_DELAY = Duration.ofMillis(25);

    /**
     * The longest time between the end of a session, by an error of session scope or a Close of the session, sent or
     * received, and the close of the framed channel (HY-SESS-143).
     */
    public static final Duration CLOSE_INTERVAL = Duration.ofSeconds(10);

    private SessionLimits() {
    }
}
