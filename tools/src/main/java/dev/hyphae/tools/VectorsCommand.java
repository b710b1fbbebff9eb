package dev.hyphae.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyphae.ProtocolException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.concurrent.Callable;

/** {@code hyphae vectors}: generate the test vectors, and run vectors against the reference implementation. */
@Command(name = "vectors", mixinStandardHelpOptions = true,
        subcommands = {VectorsCommand.Generate.class, VectorsCommand.Verify.class, VectorsCommand.Noise.class},
        description = "Generate the test vectors, and run vectors against the reference implementation.")
final class VectorsCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** Every generated vector file, as the committed tree holds them. */
    static SortedMap<String, byte[]> generated() throws IOException, ProtocolException {
        Properties versions = Hyphae.versions();
        return VectorGenerator.generate(versions.getProperty("spec.revision"), "hyphae " + versions.getProperty("hyphae.version"));
    }

    /** Every generated specification partial, as spec/generated holds them. */
    static SortedMap<String, byte[]> generatedPartials() throws IOException, ProtocolException {
        Properties versions = Hyphae.versions();
        return VectorGenerator.partials(versions.getProperty("spec.revision"), "hyphae " + versions.getProperty("hyphae.version"));
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Write every generated vector file under DIR (as v1/<area>/{valid,invalid}/<case>.json), "
                    + "deterministically: the same bytes on every run and machine. DIR/v1 (and PARTIALS/examples) are "
                    + "replaced whole.")
    static final class Generate implements Callable<Integer> {

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "The vector root, for example test-vectors.")
        Path out;

        @Option(names = "--partials", paramLabel = "DIR",
                description = "Also write the annotated examples the specification includes, for example spec/generated.")
        Path partials;

        @Override
        public Integer call() throws IOException, ProtocolException {
            SortedMap<String, byte[]> files = generated();
            // Regenerating replaces the generated trees whole, so that a renamed or removed case leaves no orphan.
            deleteTree(out.resolve("v1"));
            if (partials != null) {
                deleteTree(partials.resolve("examples"));
            }
            write(out, files);
            System.out.printf("%d vector files written under %s%n", files.size(), out.resolve("v1"));
            if (partials != null) {
                SortedMap<String, byte[]> examples = generatedPartials();
                write(partials, examples);
                System.out.printf("%d specification partials written under %s%n", examples.size(), partials);
            }
            return 0;
        }

        private static void deleteTree(Path dir) throws IOException {
            if (!Files.isDirectory(dir)) {
                return;
            }
            try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }

        private static void write(Path root, SortedMap<String, byte[]> files) throws IOException {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Path path = root.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.write(path, file.getValue());
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Run the reference implementation against every vector file under DIR; print each failed "
                    + "case's id and why, end with 'N passed, M failed', exit 1 if any failed.")
    static final class Verify implements Callable<Integer> {

        @Parameters(paramLabel = "DIR", description = "A vector tree, for example test-vectors.")
        Path dir;

        @Override
        public Integer call() throws IOException {
            List<VectorVerifier.Result> results = VectorVerifier.verify(dir);
            long skipped = results.stream().filter(VectorVerifier.Result::skipped).count();
            long failed = results.stream().filter(r -> !r.passed() && !r.skipped()).count();
            for (VectorVerifier.Result r : results) {
                if (r.skipped()) {
                    System.out.printf("SKIP %s: %s%n", r.path(), r.reason());
                } else if (!r.passed()) {
                    System.out.printf("FAIL %s (%s): %s%n", r.id(), r.path(), r.reason());
                }
            }
            if (skipped > 0) {
                System.out.printf("%d skipped: files of another format%n", skipped);
            }
            System.out.printf("%d passed, %d failed%n", results.size() - failed - skipped, failed);
            return failed == 0 ? 0 : 1;
        }
    }

    @Command(name = "noise", mixinStandardHelpOptions = true,
            description = {
                "Run a file of Noise test vectors (the Noise wiki JSON format) against the Noise implementation.",
                "Prints a line per vector, says which suites it skips and why, and ends with 'N passed, M failed'.",
                "Exit status 1 if any vector failed."
            })
    static final class Noise implements Callable<Integer> {

        @Parameters(paramLabel = "FILE", description = "A JSON file of Noise test vectors.")
        Path file;

        @Override
        public Integer call() throws IOException {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            List<NoiseVectorRunner.Outcome> outcomes = NoiseVectorRunner.run(root);
            int passed = 0;
            int failed = 0;
            int skipped = 0;
            for (NoiseVectorRunner.Outcome o : outcomes) {
                System.out.printf("%-4s #%-3d %-40s %s%n", o.status(), o.index(), o.protocol(), o.detail());
                switch (o.status()) {
                    case PASS -> passed++;
                    case FAIL -> failed++;
                    case SKIP -> skipped++;
                }
            }
            if (skipped > 0) {
                System.out.printf("%d skipped: suites this implementation does not offer%n", skipped);
            }
            System.out.printf("%d passed, %d failed%n", passed, failed);
            return failed == 0 ? 0 : 1;
        }
    }
}
