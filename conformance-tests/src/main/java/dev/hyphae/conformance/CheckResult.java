package dev.hyphae.conformance;

import java.util.List;

/**
 * The verdict of one check.
 *
 * @param id           the check's stable id: {@code Class.method} for a check in code, {@code vectors/<area>/<result>/<id>}
 *                     for a vector; the id that an expected-failures file names
 * @param profile      the profile the check belongs to
 * @param advisory     whether it checks requirements of level "SHOULD" only, so that its failure is a warning
 * @param requirements the requirement ids it cites
 * @param status       its verdict
 * @param detail       why it failed or was unsupported, with the counterexample; empty when it passed
 * @param millis       how long it took (reported, never asserted)
 */
public record CheckResult(String id, Profile profile, boolean advisory, List<String> requirements, Status status, String detail,
                          long millis) {

    /** A check's verdict. */
    public enum Status {
        PASSED("passed"),
        FAILED("failed"),
        /** Failed, and listed in the expected-failures file: does not fail the run. */
        EXPECTED_FAILURE("expected-failure"),
        /** Listed in the expected-failures file, and did not fail: fails the run, so that the file stays true. */
        UNEXPECTED_PASS("unexpected-pass"),
        /** The adapter does not claim the profile or the type, or answered "unsupported". */
        UNSUPPORTED("unsupported"),
        /** An advisory check that failed: a "SHOULD" not met. */
        WARNING("warning");

        private final String json;

        Status(String json) {
            this.json = json;
        }

        /** The name in the reports. */
        public String json() {
            return json;
        }
    }

    public CheckResult {
        requirements = List.copyOf(requirements);
    }

    /** The same check with another verdict. */
    CheckResult with(Status newStatus, String newDetail) {
        return new CheckResult(id, profile, advisory, requirements, newStatus, newDetail, millis);
    }

    /** Whether this verdict fails the run. */
    public boolean failsTheRun() {
        return status == Status.FAILED || status == Status.UNEXPECTED_PASS;
    }
}
