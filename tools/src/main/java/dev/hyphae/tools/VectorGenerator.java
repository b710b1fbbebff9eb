package dev.hyphae.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.hyphae.ProtocolException;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Generates the vector files of {@code test-vectors/v1}: every case is built here, in code, and written
 * deterministically (sorted keys, two-space indent, LF), so that regenerating reproduces every committed
 * file byte for byte. The format is the specification's chapter "Test vectors".
 *
 * <p>This class writes the files and the specification's partials; the cases of each area are built by their own
 * class: {@link PayloadVectors}, {@link InvalidPayloadVectors} and {@link CompactVectors} (area {@code payload}),
 * {@link OperationVectors} and {@link MutationVectors} ({@code operations}), {@link HandshakeVectors} ({@code handshake} and {@code framing}), and
 * {@link CompressionVectors} ({@code compression}), {@link SessionVectors} ({@code session}). Each invalid case is
 * checked, as it is generated, to be refused by the reference implementation with the code and in the phase it
 * states; a case that is not refused as described stops the generator.
 */
final class VectorGenerator implements VectorWriter {

    static final String FORMAT = "hyphae-vector/1";

    private static final HexFormat HEX = HexFormat.of();

    private final String specRevision;
    private final String generator;
    private final SortedMap<String, byte[]> files = new TreeMap<>();
    private final PayloadVectors payloads = new PayloadVectors(this);
    private final CompactVectors compact = new CompactVectors(this);

    /**
     * The valid payload vectors shown, annotated, in the specification: one of each type, the empty root store, a root
     * of a type that a decoder does not know, and one in session form.
     */
    static final List<String> SPEC_EXAMPLES = List.of("empty_gcounter", "gcounter_two_replicas", "pncounter_negative_value", "lwwregister_float",
            "mvregister_siblings", "ewflag_enabled", "awset_every_value_kind", "ormap_nested", "unknown_type_at_root", "session_form_keys_by_index");

    /** The valid payload vectors in the compact form shown, annotated, in the specification. */
    static final List<String> COMPACT_SPEC_EXAMPLES = List.of("compact_sensor_write");

    private VectorGenerator(String specRevision, String generator) {
        this.specRevision = specRevision;
        this.generator = generator;
    }

    /** Every vector file, by path relative to the vector root ({@code v1/...}), as its bytes. */
    static SortedMap<String, byte[]> generate(String specRevision, String generator) throws ProtocolException {
        return generator(specRevision, generator).files;
    }

    /**
     * The AsciiDoc partials that the specification includes: for each of {@link #SPEC_EXAMPLES}, a hex dump and
     * a table that names the field of every byte. By path relative to the partials root ({@code examples/...}).
     */
    static SortedMap<String, byte[]> partials(String specRevision, String generator) throws ProtocolException {
        VectorGenerator g = generator(specRevision, generator);
        SortedMap<String, byte[]> partials = new TreeMap<>();
        for (String id : SPEC_EXAMPLES) {
            byte[] payload = g.payloads.payloads().get(id);
            partials.put("examples/" + id + ".adoc", partial(id, g.payloads.descriptions().get(id), payload,
                    LayoutAnnotator.annotate(payload)));
        }
        for (String id : COMPACT_SPEC_EXAMPLES) {
            byte[] payload = g.compact.payloads().get(id);
            partials.put("examples/" + id + ".adoc", partial(id, g.compact.descriptions().get(id), payload,
                    CompactAnnotator.annotate(payload)));
        }
        return partials;
    }

    private static VectorGenerator generator(String specRevision, String generator) throws ProtocolException {
        VectorGenerator g = new VectorGenerator(specRevision, generator);
        g.payloads.write();
        g.compact.write();
        new OperationVectors(g).write();
        new MutationVectors(g).write();
        new InvalidPayloadVectors(g).write();
        new CompressionVectors(g).write();
        new SessionVectors(g).write();
        new CornerVectors(g).write();
        try {
            HandshakeVectors.generate(g);
        } catch (ProtocolException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("generating the handshake vectors", e);
        }
        return g;
    }

    private static byte[] partial(String id, String description, byte[] payload, List<LayoutAnnotator.Region> regions) {
        StringBuilder out = new StringBuilder();
        out.append("// Generated by tools/hyphae vectors generate from the vector ").append(id).append(": do not edit.\n");
        out.append("[[example-").append(id.replace('_', '-')).append("]]\n");
        out.append('.').append(description.replaceAll("\\.$", "")).append(" (vector `").append(id).append("`, ")
                .append(payload.length).append(" bytes)\n");
        out.append("....\n");
        for (int line = 0; line < payload.length; line += 16) {
            out.append(String.format("%04x ", line));
            for (int i = line; i < Math.min(line + 16, payload.length); i++) {
                out.append(i == line + 8 ? "  " : " ").append(String.format("%02x", payload[i] & 0xff));
            }
            out.append('\n');
        }
        out.append("....\n\n");
        out.append("[cols=\"2,5,9\",options=\"header\"]\n|===\n|Offset |Bytes |Field\n\n");
        for (LayoutAnnotator.Region r : regions) {
            out.append(String.format("|`0x%04x` |`%s` |%s%n", r.start(),
                    HEX.formatHex(payload, r.start(), r.end()).replaceAll("(..)(?!$)", "$1 "),
                    r.label().replace("|", "\\|")));
        }
        out.append("|===\n");
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    // ---- writing ------------------------------------------------------------------------------------

    @Override
    public Map<String, Object> header(String area, String id, String result, String description, List<String> requirements) {
        if (requirements.isEmpty()) {
            throw new IllegalStateException(id + " cites no requirement");
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("format", FORMAT);
        v.put("spec", specRevision);
        v.put("generator", generator);
        v.put("id", id);
        v.put("area", area);
        v.put("result", result);
        v.put("description", description);
        v.put("requirements", requirements);
        return v;
    }

    @Override
    public void write(String area, String result, String id, Map<String, Object> vector) {
        String path = "v1/" + area + "/" + result + "/" + id + ".json";
        if (files.containsKey(path)) {
            throw new IllegalStateException("two cases named " + id);
        }
        files.put(path, json(vector));
    }

    static byte[] json(Object tree) {
        ObjectMapper mapper = new ObjectMapper()
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .enable(SerializationFeature.INDENT_OUTPUT);
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        try {
            return (mapper.writer(printer).writeValueAsString(tree) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
