package dev.hyphae.tools;

/**
 * The defects that {@code hyphae adapter --defect NAME} seeds into the reference adapter, one at a time, to show
 * that the conformance suite catches each of them. Each is a bug that a real implementation could have; none of
 * them exists in the reference implementation itself.
 */
enum Defect {
    /** An LWWRegister's query breaks a timestamp tie in favour of the smaller replica id, not the greater. */
    LWW_TIE_BREAK("lww-tie-break"),
    /** A GCounter's join adds the counts of a dot that both sides hold, instead of keeping one: join is not idempotent. */
    NON_IDEMPOTENT_MERGE("non-idempotent-merge"),
    /** An AWSet's join keeps every element's dots from both sides, ignoring what the other side's causal context has seen: removes are lost. */
    REMOVE_IGNORES_CONTEXT("remove-ignores-context"),
    /** The decoder reads past the end of a short buffer as zeros, as one over a pooled buffer larger than the payload might: truncated input is accepted. */
    ACCEPT_TRUNCATED("accept-truncated"),
    /** A malformed payload is refused with MALFORMED_MESSAGE (100) where a delta's payload needs MALFORMED_DELTA (101). */
    WRONG_ERROR_CODE("wrong-error-code"),
    /** The responder negotiates down to the lowest version it supports instead of the highest version in common. */
    DOWNGRADE("downgrade"),
    /** The initiator accepts a selection of a version it never offered: a responder can downgrade it. */
    ACCEPT_DOWNGRADE("accept-downgrade"),
    /** Compressed payloads of every channel are inflated on one stream, as if documents shared a compression context. */
    SHARED_STREAM("shared-stream"),
    /** Answers "unsupported" to every join of an ORMap state, although hello claims the type: a pass by omission. */
    UNSUPPORTED_CLAIMED_TYPE("unsupported-ormap-join"),
    /** Answers a query, then exits, as an implementation that frees its state twice after a query might: a crash after the answer. */
    EXIT_AFTER_QUERY("exit-after-query"),

    // Handshake defects: each breaks one rule of the chapter "Handshake", as a responder or an initiator.

    /** The responder never looks at the critical flag: an offer that marks an unknown capability critical is accepted. */
    HS_IGNORE_CRITICAL("hs-ignore-critical"),
    /** The responder selects the first version of the offer that it supports, as if the offer were in order of preference. */
    HS_FIRST_COMMON_VERSION("hs-first-common-version"),
    /** The responder takes an offer's max_frame_size from 1 to 1023 as announced instead of refusing the offer. */
    HS_ACCEPT_SMALL_FRAMES("hs-accept-small-frames"),
    /** The responder answers an offer that it cannot verify with an error Selection instead of ending without a word. */
    HS_REPORT_MALFORMED("hs-report-malformed"),
    /** The initiator ends with whatever registered code a Selection reports, whatever its scope. */
    HS_ERROR_SCOPE_IGNORED("hs-error-scope-ignored"),
    /** The initiator takes an all-zero DH output, from a responder's low-order ephemeral key, as any other (HY-HS-016). */
    HS_INITIATOR_SKIPS_LOW_ORDER("hs-initiator-skips-low-order");

    private final String flag;

    Defect(String flag) {
        this.flag = flag;
    }

    /** The name on the command line. */
    String flag() {
        return flag;
    }

    /** The defect named {@code flag} on the command line. */
    static Defect of(String flag) {
        for (Defect d : values()) {
            if (d.flag.equals(flag)) {
                return d;
            }
        }
        throw new IllegalArgumentException("no defect '" + flag + "'; the defects are " + java.util.Arrays.stream(values()).map(Defect::flag).toList());
    }
}
