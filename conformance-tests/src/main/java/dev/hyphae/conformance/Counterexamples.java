package dev.hyphae.conformance;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * What a failing check says: the input that made it fail, as hex and as JSON, and, when the run saves
 * counterexamples, a vector file (format {@code hyphae-vector/1}) holding that input with the model's answer,
 * ready to join {@code test-vectors/}. A property that fails is shrunk by jqwik, and each smaller failing
 * input overwrites the file, so the file left is the smallest input found.
 */
public final class Counterexamples {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private static final Properties SUITE = load();

    private Counterexamples() {
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Counterexamples.class.getResourceAsStream("suite.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** The suite's version, the specification revision and the protocol version it checks. */
    public static Properties suite() {
        return SUITE;
    }

    /**
     * A vector of the failing input: {@code area} and {@code result} as the chapter "Test vectors" defines,
     * the check's name as its id, and its requirement ids. The caller adds the members of its area.
     */
    public static ObjectNode vector(String area, String result, String check, String description, List<String> requirements) {
        ObjectNode v = JSON.createObjectNode();
        v.put("format", "hyphae-vector/1");
        v.put("spec", SUITE.getProperty("spec.revision", "?"));
        v.put("generator", "hyphae conformance suite " + SUITE.getProperty("suite.version", "?"));
        v.put("id", "counterexample_" + check.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT));
        v.put("area", area);
        v.put("result", result);
        v.put("description", description);
        ArrayNode ids = v.putArray("requirements");
        requirements.forEach(ids::add);
        return v;
    }

    /**
     * The failure of a check on {@code vector}'s input: the message, then the vector, whose members hold the
     * input as hex and the model's expectation as JSON. Saves the vector when the run saves counterexamples.
     */
    public static AssertionError failure(String message, ObjectNode vector) {
        String text = pretty(vector);
        Path dir = Suite.current().settings().counterexamples();
        String saved = "";
        if (dir != null) {
            Path file = dir.resolve("v1").resolve(vector.path("area").asText()).resolve(vector.path("result").asText())
                    .resolve(vector.path("id").asText() + ".json");
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
                saved = "\nsaved as " + file;
            } catch (IOException e) {
                saved = "\ncould not save it to " + file + ": " + e.getMessage();
            }
        }
        List<String> broken = new java.util.ArrayList<>();
        vector.path("requirements").forEach(r -> broken.add(r.asText()));
        return new Failure(message + "\ncounterexample (hex inputs, JSON views):\n" + text + saved, broken);
    }

    /**
     * The failure of a check on a counterexample, naming the requirements that the counterexample breaks: those its
     * vector cites, which the report adds to the check's own (a property checks a law, the counterexample shows
     * which rule of it an implementation broke).
     */
    public static final class Failure extends AssertionError {
        private static final long serialVersionUID = 1L;
        private final List<String> broken;

        /** A failure whose message names what broke, and the requirements it breaks beside those the check cites. */
        public Failure(String message, List<String> broken) {
            super(message);
            this.broken = List.copyOf(broken);
        }

        /** The ids of the requirements that the counterexample breaks. */
        public List<String> broken() {
            return broken;
        }
    }

    /** {@code node} as indented JSON. */
    public static String pretty(JsonNode node) {
        try {
            return JSON.writer(new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")))
                    .writeValueAsString(JSON.treeToValue(node, Object.class));
        } catch (IOException e) {
            return node.toString();
        }
    }
}
