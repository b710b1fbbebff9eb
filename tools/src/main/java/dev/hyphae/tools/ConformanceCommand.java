package dev.hyphae.tools;

import dev.hyphae.conformance.ConformanceRunner;
import dev.hyphae.conformance.Settings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code hyphae conformance}: runs the conformance suite against an adapter (specification, chapter
 * "Conformance"). Without {@code --adapter}, the adapter is the reference implementation's own
 * ({@code hyphae adapter}), started as a separate process exactly as a vendor's would be.
 */
@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = {"Run the conformance suite against an implementation's adapter, and write HTML, JSON and JUnit XML reports.",
                "Exit status: 0 when the implementation conforms, 1 when a check fails, 2 on a usage error."})
final class ConformanceCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--adapter", paramLabel = "COMMAND",
            description = "The adapter's command line, run with /bin/sh -c. Default: the reference implementation's adapter.")
    String adapter;

    @Option(names = "--report-dir", paramLabel = "DIR", description = "Where the reports go. Default: ${DEFAULT-VALUE}.",
            defaultValue = "target/conformance")
    Path reportDirectory;

    @Option(names = "--expected-failures", paramLabel = "FILE",
            description = "A file of check ids expected to fail, one a line; a listed check that passes fails the run.")
    Path expectedFailures;

    @Option(names = "--vectors", paramLabel = "DIR", description = "The vector root, which holds v1/. Default: the repository's test-vectors.")
    Path vectors;

    @Option(names = "--seed", paramLabel = "N", description = "The seed of the generated properties. Default: ${DEFAULT-VALUE}.",
            defaultValue = "42")
    long seed;

    @Option(names = "--tries", paramLabel = "N", description = "Inputs tried by each generated property. Default: ${DEFAULT-VALUE}.",
            defaultValue = "" + Settings.DEFAULT_TRIES)
    int tries;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "How long the adapter may take over one request. Default: ${DEFAULT-VALUE}.",
            defaultValue = "10")
    int timeoutSeconds;

    @Option(names = "--save-counterexamples", paramLabel = "DIR",
            description = "Save the smallest failing input of each failing property as a vector file under DIR/v1/.")
    Path counterexamples;

    @Override
    public Integer call() throws Exception {
        if (tries < 1 || timeoutSeconds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tries and --timeout must be at least 1");
        }
        if (expectedFailures != null && !Files.isRegularFile(expectedFailures)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no expected-failures file " + expectedFailures);
        }
        Path root = home();
        Path vectorRoot = vectors != null ? vectors : root.resolve("test-vectors");
        if (!Files.isDirectory(vectorRoot.resolve("v1"))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no vectors at " + vectorRoot.resolve("v1") + "; give --vectors DIR");
        }
        List<String> command = adapter != null ? List.of("/bin/sh", "-c", adapter) : referenceAdapter();
        Settings settings = new Settings(command, vectorRoot, reportDirectory, expectedFailures, seed, tries,
                Duration.ofSeconds(timeoutSeconds), counterexamples);
        return ConformanceRunner.run(settings, new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The repository the launcher runs from: it sets hyphae.home; otherwise the working directory. */
    private static Path home() {
        String home = System.getProperty("hyphae.home");
        return Path.of(home != null ? home : ".").toAbsolutePath().normalize();
    }

    /** This same command line's adapter, in a new JVM with this JVM's class path. */
    private static List<String> referenceAdapter() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Hyphae.class.getName());
        command.add("adapter");
        return command;
    }
}
