package dev.hyphae.model.handshake;

import java.util.Map;

/**
 * The codes of the error registry (chapter "Registries", table of error codes) and their scopes, which an initiator
 * needs for the error that a responder reports (HY-HS-007); and the names of the codes that a negotiation ends
 * with.
 */
public final class ErrorRegistry {

    public static final int PROTOCOL_VIOLATION = 2;
    public static final int UNSUPPORTED_VERSION = 3;
    public static final int MALFORMED_MESSAGE = 100;
    public static final int HANDSHAKE_FAILED = 200;
    public static final int UNSUPPORTED_CAPABILITY = 203;

    /** The scope of a code: what a refusal with it ends. */
    public enum Scope {
        SESSION, DELTA
    }

    /** Every code of the table, with its scope; the private-use range 60000 to 65535 is assigned nothing. */
    static final Map<Integer, Scope> CODES = Map.ofEntries(
            Map.entry(0, Scope.SESSION), Map.entry(1, Scope.SESSION), Map.entry(2, Scope.SESSION), Map.entry(3, Scope.SESSION),
            Map.entry(4, Scope.SESSION), Map.entry(5, Scope.SESSION),
            Map.entry(100, Scope.SESSION), Map.entry(101, Scope.DELTA), Map.entry(102, Scope.SESSION), Map.entry(103, Scope.SESSION),
            Map.entry(200, Scope.SESSION), Map.entry(201, Scope.SESSION), Map.entry(202, Scope.SESSION), Map.entry(203, Scope.SESSION),
            Map.entry(300, Scope.SESSION), Map.entry(301, Scope.SESSION), Map.entry(302, Scope.SESSION), Map.entry(303, Scope.SESSION),
            Map.entry(400, Scope.SESSION),
            Map.entry(600, Scope.DELTA), Map.entry(601, Scope.SESSION));

    private ErrorRegistry() {
    }

    /** Whether the registry lists {@code code} with the scope session. */
    public static boolean hasSessionScope(int code) {
        return CODES.get(code) == Scope.SESSION;
    }
}
