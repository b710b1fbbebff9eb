package dev.hyphae.session;

import dev.hyphae.LimitTables;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SessionLimits} is the table of constants of the session chapter, name for name and value for value. */
class SessionLimitsTest {

    @Test
    @Requirement({"HY-SESS-048", "HY-SESS-050"})
    void theClassHoldsExactlyTheConstantsOfTheSpecification() throws Exception {
        assertEquals(11, LimitTables.table("08-session.adoc", "table-session-limits").size());
        LimitTables.assertMatches(SessionLimits.class, "08-session.adoc", "table-session-limits");
    }

    @Test
    void theDefaultOptionsAreTheSpecificationsDefaults() {
        Session.Options defaults = Session.Options.DEFAULT;
        assertEquals(SessionLimits.KEEPALIVE_INTERVAL.toMillis(), defaults.keepaliveMillis());
        assertEquals(SessionLimits.IDLE_INTERVAL.toMillis(), defaults.idleTimeoutMillis());
        assertEquals(SessionLimits.MAX_DOCUMENTS, defaults.maxDocuments());
        assertEquals(SessionLimits.ACK_DELAY.toMillis(), defaults.ackDelayMillis());
        assertTrue(defaults.window() <= SessionLimits.MAX_WINDOW);
    }
}
