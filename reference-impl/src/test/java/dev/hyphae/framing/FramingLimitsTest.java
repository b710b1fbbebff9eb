package dev.hyphae.framing;

import dev.hyphae.LimitTables;
import dev.hyphae.noise.CipherState;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link FramingLimits} is the framing's table of constants, name for name and value for value. */
class FramingLimitsTest {

    @Test
    void constantsAreTheTableOfTheFramingChapter() throws Exception {
        LimitTables.assertMatches(FramingLimits.class, "07-framing.adoc", "table-framing-limits");
    }

    @Test
    void theOverheadIsOneByteOfFlagsAndTheTag() {
        assertEquals(1 + CipherState.TAG_LENGTH, FramingLimits.FRAME_OVERHEAD);
    }
}
