package dev.hyphae.conformance;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The suite's oracle is not the code it judges: the suite's code uses nothing of the reference implementation's
 * data model, sync or store. Its answers on states, joins, mutations, queries and payloads come from the
 * executable model ({@code dev.hyphae.model}), and so do its expected outcomes of a negotiation; the one reference
 * class left, {@code dev.hyphae.data.ReplicaId}, is the type that the reference's session codec, with which the peer
 * checks speak, takes in an Open.
 */
class OracleIndependenceTest {

    private static final Pattern REFERENCE = Pattern.compile("dev\\.hyphae\\.(crdt|codec|sync|store|data)\\.(\\w+)");

    @Test
    void theSuiteUsesNothingOfTheReferenceDataModel() throws IOException {
        Path main = Path.of(System.getProperty("hyphae.root", "..")).resolve("conformance-tests/src/main/java");
        List<String> uses = new ArrayList<>();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group().equals("dev.hyphae.data.ReplicaId")) {
                        uses.add(main.relativize(file) + ": " + m.group());
                    }
                }
            }
        }
        assertEquals(List.of(), uses);
    }

    /**
     * The expected outcome of a negotiation is the model's ({@code dev.hyphae.model.handshake}): the suite may build
     * the reference's {@code Negotiation.Offer} to play a side of the handshake, but never asks the reference's
     * {@code Negotiation} to select or to check.
     */
    @Test
    void theSuiteDoesNotAskTheReferenceToNegotiate() throws IOException {
        Path main = Path.of(System.getProperty("hyphae.root", "..")).resolve("conformance-tests/src/main/java");
        Pattern negotiates = Pattern.compile("\\bNegotiation\\.(select|check)\\(");
        Pattern qualified = Pattern.compile("dev\\.hyphae\\.handshake\\.Negotiation\\.(select|check)\\(");
        List<String> uses = new ArrayList<>();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String text = Files.readString(file);
                boolean reference = text.contains("import dev.hyphae.handshake.Negotiation;");
                if (reference && negotiates.matcher(text).find() || qualified.matcher(text).find()) {
                    uses.add(main.relativize(file).toString());
                }
            }
        }
        assertEquals(List.of(), uses);
    }
}
