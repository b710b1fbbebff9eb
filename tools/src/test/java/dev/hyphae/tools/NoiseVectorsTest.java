package dev.hyphae.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The published Noise vectors in test-vectors/third-party/noise pass, every suite of them. */
class NoiseVectorsTest {

    private static final Path ROOT = Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath();

    @ParameterizedTest
    @ValueSource(strings = {"cacophony-xx-nn.json", "snow-xx-nn.json"})
    void everyPublishedVectorPasses(String file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(ROOT.resolve("test-vectors/third-party/noise").resolve(file).toFile());
        List<NoiseVectorRunner.Outcome> outcomes = NoiseVectorRunner.run(root);
        assertEquals(6, outcomes.size());
        for (NoiseVectorRunner.Outcome o : outcomes) {
            assertEquals(NoiseVectorRunner.Status.PASS, o.status(), o.protocol() + ": " + o.detail());
        }
        assertTrue(outcomes.stream().anyMatch(o -> o.protocol().equals("Noise_XX_25519_ChaChaPoly_SHA256")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cacophony-xx-nn.json"})
    void aCorruptedCiphertextIsReportedAsAFailure(String file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(ROOT.resolve("test-vectors/third-party/noise").resolve(file).toFile());
        com.fasterxml.jackson.databind.node.ObjectNode message =
                (com.fasterxml.jackson.databind.node.ObjectNode) root.path("vectors").get(5).path("messages").get(1);
        String ciphertext = message.get("ciphertext").asText();
        message.put("ciphertext", ciphertext.substring(0, ciphertext.length() - 2) + (ciphertext.endsWith("00") ? "01" : "00"));

        NoiseVectorRunner.Outcome outcome = NoiseVectorRunner.run(root).get(5);

        assertEquals(NoiseVectorRunner.Status.FAIL, outcome.status(), outcome.detail());
    }
}
