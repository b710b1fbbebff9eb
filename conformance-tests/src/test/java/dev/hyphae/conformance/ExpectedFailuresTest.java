package dev.hyphae.conformance;

import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The expected-failures file is strict: what it lists must fail, and exist. */
class ExpectedFailuresTest {

    private static CheckResult check(String id, CheckResult.Status status) {
        return new CheckResult(id, Profile.CODEC, false, List.of("HY-VEC-014"), status, status == CheckResult.Status.PASSED ? "" : "why", 0);
    }

    @Test
    @Requirement("HY-CONF-019")
    void aListedFailureIsExpectedAndAListedPassFailsTheRun(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("expected-failures.txt");
        Files.writeString(file, "# known bugs\nvectors/payload/invalid/a   # wrong code, issue 12\nvectors/payload/invalid/b\n\n");
        List<CheckResult> applied = ExpectedFailures.read(file).apply(List.of(
                check("vectors/payload/invalid/a", CheckResult.Status.FAILED),
                check("vectors/payload/invalid/b", CheckResult.Status.PASSED),
                check("vectors/payload/invalid/c", CheckResult.Status.PASSED)));
        assertEquals(CheckResult.Status.EXPECTED_FAILURE, applied.get(0).status());
        assertFalse(applied.get(0).failsTheRun());
        assertEquals(CheckResult.Status.UNEXPECTED_PASS, applied.get(1).status());
        assertTrue(applied.get(1).failsTheRun());
        assertEquals(CheckResult.Status.PASSED, applied.get(2).status());
    }

    @Test
    @Requirement("HY-CONF-019")
    void aListedIdThatNamesNoCheckFailsTheRun(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("expected-failures.txt");
        Files.writeString(file, "vectors/payload/invalid/no_such_case\n");
        List<CheckResult> applied = ExpectedFailures.read(file).apply(List.of());
        assertEquals(1, applied.size());
        assertTrue(applied.get(0).failsTheRun());
        assertTrue(applied.get(0).detail().contains("no check has this id"));
    }

    @Test
    @Requirement("HY-CONF-019")
    void anUnsupportedCheckIsNotTheFailureTheFileExpects(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("expected-failures.txt");
        Files.writeString(file, "AuthenticationChecks.anUntrustedInitiatorIsRefused\n");
        List<CheckResult> applied = ExpectedFailures.read(file).apply(List.of(
                check("AuthenticationChecks.anUntrustedInitiatorIsRefused", CheckResult.Status.UNSUPPORTED)));
        assertTrue(applied.get(0).failsTheRun());
    }
}
