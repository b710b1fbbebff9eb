package dev.hyphae.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code framing} cases of {@code test-vectors/v1}, and the same cases recorded again in another layout
 * ({@link TranscriptBoundCases}), each written without its {@code frames} but with its {@code delivered}: a runner
 * plays their handshakes live and gives the channel the recorded {@code stream} (HY-VEC-051). Against the reference
 * implementation, which writes the messages of {@code test-vectors/v1} byte for byte, the first are judgeable and
 * pass; the others exchange messages other than the recorded ones, and are not judgeable.
 */
final class FramelessCases {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The suffix of the id of a case of {@code test-vectors/v1} written without its frames. */
    static final String RECORDED_LAYOUT = "_without_frames";
    /** The suffix of the id of a case recorded again in another layout and written without its frames. */
    static final String OTHER_LAYOUT = "_other_layout_without_frames";

    private FramelessCases() {
    }

    /** Writes the cases under {@code out}/v1 and returns each one's id (area/result/id) with whether it is judgeable. */
    static Map<String, Boolean> write(Path vectors, Path scratch, Path out) throws Exception {
        Map<String, Boolean> ids = new LinkedHashMap<>();
        TranscriptBoundCases.write(vectors, scratch);
        for (Path file : framing(vectors.resolve("v1/framing"))) {
            ids.put(save(out, file, RECORDED_LAYOUT), true);
        }
        for (Path file : framing(scratch.resolve("v1/framing"))) {
            if (!file.getFileName().toString().endsWith(TranscriptBoundCases.AS_RECORDED + ".json")) {
                ids.put(save(out, file, OTHER_LAYOUT), false);
            }
        }
        return ids;
    }

    private static java.util.List<Path> framing(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    private static String save(Path out, Path file, String suffix) throws IOException {
        ObjectNode v = (ObjectNode) JSON.readTree(file.toFile());
        if (!v.path("delivered").isArray() || !v.has("frames")) {
            throw new IllegalArgumentException(file + ": a framing case without delivered or frames");
        }
        v.remove("frames");
        v.put("id", v.path("id").asText() + suffix);
        Path dir = out.resolve("v1").resolve(v.path("area").asText()).resolve(v.path("result").asText());
        Files.createDirectories(dir);
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(v.path("id").asText() + ".json").toFile(), v);
        return v.path("area").asText() + "/" + v.path("result").asText() + "/" + v.path("id").asText();
    }
}
