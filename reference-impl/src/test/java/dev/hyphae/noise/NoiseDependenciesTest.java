package dev.hyphae.noise;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The Noise layer is Noise alone: it knows nothing of Hyphae's error registry, framing or handshake, and the
 * layers above map its failures. Its sources name no other package of the project, in an import or a fully
 * qualified name (comments aside, which may point to the layers that use it).
 */
class NoiseDependenciesTest {

    private static final Pattern PROJECT_NAME = Pattern.compile("\\bdev\\s*\\.\\s*hyphae\\s*\\.\\s*(\\w+)");
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

    @Test
    void theNoisePackageImportsNothingElseOfTheProject() throws IOException {
        Path root = Path.of(System.getProperty("hyphae.root", ".."));
        Path noise = root.resolve("reference-impl/src/main/java/dev/hyphae/noise");
        List<Path> sources;
        try (Stream<Path> files = Files.list(noise)) {
            sources = files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
        assertFalse(sources.isEmpty(), "no sources under " + noise.toAbsolutePath());
        TreeSet<String> foreign = new TreeSet<>();
        for (Path source : sources) {
            String code = COMMENT.matcher(Files.readString(source)).replaceAll(" ");
            Matcher m = PROJECT_NAME.matcher(code);
            while (m.find()) {
                if (!m.group(1).equals("noise")) {
                    foreign.add(source.getFileName() + ": dev.hyphae." + m.group(1));
                }
            }
        }
        assertEquals(new TreeSet<String>(), foreign, "the noise package refers to other packages of the project");
    }
}
