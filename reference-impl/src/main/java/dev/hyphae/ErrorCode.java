package dev.hyphae;

/**
 * The error registry of the specification ({@code spec/chapters/12-registries.adoc}, section "Error
 * codes"), value for value. A test compares this enum with the registry table, so the two cannot drift.
 *
 * <p>On the wire a code is an unsigned 16-bit integer. Every code has a {@link Scope}, which says how much a
 * refusal with that code ends.
 */
public enum ErrorCode {
    /** Orderly close: the sender ends the session because it is done, or closes one document for no fault. Not a fault. */
    NO_ERROR(0, Scope.SESSION),
    /**
     * The sender failed for a reason of its own that the receiver's input did not cause; in the Close of a document,
     * its storage of that document failed (HY-SESS-061).
     */
    INTERNAL_ERROR(1, Scope.SESSION),
    /** A violation of the specification for which no more specific code exists. */
    PROTOCOL_VIOLATION(2, Scope.SESSION),
    /** The peers have no protocol version in common. */
    UNSUPPORTED_VERSION(3, Scope.SESSION),
    /**
     * A size, count or nesting depth of a session-level structure exceeds a named limit; in the Close of a document,
     * no one payload can carry the document's state (HY-DATA-067).
     */
    LIMIT_EXCEEDED(4, Scope.SESSION),
    /** A message type that the negotiated version and capabilities do not define. */
    UNKNOWN_MESSAGE_TYPE(5, Scope.SESSION),
    /** A session message failed verification against the schema. */
    MALFORMED_MESSAGE(100, Scope.SESSION),
    /** A delta payload failed verification against the schema; the delta is refused. */
    MALFORMED_DELTA(101, Scope.DELTA),
    /**
     * A Delta's compression is not allowed on the session, or its compressed payload does not inflate as a
     * continuation of the channel's stream (corrupt or truncated); the stream is lost, so the session ends.
     */
    MALFORMED_COMPRESSION(102, Scope.SESSION),
    /** A compressed payload inflates past its bound or ratio, or a stream starts beyond the number a session may hold. */
    COMPRESSION_LIMIT_EXCEEDED(103, Scope.SESSION),
    /** A handshake message failed to decrypt or authenticate, or arrived out of order. */
    HANDSHAKE_FAILED(200, Scope.SESSION),
    /** A certificate whose signature does not verify, or that certifies another static key. */
    BAD_CERTIFICATE(201, Scope.SESSION),
    /** A certificate presented outside its period of validity. */
    CERTIFICATE_EXPIRED(202, Scope.SESSION),
    /**
     * The initiator marked critical a capability that the responder does not implement; in the Close of a document, a
     * delta of the document needs a capability that the session did not negotiate (HY-VER-035).
     */
    UNSUPPORTED_CAPABILITY(203, Scope.SESSION),
    /**
     * A frame shorter than its overhead, with unknown flags or an empty fragment without FIN, or the stream ended
     * inside a frame or a message: a malformed frame, never one that failed to authenticate.
     */
    BAD_FRAME(300, Scope.SESSION),
    /** A frame longer than the receiver announced. */
    FRAME_TOO_LARGE(301, Scope.SESSION),
    /** A message whose fragments add up to more than the reassembly limit. */
    MESSAGE_TOO_LARGE(302, Scope.SESSION),
    /** A frame failed to authenticate, or arrived after the receiving cipher state reached its last nonce. */
    FRAME_AUTHENTICATION_FAILED(303, Scope.SESSION),
    /** Nothing was received for longer than the idle timeout. */
    IDLE_TIMEOUT(400, Scope.SESSION),
    /** The peer has no right to the requested operation on the document; nothing is changed. */
    ACCESS_DENIED(600, Scope.DELTA),
    /** A peer whose static key is not trusted, and that no trusted organisation vouches for. */
    UNKNOWN_PEER(601, Scope.SESSION);

    /**
     * How much a refusal that carries the code ends: a SessionError, or a refusal in the handshake (HY-REG-001). The
     * scope does not bind the Close of a document, which is sent with NO_ERROR, INTERNAL_ERROR, LIMIT_EXCEEDED or
     * UNSUPPORTED_CAPABILITY (or a private-use code) and closes that document alone whatever its code (HY-REG-003,
     * HY-REG-004).
     */
    public enum Scope {
        /** The session ends; other sessions are not affected. */
        SESSION,
        /** One message is refused and changes nothing; the session and its other documents carry on. */
        DELTA
    }

    /** The first value of the private-use range, which is never assigned. */
    public static final int FIRST_PRIVATE_USE = 60000;

    private final int value;
    private final Scope scope;

    ErrorCode(int value, Scope scope) {
        this.value = value;
        this.scope = scope;
    }

    /** The wire value, 0 to 65535. */
    public int value() {
        return value;
    }

    /** How much a refusal with this code ends. */
    public Scope scope() {
        return scope;
    }

    /**
     * The code with the given wire value, or {@code null} if this implementation does not know it. A
     * receiver acts on an unknown code by the scope carried beside it in the error message.
     */
    public static ErrorCode of(int value) {
        for (ErrorCode code : values()) {
            if (code.value == value) {
                return code;
            }
        }
        return null;
    }
}
