package dev.hyphae;

/**
 * The one exception for protocol errors: a refusal with a code from the specification's error registry.
 *
 * <p>Create it with {@link #sessionError} or {@link #deltaError}, which check that the code has the scope
 * the caller means: a decoder that refuses one delta cannot accidentally end a session, and the reverse.
 * The message is the detail that goes into the error message's detail field and the log; it names the
 * offending field or limit, never secrets.
 */
public final class ProtocolException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient ErrorCode code;

    private ProtocolException(ErrorCode code, String detail, Throwable cause) {
        super(code.name() + " (" + code.value() + "): " + detail, cause);
        this.code = code;
    }

    /** A refusal that ends the session; {@code code} must have session scope. */
    public static ProtocolException sessionError(ErrorCode code, String format, Object... args) {
        return create(code, ErrorCode.Scope.SESSION, String.format(format, args), null);
    }

    /** A refusal of one delta or request; {@code code} must have delta scope. */
    public static ProtocolException deltaError(ErrorCode code, String format, Object... args) {
        return create(code, ErrorCode.Scope.DELTA, String.format(format, args), null);
    }

    /** As {@link #sessionError(ErrorCode, String, Object...)}, keeping the underlying cause. */
    public static ProtocolException sessionError(ErrorCode code, Throwable cause, String format, Object... args) {
        return create(code, ErrorCode.Scope.SESSION, String.format(format, args), cause);
    }

    private static ProtocolException create(ErrorCode code, ErrorCode.Scope scope, String detail, Throwable cause) {
        if (code.scope() != scope) {
            throw new IllegalArgumentException(code + " has scope " + code.scope() + ", not " + scope);
        }
        return new ProtocolException(code, detail, cause);
    }

    /** The registry code. */
    public ErrorCode code() {
        return code;
    }

    /** The scope of the code: how much this refusal ends. */
    public ErrorCode.Scope scope() {
        return code.scope();
    }
}
