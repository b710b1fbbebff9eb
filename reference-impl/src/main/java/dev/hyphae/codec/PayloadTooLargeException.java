package dev.hyphae.codec;

import dev.hyphae.ProtocolException;

/**
 * A state or delta too large to send as one payload: its encoding would break a limit of the data model or of
 * the encoding ({@link dev.hyphae.data.Limits}, {@link EncodingLimits}), in bytes, elements, replicas, nesting,
 * length of a string or cloud. HY-DATA-043: an encoder never sends what a receiver must refuse.
 *
 * <p>A caller that can send less (fewer log entries, a difference instead of a state) catches it to decide
 * what to send; it is unchecked because most payloads, such as the delta of one mutation, which the mutator
 * has already bounded, cannot be too large.
 */
public final class PayloadTooLargeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int size;
    private final transient ProtocolException refusal;

    PayloadTooLargeException(int size, ProtocolException refusal) {
        super("a payload of " + size + " bytes cannot be sent: " + refusal.getMessage(), refusal);
        this.size = size;
        this.refusal = refusal;
    }

    /** The size of the encoding in bytes, which may be within {@code MAX_PAYLOAD_SIZE} when another limit is broken. */
    public int size() {
        return size;
    }

    /** The refusal that a receiver would give: its detail names the limit. */
    public ProtocolException refusal() {
        return refusal;
    }
}
