package dev.hyphae.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code hyphae vectors}: run test vectors against the reference implementation. */
@Command(name = "vectors", mixinStandardHelpOptions = true, subcommands = VectorsCommand.Noise.class,
        description = "Run test vectors against the reference implementation.")
final class VectorsCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
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
