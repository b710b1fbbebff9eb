package dev.hyphae.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The committed generated code is exactly what flatc 2.0.8 makes of {@code spec/schema/*.fbs}, so the
 * schema, not the Java, is the source of truth. Runs wherever Debian's flatc 2.0.8 is installed, as
 * {@code .ci/run} makes sure it is in CI; elsewhere it is skipped, and says so.
 */
class GeneratedCodeTest {

    private static final Path ROOT = Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath();

    private static boolean flatc208() {
        try {
            Process p = new ProcessBuilder("flatc", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor(30, TimeUnit.SECONDS) && out.equals("flatc version 2.0.8");
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(dir::relativize).sorted().toList();
        }
    }

    @Test
    void committedGeneratedCodeIsWhatFlatcMakesOfTheSchema(@TempDir Path out) throws Exception {
        if (System.getenv("CI") != null) {
            assertTrue(flatc208(), "CI must install flatc 2.0.8 (.ci/run does): the check would be skipped");
        }
        assumeTrue(flatc208(), "flatc 2.0.8 is not installed (Debian package flatbuffers-compiler): not checked here");
        Process p = new ProcessBuilder("sh", ROOT.resolve("spec/schema/generate-java.sh").toString(), out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(true, p.waitFor(120, TimeUnit.SECONDS), "flatc did not finish");
        assertEquals(0, p.exitValue(), "flatc failed on spec/schema: " + log);

        Path committed = ROOT.resolve("reference-impl/src/generated/java");
        // Schema.java, beside flatc's output, is generated without flatc and checked by SchemaTest.
        Path schema = committed.relativize(ROOT.resolve(SchemaGenerator.OUTPUT));
        List<Path> expected = files(out);
        assertEquals(expected, files(committed).stream().filter(f -> !f.equals(schema)).toList(),
                "the set of generated files differs: run spec/schema/generate-java.sh");
        List<String> differing = new ArrayList<>();
        for (Path file : expected) {
            if (!java.util.Arrays.equals(Files.readAllBytes(out.resolve(file)), Files.readAllBytes(committed.resolve(file)))) {
                differing.add(file.toString());
            }
        }
        assertArrayEquals(new String[0], differing.toArray(String[]::new),
                "generated code differs from the schema's: run spec/schema/generate-java.sh and commit");
    }
}
