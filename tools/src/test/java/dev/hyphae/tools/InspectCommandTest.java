package dev.hyphae.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code hyphae inspect} reads every committed vector as its case says, and shows a payload, a refusal and a session
 * message given as hex.
 */
class InspectCommandTest {

    private static final Path VECTORS = Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath().resolve("test-vectors");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Status, standard output. */
    private record Run(int status, String out) {
    }

    private static Run inspect(String... args) {
        CommandLine commandLine = Hyphae.commandLine();
        StringWriter out = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(new StringWriter()));
        String[] all = new String[args.length + 1];
        all[0] = "inspect";
        System.arraycopy(args, 0, all, 1, args.length);
        int status = commandLine.execute(all);
        return new Run(status, out.toString());
    }

    @Test
    void everyVectorIsReadAsItsCaseSays() throws IOException {
        List<String> wrong = new ArrayList<>();
        int files = 0;
        try (Stream<Path> walk = Files.walk(VECTORS.resolve("v1"))) {
            for (Path file : walk.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                files++;
                Run run = inspect(file.toString());
                JsonNode v = JSON.readTree(file.toFile());
                if (run.status() != 0) {
                    wrong.add(file.getFileName() + ": status " + run.status() + "\n" + run.out());
                } else if (v.path("area").asText().equals("payload") && v.path("result").asText().equals("invalid")
                        && !run.out().contains("refused: " + v.path("error").path("name").asText())) {
                    wrong.add(file.getFileName() + ": does not show the refusal\n" + run.out());
                } else if (v.path("area").asText().equals("payload") && v.path("result").asText().equals("valid")
                        && !(run.out().contains("view:") && run.out().contains("layout:"))) {
                    wrong.add(file.getFileName() + ": shows no view or no layout\n" + run.out());
                }
            }
        }
        assertTrue(files > 200, files + " vector files");
        assertEquals(List.of(), wrong);
    }

    @Test
    void aPayloadGivenAsHexShowsItsViewAndEveryByte() throws IOException {
        JsonNode v = JSON.readTree(VECTORS.resolve("v1/payload/valid/empty_awset.json").toFile());
        Run run = inspect(v.path("input").asText());
        assertEquals(0, run.status(), run.out());
        assertTrue(run.out().contains("\"type\" : \"AWSet\""), run.out());
        assertTrue(run.out().contains("file identifier \"HYP1\""), run.out());
    }

    @Test
    void aRefusalNamesItsCodeAndPhaseAndExitsWithOne() throws IOException {
        JsonNode v = JSON.readTree(VECTORS.resolve("v1/payload/invalid/truncated_in_the_middle.json").toFile());
        Run run = inspect(v.path("input").asText());
        assertEquals(1, run.status(), run.out());
        assertTrue(run.out().contains("refused: " + v.path("error").path("name").asText() + " (" + v.path("error").path("code").asInt()
                + ") in the phase " + v.path("phase").asText()), run.out());
    }

    @Test
    void aSessionMessageShowsItsFieldsAndItsPayload() throws IOException {
        JsonNode v = JSON.readTree(VECTORS.resolve("v1/session/valid/session_self_contained_payload_beside_declarations.json").toFile());
        Run run = inspect(v.path("messages").get(0).asText());
        assertEquals(0, run.status(), run.out());
        assertTrue(run.out().startsWith("session message Delta"), run.out());
        assertTrue(run.out().contains("Delta.keys"), run.out());
        assertTrue(run.out().contains("view:"), run.out());
    }

    @Test
    void aHandshakeVectorShowsTheHandshakeHashThatTheCaseExpects() throws IOException {
        Path file = VECTORS.resolve("v1/handshake/valid/handshake_negotiates_version_and_capabilities.json");
        JsonNode v = JSON.readTree(file.toFile());
        Run run = inspect(file.toString());
        assertEquals(0, run.status(), run.out());
        String expected = v.path("expected").path("handshakeHash").asText();
        assertEquals(64, expected.length(), v.path("expected").toString());
        assertTrue(run.out().lines().anyMatch(line -> line.equals("handshake hash of these messages: " + expected)), run.out());
    }

    @Test
    void aFirstHandshakeMessageGivenAsHexShowsTheOfferItCarries() throws IOException {
        JsonNode v = JSON.readTree(VECTORS.resolve("v1/handshake/valid/handshake_negotiates_version_and_capabilities.json").toFile());
        Run run = inspect("--form", "handshake", v.path("messages").get(0).asText());
        assertEquals(0, run.status(), run.out());
        assertTrue(run.out().startsWith("message 1: "), run.out());
        String marker = "its payload:";
        int at = run.out().indexOf(marker);
        assertTrue(at >= 0, run.out());
        JsonNode offer = JSON.readTree(run.out().substring(at + marker.length())).path("offer");
        assertEquals(v.path("initiator").path("offer").path("versions"), offer.path("versions"), run.out());
    }

    @Test
    void inputThatIsNeitherAFileNorHexIsAUsageError() {
        assertEquals(2, inspect("not-hex-and-no-such-file").status());
    }
}
