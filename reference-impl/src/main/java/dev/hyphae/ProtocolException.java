package dev.hyphae;

import java.util.Optional;

/**
 * The one exception for protocol errors: a refusal with a code from the specification's error registry.
 *
 * <p>Create it with {@link #sessionError} or {@link #deltaError}, which check that the code has the scope
 * the caller means: a decoder that refuses one delta cannot accidentally end a session, and the reverse.
 * A refusal made while decoding a payload or a message also names the {@link Phase} that made it, which the
 * test vectors state and the vector tools compare. The message is the detail that goes into the error
 * message's detail field and the log; it names the offending field or limit, never secrets. It is for people:
 * code decides on {@link #code()} and {@link #phase()}, never on the message.
 */
public final class ProtocolException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * The phases in which a decoder refuses its input, in the order in which it goes through them
     * (specification, chapter "Encoding", section "Decoding"; chapter "Test vectors", table "Phases").
     */
    public enum Phase {
        /** The input is delimited, and its length is checked against {@code MAX_PAYLOAD_SIZE}. */
        FRAME("frame"),
        /** The FlatBuffers structure of the whole buffer is verified, with the limits verification checks. */
        VERIFY("verify"),
        /** The fields and packed columns are read and checked against the rules of the encoding and data model. */
        DECODE("decode"),
        /** The decoded payload is checked against the state of its document and joined into it. */
        APPLY("apply");

        private final String label;

        Phase(String label) {
            this.label = label;
        }

        /** The phase's name in the specification and in the {@code phase} member of a vector: {@code "verify"}. */
        public String label() {
            return label;
        }

        /** The phase whose {@link #label()} is {@code label}. */
        public static Phase of(String label) {
            for (Phase phase : values()) {
                if (phase.label.equals(label)) {
                    return phase;
                }
            }
            throw new IllegalArgumentException("no phase is named \"" + label + "\"");
        }
    }

    private final transient ErrorCode code;
    private final transient Phase phase;

    private ProtocolException(ErrorCode code, Phase phase, String detail, Throwable cause) {
        super(code.name() + " (" + code.value() + "): " + (phase == null ? "" : phase.label() + ": ") + detail, cause);
        this.code = code;
        this.phase = phase;
    }

    /** A refusal that ends the session; {@code code} must have session scope. */
    public static ProtocolException sessionError(ErrorCode code, String format, Object... args) {
        return create(code, ErrorCode.Scope.SESSION, null, String.format(format, args), null);
    }

    /** A refusal that ends the session, made in {@code phase} of decoding a message; {@code code} must have session scope. */
    public static ProtocolException sessionError(ErrorCode code, Phase phase, String format, Object... args) {
        return create(code, ErrorCode.Scope.SESSION, phase, String.format(format, args), null);
    }

    /** As {@link #sessionError(ErrorCode, String, Object...)}, keeping the underlying cause. */
    public static ProtocolException sessionError(ErrorCode code, Throwable cause, String format, Object... args) {
        return create(code, ErrorCode.Scope.SESSION, null, String.format(format, args), cause);
    }

    /** A refusal of one delta or request; {@code code} must have delta scope. */
    public static ProtocolException deltaError(ErrorCode code, String format, Object... args) {
        return create(code, ErrorCode.Scope.DELTA, null, String.format(format, args), null);
    }

    /** A refusal of one delta, made in {@code phase} of decoding its payload; {@code code} must have delta scope. */
    public static ProtocolException deltaError(ErrorCode code, Phase phase, String format, Object... args) {
        return create(code, ErrorCode.Scope.DELTA, phase, String.format(format, args), null);
    }

    private static ProtocolException create(ErrorCode code, ErrorCode.Scope scope, Phase phase, String detail, Throwable cause) {
        if (code.scope() != scope) {
            throw new IllegalArgumentException(code + " has scope " + code.scope() + ", not " + scope);
        }
        return new ProtocolException(code, phase, detail, cause);
    }

    /** The registry code. */
    public ErrorCode code() {
        return code;
    }

    /** The scope of the code: how much this refusal ends. */
    public ErrorCode.Scope scope() {
        return code.scope();
    }

    /** The phase of decoding that refused, for a refusal made while decoding a payload or a message. */
    public Optional<Phase> phase() {
        return Optional.ofNullable(phase);
    }
}
