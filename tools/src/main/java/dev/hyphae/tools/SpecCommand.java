package dev.hyphae.tools;

import dev.hyphae.spec.SpecBuild;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code hyphae spec}: checks the specification's requirement ids and their citations, writes the
 * coverage report and renders the HTML, exactly as the build does.
 */
@Command(
        name = "spec",
        mixinStandardHelpOptions = true,
        description = {
            "Check the specification, write the requirement coverage report, and render it to HTML.",
            "Fails (exit 1) on a duplicate requirement id, a citation of an unknown id, a sentence "
                    + "with an uppercase BCP 14 keyword and no id, or a MUST that nothing cites and spec/uncited-musts.txt "
                    + "does not list, naming each."
        })
final class SpecCommand implements Callable<Integer> {

    @Option(names = "--root", paramLabel = "DIR",
            description = "The repository root (default: the nearest folder upwards that holds spec/hyphae.adoc).")
    Path root;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write html/ and requirements/ (default: ROOT/spec/target).")
    Path out;

    @Option(names = "--no-render", description = "Check and report only; skip the HTML rendering, which takes a few seconds.")
    boolean noRender;

    @Option(names = "--update-generated",
            description = "Rewrite the appendix table of uncited MUSTs (spec/generated/requirements/) from spec/uncited-musts.txt"
                    + " instead of failing when it is out of date.")
    boolean updateGenerated;

    @Override
    public Integer call() throws Exception {
        Path repository = root != null ? root : findRoot(Path.of("").toAbsolutePath());
        if (repository == null) {
            System.err.println("hyphae spec: no " + SpecBuild.MASTER + " here or above; give --root");
            return 2;
        }
        Path output = out != null ? out : repository.resolve("spec/target");
        return SpecBuild.run(repository, output, !noRender, updateGenerated,
                new PrintStream(System.out, true, StandardCharsets.UTF_8),
                new PrintStream(System.err, true, StandardCharsets.UTF_8));
    }

    private static Path findRoot(Path from) {
        for (Path dir = from; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(SpecBuild.MASTER))) {
                return dir;
            }
        }
        return null;
    }
}
