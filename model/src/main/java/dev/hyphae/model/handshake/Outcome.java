package dev.hyphae.model.handshake;

import java.util.SortedSet;
import java.util.TreeSet;

/** How a negotiation ends: agreed, or refused by one side with an error code. */
public sealed interface Outcome {

    /** The two roles of the handshake. */
    enum Side {
        INITIATOR, RESPONDER;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The negotiated version and capabilities of the session, and the largest frame each side accepts; the other
     * side sends no larger frame (chapter "Framing").
     *
     * @param version               the negotiated version
     * @param capabilities          the capabilities in force
     * @param initiatorMaxFrameSize the initiator's maximum receive frame size, 1024 to 65535
     * @param responderMaxFrameSize the responder's maximum receive frame size, 1024 to 65535
     */
    record Agreed(ProtocolVersion version, SortedSet<Integer> capabilities, int initiatorMaxFrameSize, int responderMaxFrameSize)
            implements Outcome {
        public Agreed {
            capabilities = new TreeSet<>(capabilities);
        }
    }

    /**
     * The handshake ends at {@code side} when it reads message number {@code message} (counted from 1), with an
     * error code. Where more than one refusal applies, the specification does not say which one is reported: then
     * {@code codes} holds each of their codes, and a side conforms by ending with any one of them.
     *
     * @param side    the side that refuses
     * @param message the handshake message that it refuses: 1 for the offer, 2 for the selection
     * @param codes   the codes that the specification admits, never empty
     */
    record Refused(Side side, int message, SortedSet<Integer> codes) implements Outcome {
        public Refused {
            codes = new TreeSet<>(codes);
            if (codes.isEmpty()) {
                throw new IllegalArgumentException("a refusal has a code");
            }
        }

        /** Whether a side that ends the handshake with {@code code} refuses as the specification admits. */
        public boolean admits(int code) {
            return codes.contains(code);
        }
    }
}
