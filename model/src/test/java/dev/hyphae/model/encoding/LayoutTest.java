package dev.hyphae.model.encoding;

import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The field ids that the model writes and reads are those of {@code spec/schema/payload.fbs}. */
class LayoutTest {

    @Test
    @Requirement({"HY-ENC-001", "HY-ENC-088"})
    void fieldIdsAreTheSchemas() throws IOException {
        Path schema = Path.of(System.getProperty("hyphae.root", "..")).resolve("spec/schema/payload.fbs");
        Map<String, Integer> ids = new LinkedHashMap<>();
        String table = null;
        Matcher field = Pattern.compile("^\\s*(\\w+)\\s*:.*\\(id:\\s*(\\d+)\\)").matcher("");
        for (String line : Files.readAllLines(schema)) {
            if (line.startsWith("table ")) {
                table = line.split("\\s+")[1];
            } else if (field.reset(line).find()) {
                ids.put(table + "." + field.group(1), Integer.parseInt(field.group(2)));
            }
        }
        Map<String, Integer> model = new LinkedHashMap<>();
        model.put("Payload.replicas", Layout.PAYLOAD_REPLICAS);
        model.put("Payload.context", Layout.PAYLOAD_CONTEXT);
        model.put("Payload.root", Layout.PAYLOAD_ROOT);
        model.put("Context.version_vector", Layout.CONTEXT_VERSION_VECTOR);
        model.put("Context.cloud", Layout.CONTEXT_CLOUD);
        for (Layout.Column c : Layout.Column.values()) {
            model.put("Batch." + c.name().toLowerCase(), c.id());
        }
        model.put("Opaque.data", Layout.OPAQUE_DATA);
        model.put("Values.kinds", Layout.VALUES_KINDS);
        model.put("Values.ints", Layout.VALUES_INTS);
        model.put("Values.strings", Layout.VALUES_STRINGS);
        model.put("Values.bytes", Layout.VALUES_BYTES);
        model.put("Values.float_planes", Layout.VALUES_FLOAT_PLANES);
        assertEquals(ids, model);
        // The retired field keeps its slot: the schema still declares it, deprecated (HY-ENC-088).
        assertTrue(Files.readString(schema).contains("floats: [double] (id: " + Layout.VALUES_RETIRED_FLOATS + ", deprecated);"));
        assertEquals(Layout.PAYLOAD_FIELDS, count(ids, "Payload"));
        assertEquals(Layout.CONTEXT_FIELDS, count(ids, "Context"));
        assertEquals(Layout.BATCH_FIELDS, count(ids, "Batch"));
        assertEquals(Layout.VALUES_FIELDS, count(ids, "Values"));
        assertEquals(Layout.OPAQUE_FIELDS, count(ids, "Opaque"));
    }

    /** The vtable slots of {@code table}: its greatest field id plus one, retired fields included. */
    private static long count(Map<String, Integer> ids, String table) {
        return ids.entrySet().stream().filter(e -> e.getKey().startsWith(table + ".")).mapToInt(Map.Entry::getValue).max()
                .orElse(-1) + 1;
    }
}
