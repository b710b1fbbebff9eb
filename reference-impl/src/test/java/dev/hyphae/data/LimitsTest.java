package dev.hyphae.data;

import dev.hyphae.LimitTables;
import org.junit.jupiter.api.Test;

/** {@link Limits} is the data model's table of limits, name for name and value for value. */
class LimitsTest {

    @Test
    void constantsAreTheTableOfTheDataModelChapter() throws Exception {
        LimitTables.assertMatches(Limits.class, "03-data-model.adoc", "table-data-limits");
    }
}
