package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.conformance.Advisory;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Response;
import dev.hyphae.conformance.Suite;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.Unsupported;
import dev.hyphae.conformance.model.Model;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every vector of {@code test-vectors/v1}, run against the adapter as the chapter "Test vectors" says (section
 * "Passing a vector"). Each vector is one check, which cites the requirement ids of its file; its profile
 * follows its area: {@code payload}, {@code compression} and {@code session} are Codec, {@code operations} is Replica
 * semantics, {@code handshake} and {@code framing} are Handshake.
 */
@Checks(Profile.CODEC)
class VectorChecks {

    /** The ranks of the phases of the chapter "Test vectors", earliest first. */
    private static final List<String> PHASES = List.of("frame", "verify", "decode", "apply");

    static List<Path> vectorFiles() throws IOException {
        Path v1 = Suite.current().settings().vectorRoot().resolve("v1");
        if (!Files.isDirectory(v1)) {
            throw new IOException("no vectors at " + v1 + ": give the vector root with --vectors");
        }
        try (Stream<Path> walk = Files.walk(v1)) {
            return walk.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyVector() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : vectorFiles()) {
            JsonNode vector = Model.JSON.readTree(file.toFile());
            if (!Suite.current().settings().selects(profileOf(vector.path("area").asText()))) {
                continue;
            }
            String name = vector.path("area").asText() + "/" + vector.path("result").asText() + "/" + vector.path("id").asText();
            // The file is the test's source: the reports read its id, area and requirements from it.
            tests.add(DynamicTest.dynamicTest(name, file.toUri(), () -> VectorRunner.run(vector)));
        }
        return tests.stream();
    }

    /** The profile of a vector's area (chapter "Conformance", section "Profiles"). */
    static Profile profileOf(String area) {
        return switch (area) {
            case "payload", "compression" -> Profile.CODEC;
            case "operations" -> Profile.REPLICA_SEMANTICS;
            default -> Profile.HANDSHAKE;
        };
    }

    /**
     * HY-VEC-015 asks for a refusal no later than the vector's phase. An adapter may say in which phase it
     * refused (the error's {@code phase}); one that never says leaves this unsupported.
     */
    @Test
    @Advisory
    @Requirement("HY-VEC-015")
    void refusalsComeNoLaterThanTheirPhase() throws IOException {
        Sut.requireProfile(Profile.CODEC);
        List<String> late = new ArrayList<>();
        int told = 0;
        for (Path file : vectorFiles()) {
            JsonNode vector = Model.JSON.readTree(file.toFile());
            if (!vector.path("area").asText().equals("payload") || !vector.path("result").asText().equals("invalid")) {
                continue;
            }
            Response r = Sut.supported(VectorRunner.decodeInput(vector), "decode");
            if (!r.isError() || !r.result().path("error").has("phase")) {
                continue;
            }
            told++;
            String phase = r.result().path("error").path("phase").asText();
            if (PHASES.indexOf(phase) > PHASES.indexOf(vector.path("phase").asText())) {
                late.add(vector.path("id").asText() + " (refused in " + phase + ", not " + vector.path("phase").asText() + ")");
            }
        }
        if (told == 0) {
            throw new Unsupported("the adapter names no phase in its refusals");
        }
        if (!late.isEmpty()) {
            throw new AssertionError("refused later than the vector's phase: " + String.join(", ", late));
        }
    }
}
