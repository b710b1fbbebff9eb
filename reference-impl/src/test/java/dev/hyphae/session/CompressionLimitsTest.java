package dev.hyphae.session;

import dev.hyphae.LimitTables;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

/** {@link CompressionLimits} is the table of constants of compression, name for name and value for value. */
class CompressionLimitsTest {

    @Test
    @Requirement({"HY-COMP-004", "HY-COMP-008", "HY-COMP-010"})
    void theClassHoldsExactlyTheConstantsOfTheSpecification() throws Exception {
        LimitTables.assertMatches(CompressionLimits.class, "04-encoding.adoc", "table-compression-limits");
    }
}
