package dev.hyphae.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyphae.spec.Requirement;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.engine.support.descriptor.UriSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the JUnit Platform's events into verdicts, one per check, and prints each as it comes: the progress of
 * the run on the terminal. A check's requirement ids come from its {@link Requirement} annotation or, for a
 * vector, from the vector file that is the test's source; its profile from {@link Checks} on its class or from
 * the vector's area.
 */
final class ResultCollector implements TestExecutionListener {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The requirement that a crash of the adapter in a check breaks: the check fails citing it. */
    static final String CRASH_REQUIREMENT = "HY-CONF-016";

    private final PrintStream out;
    /** The ids of the expected-failures file, to say so on the progress line; the verdicts are applied after the run. */
    private final java.util.Set<String> expected;
    private final List<CheckResult> results = new ArrayList<>();
    private final Map<String, Long> started = new HashMap<>();
    /** The adapter's count of crashes when each check in progress started. */
    private final Map<String, Integer> crashesBefore = new HashMap<>();
    private TestPlan plan;

    ResultCollector(PrintStream out, java.util.Set<String> expected) {
        this.out = out;
        this.expected = expected;
    }

    List<CheckResult> results() {
        return results;
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
    }

    @Override
    public void executionStarted(TestIdentifier testIdentifier) {
        started.put(testIdentifier.getUniqueId(), System.nanoTime());
        Suite.nextCheck();
        if (testIdentifier.isTest()) {
            crashesBefore.put(testIdentifier.getUniqueId(), crashes());
        }
    }

    /** The adapter of the run, or null in peer mode alone. */
    private static Adapter adapter() {
        return Suite.current().adapter();
    }

    private static int crashes() {
        Adapter adapter = adapter();
        return adapter == null ? 0 : adapter.crashes();
    }

    /**
     * Makes sure that the adapter still runs once a check has ended, by asking {@code hello}: an adapter that exited
     * after its last answer, or no longer answers, crashed in the check that just ended and fails it, not the next
     * one (HY-CONF-022). A crash stops the adapter, and the next check's first request starts it afresh.
     */
    private static void probe() {
        Adapter adapter = adapter();
        if (adapter != null) {
            adapter.send(Adapter.request("hello"));
        }
    }

    @Override
    public void executionSkipped(TestIdentifier testIdentifier, String reason) {
        if (testIdentifier.isTest()) {
            record(testIdentifier, CheckResult.Status.UNSUPPORTED, "skipped: " + reason, 0);
        }
    }

    @Override
    public void executionFinished(TestIdentifier testIdentifier, TestExecutionResult result) {
        if (!testIdentifier.isTest()) {
            if (result.getStatus() == TestExecutionResult.Status.FAILED && result.getThrowable().isPresent()) {
                // A container that fails (a factory that cannot read the vectors, say) fails the run too.
                record(testIdentifier, CheckResult.Status.FAILED, message(result.getThrowable().get()), 0);
            }
            return;
        }
        Long start = started.remove(testIdentifier.getUniqueId());
        long millis = start == null ? 0 : (System.nanoTime() - start) / 1_000_000;
        Suite.nextCheck();
        probe();
        int crashed = crashes() - crashesBefore.getOrDefault(testIdentifier.getUniqueId(), crashes());
        crashesBefore.remove(testIdentifier.getUniqueId());
        if (crashed > 0) {
            // A crash fails the check it happened in, whatever the check made of the answer (HY-CONF-016).
            String why = "the adapter crashed " + (crashed == 1 ? "once" : crashed + " times") + " in this check; the last crash: "
                    + adapter().lastCrash() + result.getThrowable().map(t -> "\n" + message(t)).orElse("");
            record(testIdentifier, CheckResult.Status.FAILED, why, millis, List.of(CRASH_REQUIREMENT));
            return;
        }
        Throwable thrown = result.getThrowable().orElse(null);
        CheckResult.Status status;
        String detail = "";
        switch (result.getStatus()) {
            case SUCCESSFUL -> status = CheckResult.Status.PASSED;
            case ABORTED -> {
                status = CheckResult.Status.UNSUPPORTED;
                detail = thrown == null ? "aborted" : message(thrown);
            }
            default -> {
                Unsupported unsupported = unsupported(thrown);
                if (unsupported != null) {
                    status = CheckResult.Status.UNSUPPORTED;
                    detail = unsupported.getMessage();
                } else {
                    status = CheckResult.Status.FAILED;
                    detail = thrown == null ? "failed" : message(thrown);
                }
            }
        }
        List<String> broken = new ArrayList<>();
        if (brokenClaim(thrown)) {
            broken.add(BrokenClaim.REQUIREMENT);
        }
        if (status == CheckResult.Status.FAILED) {
            broken.addAll(counterexampleBreaks(thrown));
        }
        record(testIdentifier, status, detail, millis, broken);
    }

    /** The requirements that the counterexample of a failure breaks, if the failure shows one (HY-CONF-018). */
    private static List<String> counterexampleBreaks(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof Counterexamples.Failure f) {
                return f.broken();
            }
        }
        return List.of();
    }

    /** Whether {@code t} is, or was caused by, an answer "unsupported" that the adapter's claims do not allow. */
    private static boolean brokenClaim(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BrokenClaim) {
                return true;
            }
        }
        return false;
    }

    private static Unsupported unsupported(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof Unsupported u) {
                return u;
            }
        }
        return null;
    }

    private static String message(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getName() : (t instanceof AssertionError ? m : t.getClass().getSimpleName() + ": " + m);
    }

    private void record(TestIdentifier test, CheckResult.Status status, String detail, long millis) {
        record(test, status, detail, millis, List.of());
    }

    /** Records a verdict; {@code alsoBroken}: requirement ids that this failure breaks beside those the check cites. */
    private void record(TestIdentifier test, CheckResult.Status status, String detail, long millis, List<String> alsoBroken) {
        Identity identity = identify(test);
        // An advisory check's failure is a warning; a crash in it is not: it says nothing about a "SHOULD".
        if (identity.advisory && status == CheckResult.Status.FAILED && !alsoBroken.contains(CRASH_REQUIREMENT)) {
            status = CheckResult.Status.WARNING;
        }
        List<String> requirements = new ArrayList<>(identity.requirements);
        alsoBroken.stream().filter(id -> !requirements.contains(id)).forEach(requirements::add);
        CheckResult r = new CheckResult(identity.id, identity.profile, identity.advisory, requirements, status, detail, millis);
        results.add(r);
        String first = detail.isEmpty() ? "" : "  " + detail.lines().findFirst().orElse("");
        String shown = status.json().toUpperCase(java.util.Locale.ROOT) + (expected.contains(identity.id) ? " (listed)" : "");
        out.printf("[%4d] %-16s %-17s %s%s%n", results.size(), shown,
                identity.profile == null ? "-" : identity.profile.id(), identity.id, status == CheckResult.Status.PASSED ? "" : first);
        out.flush();
    }

    private record Identity(String id, Profile profile, boolean advisory, List<String> requirements) {
    }

    private Identity identify(TestIdentifier test) {
        Optional<TestSource> source = test.getSource();
        if (source.isPresent() && source.get() instanceof UriSource uri && uri.getUri().getPath() != null
                && uri.getUri().getPath().endsWith(".json")) {
            return vector(Path.of(uri.getUri()));
        }
        for (TestIdentifier t = test; t != null; t = plan.getParent(t).orElse(null)) {
            if (t.getSource().isPresent() && t.getSource().get() instanceof MethodSource m) {
                return method(m);
            }
        }
        return new Identity(test.getDisplayName(), null, false, List.of());
    }

    private static Identity vector(Path file) {
        try {
            JsonNode v = JSON.readTree(file.toFile());
            List<String> ids = new ArrayList<>();
            v.path("requirements").forEach(r -> ids.add(r.asText()));
            Profile profile = switch (v.path("area").asText()) {
                case "payload", "compression", "session" -> Profile.CODEC;
                case "operations" -> Profile.REPLICA_SEMANTICS;
                default -> Profile.HANDSHAKE;
            };
            return new Identity("vectors/" + v.path("area").asText() + "/" + v.path("result").asText() + "/" + v.path("id").asText(),
                    profile, false, ids);
        } catch (IOException e) {
            return new Identity("vectors/" + file.getFileName(), null, false, List.of());
        }
    }

    private static Identity method(MethodSource source) {
        String id = simpleName(source.getClassName()) + "." + source.getMethodName();
        try {
            Class<?> type = Class.forName(source.getClassName());
            Checks checks = type.getAnnotation(Checks.class);
            Method method = Arrays.stream(type.getDeclaredMethods()).filter(m -> m.getName().equals(source.getMethodName()))
                    .findFirst().orElse(null);
            List<String> ids = new ArrayList<>();
            boolean advisory = false;
            if (method != null) {
                Requirement requirement = method.getAnnotation(Requirement.class);
                if (requirement != null) {
                    ids.addAll(List.of(requirement.value()));
                }
                advisory = method.isAnnotationPresent(Advisory.class);
            }
            return new Identity(id, checks == null ? null : checks.value(), advisory, ids);
        } catch (ClassNotFoundException e) {
            return new Identity(id, null, false, List.of());
        }
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
