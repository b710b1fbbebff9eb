package dev.hyphae.model.encoding;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A payload refused as malformed (chapter "Encoding"): with {@code MALFORMED_DELTA} (101) when a delta carries it,
 * and {@code MALFORMED_MESSAGE} (100) otherwise; the phase in which the decoder refused it; and the requirements that
 * the payload breaks, named in the message as "(HY-ENC-019)", so that a check that the model's verdict decides can say
 * which rule an implementation got wrong. Every refusal names at least one.
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

    Malformed(Phase phase, String message) {
        super(message);
        this.phase = phase;
        List<String> ids = new ArrayList<>();
        Matcher m = ID.matcher(message);
        while (m.find()) {
            ids.add(m.group());
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("a refusal of the model names the requirement it applies: " + message);
        }
        this.requirements = List.copyOf(ids);
    }

    /** The ids of the requirements that the refused payload breaks, in the order the message names them; never empty. */
    public List<String> requirements() {
        return requirements;
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
