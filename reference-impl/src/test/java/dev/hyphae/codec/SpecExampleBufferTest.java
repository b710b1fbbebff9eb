package dev.hyphae.codec;

import dev.hyphae.spec.Requirement;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The annotated buffer in the Encoding chapter ("A GCounter payload, byte by byte") is exactly what the
 * reference encoder writes, so the figure can never drift from the code.
 */
class SpecExampleBufferTest {

    private static final Path ROOT = Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath();

    /** The bytes column of the figure: after each line's position, the two-digit hex tokens up to the first word. */
    private static byte[] figureBytes() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("spec/chapters/04-encoding.adoc"));
        int anchor = lines.indexOf("[[example-gcounter-buffer]]");
        assertTrue(anchor >= 0, "the figure is where this test expects it");
        int open = lines.subList(anchor, lines.size()).indexOf("....") + anchor;
        int close = lines.subList(open + 1, lines.size()).indexOf("....") + open + 1;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String line : lines.subList(open + 2, close)) {
            if (!line.startsWith("0x")) {
                continue; // a continuation of the meaning column
            }
            String[] tokens = line.trim().split("\\s+");
            for (int i = 1; i < tokens.length && tokens[i].matches("[0-9a-f]{2}"); i++) {
                bytes.write(Integer.parseInt(tokens[i], 16));
            }
        }
        return bytes.toByteArray();
    }

    @Test
    @Requirement({"HY-ENC-001"})
    void theFigureIsWhatTheEncoderWrites() throws Exception {
        ReplicaId r = ReplicaId.fromHex("a0000000000000000000000000000001");
        Dot dot = new Dot(r, 1);
        TreeMap<Dot, Long> counts = new TreeMap<>();
        counts.put(dot, 10L);
        byte[] encoded = Codec.encode(new CausalState<>(GCounter.of(counts), CausalContext.of(List.of(dot))));

        assertEquals(HexFormat.of().formatHex(encoded), HexFormat.of().formatHex(figureBytes()));
        assertEquals(132, encoded.length);
    }
}
