package dev.hyphae.codec;

import dev.hyphae.LimitTables;
import org.junit.jupiter.api.Test;

/** {@link EncodingLimits} is the encoding's table of limits, name for name and value for value. */
class EncodingLimitsTest {

    @Test
    void constantsAreTheTableOfTheEncodingChapter() throws Exception {
        LimitTables.assertMatches(EncodingLimits.class, "04-encoding.adoc", "table-encoding-limits");
    }
}
