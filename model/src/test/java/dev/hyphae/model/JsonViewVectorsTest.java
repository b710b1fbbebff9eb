package dev.hyphae.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The model reads the {@code expected} view of every valid payload and join vector and renders it back member for
 * member, query members included: the view both ways, and the queries, agree with the vectors. (A query vector's
 * {@code expected} is the value of a query, which {@code PayloadVectorsTest} checks.)
 */
class JsonViewVectorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    @Requirement({"HY-VEC-019", "HY-VEC-020", "HY-VEC-021", "HY-VEC-022", "HY-DATA-026", "HY-DATA-032", "HY-DATA-033", "HY-DATA-034"})
    Stream<DynamicTest> everyExpectedViewReadsBackToItself() throws IOException {
        Path root = Path.of(System.getProperty("hyphae.root", "..")).resolve("test-vectors/v1");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".json")).filter(p -> p.toString().contains("/valid/")
                    || p.toString().contains("/operations/")).sorted().toList();
        }
        return files.stream().map(file -> DynamicTest.dynamicTest(root.relativize(file).toString(), () -> {
            JsonNode vector = JSON.readTree(file.toFile());
            // A query case expects the query's value, not a view (HY-VEC-050).
            if (!vector.has("expected") || !vector.path("area").asText().matches("payload|operations")
                    || vector.path("operation").asText().equals("query")) {
                return;
            }
            JsonNode expected = vector.get("expected");
            if (vector.path("operation").asText().equals("mutate")) {
                // A mutation case expects two views, of the delta and of the state after it (HY-VEC-052, HY-VEC-053).
                for (String member : List.of("delta", "state")) {
                    assertEquals(expected.get(member), JsonView.of(JsonView.read(expected.get(member))));
                }
                return;
            }
            assertEquals(expected, JsonView.of(JsonView.read(expected)));
        }));
    }
}
