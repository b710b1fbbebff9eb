package dev.hyphae.model.encoding;

import java.util.Locale;

/**
 * A payload refused as malformed (chapter "Encoding"): with {@code MALFORMED_DELTA} (101) when a delta carries it,
 * and {@code MALFORMED_MESSAGE} (100) otherwise; and the phase in which the decoder refused it.
 */
public final class Malformed extends Exception {

    private static final long serialVersionUID = 1L;

    /** The phases of decoding, in their order (chapter "Test vectors", table "Phases"). */
    public enum Phase {
        FRAME, VERIFY, DECODE;

        /** The name that vector files and adapters give the phase. */
        public String specName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** MALFORMED_DELTA: the code of a refused payload that a delta carries (HY-VEC-011). */
    public static final int MALFORMED_DELTA = 101;

    private final Phase phase;

    Malformed(Phase phase, String message) {
        super(message);
        this.phase = phase;
    }

    public Phase phase() {
        return phase;
    }

    static Malformed verify(String message) {
        return new Malformed(Phase.VERIFY, message);
    }

    static Malformed decode(String message) {
        return new Malformed(Phase.DECODE, message);
    }
}
