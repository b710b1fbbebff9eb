package dev.hyphae.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handshake and framing vectors are written as the chapter "Test vectors" tabulates a side (HY-VEC-035): every
 * critical capability is also among the offered ones, and every message is the Noise message alone, so message 1
 * starts with the initiator's ephemeral public key (or, in the case that replaces it, the all-zero point), not
 * with the 2-byte length that carries it on the stream.
 */
class HandshakeVectorMembersTest {

    private static final Path V1 = Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath().resolve("test-vectors/v1");
    private static final HexFormat HEX = HexFormat.of();

    @Test
    @Requirement("HY-VEC-035")
    void criticalCapabilitiesAreOfferedAndMessagesCarryNoLengthPrefix() throws Exception {
        List<Path> files = new ArrayList<>();
        for (String area : List.of("handshake", "framing")) {
            try (Stream<Path> walk = Files.walk(V1.resolve(area))) {
                walk.filter(p -> p.toString().endsWith(".json")).forEach(files::add);
            }
        }
        assertTrue(files.size() > 20, "found " + files.size() + " files");
        ObjectMapper json = new ObjectMapper();
        for (Path file : files) {
            JsonNode v = json.readTree(file.toFile());
            Set<String> offered = new TreeSet<>();
            v.path("initiator").path("offer").path("capabilities").forEach(c -> offered.add(c.asText()));
            v.path("initiator").path("offer").path("critical").forEach(c -> assertTrue(offered.contains(c.asText()),
                    file + ": critical capability " + c.asText() + " is not in offer.capabilities"));
            String first = v.path("messages").path(0).asText();
            String ephemeral = HEX.formatHex(KeyPair.fromPrivateKey(HEX.parseHex(v.path("initiator").path("ephemeralPrivateKey").asText()))
                    .publicKey());
            String start = first.substring(0, 2 * KeyPair.LENGTH);
            assertTrue(start.equals(ephemeral) || start.equals("00".repeat(KeyPair.LENGTH)),
                    file + ": message 1 does not start with the initiator's ephemeral public key");
            assertEquals(0, first.length() % 2, file.toString());
        }
    }
}
