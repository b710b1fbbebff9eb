package dev.hyphae.tools;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launcher script {@code tools/hyphae}, run as a real process after the build, as a user runs it.
 */
class LauncherIT {

    private static final Path ROOT = Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath();

    private record Result(int status, String out, String err) {
    }

    private static Result hyphae(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("sh", ROOT.resolve("tools/hyphae").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        process.getOutputStream().close();
        // Bounded, so that a hung launcher fails the build instead of stalling it.
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("tools/hyphae " + String.join(" ", args) + " did not finish");
        }
        return new Result(process.exitValue(),
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void versionAnswersAfterTheBuild() throws Exception {
        Result result = hyphae("--version");
        assertEquals(0, result.status(), result.err());
        assertTrue(result.out().startsWith("hyphae "), result.out());
        assertTrue(result.out().contains("protocol version 1.0"), result.out());
    }

    @Test
    void specCheckRunsOnTheRepositoryAndPrintsTheCoverageSummary(@org.junit.jupiter.api.io.TempDir Path out) throws Exception {
        Result result = hyphae("spec", "--no-render", "--out", out.toString());
        assertEquals(0, result.status(), result.err());
        assertTrue(result.out().contains("MUST requirements without a test:"), result.out());
        assertTrue(Files.isRegularFile(out.resolve("requirements/requirements.json")));
    }

    @Test
    void usageErrorExitsWithTwo() throws Exception {
        Result result = hyphae("--no-such-option");
        assertEquals(2, result.status());
        assertTrue(result.err().contains("Unknown option"), result.err());
    }
}
