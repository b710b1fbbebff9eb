package dev.hyphae.conformance;

import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The tries and the seed that a check split from another gets ({@link ShareOfTries}). */
@Requirement("HY-CONF-008")
class SuiteSettingsHookTest {

    @ShareOfTries(2)
    void half() {
    }

    @ShareOfTries(value = 5, parts = 4)
    void fourFifths() {
    }

    @ShareOfTries(value = 2, parts = 3)
    void moreThanAll() {
    }

    private static ShareOfTries share(String method) throws NoSuchMethodException {
        return SuiteSettingsHookTest.class.getDeclaredMethod(method).getAnnotation(ShareOfTries.class);
    }

    @Test
    void aShareIsRoundedUpAndNeverZero() throws Exception {
        assertEquals(100, SuiteSettingsHook.tries(100, null));
        assertEquals(50, SuiteSettingsHook.tries(100, share("half")));
        assertEquals(13, SuiteSettingsHook.tries(25, share("half")));
        assertEquals(20, SuiteSettingsHook.tries(25, share("fourFifths")));
        assertEquals(1, SuiteSettingsHook.tries(1, share("half")));
    }

    @Test
    void aShareOfTheLargestNumberOfTriesDoesNotOverflow() throws Exception {
        assertEquals(Integer.MAX_VALUE / 2 + 1, SuiteSettingsHook.tries(Integer.MAX_VALUE, share("half")));
        assertEquals(1717986918, SuiteSettingsHook.tries(Integer.MAX_VALUE, share("fourFifths")));
    }

    @Test
    void aShareOfMoreThanTheWholeIsRefused() {
        assertThrows(IllegalStateException.class, () -> SuiteSettingsHook.tries(100, share("moreThanAll")));
    }

    @Test
    void eachSplitCheckHasASeedOfItsOwnDerivedFromTheRunsSeed() throws Exception {
        assertEquals(42, SuiteSettingsHook.seed(42, null, "anyCheck"));
        long a = SuiteSettingsHook.seed(42, share("half"), "decodeAcceptsEveryValidPayload");
        long b = SuiteSettingsHook.seed(42, share("half"), "decodeAgreesWithTheModel");
        assertNotEquals(a, b);
        assertEquals(a, SuiteSettingsHook.seed(42, share("half"), "decodeAcceptsEveryValidPayload"));
    }
}
