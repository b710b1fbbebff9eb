package dev.hyphae.model.encoding;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A payload refused as malformed (chapter "Encoding"): with {@code MALFORMED_DELTA} (101) when a delta carries it,
 * and {@code MALFORMED_MESSAGE} (100) otherwise; the phase in which the decoder refused it; and the requirements that
 * the payload breaks, given as ids beside the text and named at its end, as "(HY-ENC-019)", so that a check that the
 * model's verdict decides can say which rule an implementation got wrong. Every refusal names at least one.
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

    private static final Pattern ID = Pattern.compile("HY-[A-Z][A-Z0-9]{1,11}-[0-9]{3}");

    private final Phase phase;
    private final List<String> requirements;

    /**
     * A refusal in {@code phase}: {@code what} is wrong, which breaks {@code requirements}, at least one, each a
     * requirement id.
     */
    Malformed(Phase phase, String what, String... requirements) {
        super(what + " (" + String.join(", ", requirements) + ")");
        if (requirements.length == 0) {
            throw new IllegalArgumentException("a refusal of the model names the requirement it applies: " + what);
        }
        for (String id : requirements) {
            if (!ID.matcher(id).matches()) {
                throw new IllegalArgumentException("not a requirement id: " + id);
            }
        }
        this.phase = phase;
        this.requirements = List.of(requirements);
    }

    /** The ids of the requirements that the refused payload breaks, in the order given; never empty. */
    public List<String> requirements() {
        return requirements;
    }

    public Phase phase() {
        return phase;
    }

    static Malformed verify(String what, String... requirements) {
        return new Malformed(Phase.VERIFY, what, requirements);
    }

    static Malformed decode(String what, String... requirements) {
        return new Malformed(Phase.DECODE, what, requirements);
    }
}
