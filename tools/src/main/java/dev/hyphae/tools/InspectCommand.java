package dev.hyphae.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Codec;
import dev.hyphae.codec.ExternalTables;
import dev.hyphae.codec.JsonView;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code hyphae inspect}: what a payload, a session message or a stream of frames holds, for an implementer who has
 * bytes that the reference refuses or reads differently from theirs. It decodes with the reference implementation's
 * verifying decoders, prints the JSON view of the specification's chapter "Conformance" and the meaning of every byte
 * (the annotators that render the specification's examples), and on a refusal the error code, its name, the phase and
 * the detail, with the requirement ids that the detail names.
 *
 * <p>Given a vector file, it inspects each input of the case and says whether each refusal is the one the case
 * expects. Frames are encrypted: it shows their structure. Handshake messages are shown part by part, and in a vector
 * file, whose cases give every private key, what each message holds.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Decode a payload, a session message or a stream of frames, given as hex or as a file, and show it: "
                + "its JSON view and the meaning of each byte. On a refusal: the error code and name, the phase, the detail "
                + "and the requirement ids it names.",
                "Given a vector file (.json), inspect every input of the case.",
                "Exit status: 0 when everything decodes (or, for a vector, is refused as the case expects), 1 otherwise, "
                        + "2 on a usage error."})
final class InspectCommand implements Callable<Integer> {

    /** What the bytes are. */
    enum Form { auto, payload, compact, session, frames, handshake }

    private static final HexFormat HEX = HexFormat.of();
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern REQUIREMENT = Pattern.compile("HY-[A-Z]+-[0-9]{3}");

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "INPUT", description = "The bytes in hexadecimal, or the path of a file: raw bytes, or a vector "
            + "file (.json).")
    String input;

    @Option(names = "--form", paramLabel = "FORM", description = "What the bytes are: ${COMPLETION-CANDIDATES}. auto (the "
            + "default) reads the file identifier: HYP1 is a payload in the columnar form, HYS1 a session message. handshake: "
            + "a first handshake message, whose offer travels in clear (the others are encrypted: inspect a vector file).")
    Form form = Form.auto;

    @Option(names = "--replicas", split = ",", paramLabel = "ID", description = "A session replica table, index 0 first, each "
            + "id as 32 hex digits: a columnar payload is read against it in session form; a compact payload needs it.")
    List<String> replicas;

    @Option(names = "--keys", paramLabel = "JSON", description = "A session key table, as a JSON array of keys in the vectors' "
            + "notation, such as '[{\"kind\":\"string\",\"value\":\"sensor-0\"}]'; with --replicas.")
    String keys;

    private PrintWriter out;

    @Override
    public Integer call() throws IOException {
        out = spec.commandLine().getOut();
        Path file = Path.of(input);
        if (input.endsWith(".json") && Files.isRegularFile(file)) {
            return vector(JSON.readTree(file.toFile())) ? 0 : 1;
        }
        byte[] bytes = Files.isRegularFile(file) ? Files.readAllBytes(file) : hex(input);
        ExternalTables tables = tables(replicas, keys == null ? null : JSON.readTree(keys));
        return inspect(bytes, form, tables) == null ? 0 : 1;
    }

    private byte[] hex(String text) {
        String digits = text.replaceAll("\\s", "");
        if (digits.startsWith("0x")) {
            digits = digits.substring(2);
        }
        try {
            return HEX.parseHex(digits);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "INPUT is neither a file nor hexadecimal: " + e.getMessage());
        }
    }

    private static ExternalTables tables(List<String> replicas, JsonNode keys) {
        if (replicas == null) {
            return null;
        }
        List<Value> keyTable = new ArrayList<>();
        if (keys != null) {
            keys.forEach(k -> keyTable.add(ViewReader.value(k)));
        }
        return new ExternalTables(replicas.stream().map(ReplicaId::fromHex).toList(), keyTable);
    }

    /** Inspects one input; null when it decodes, else its refusal. */
    private ProtocolException inspect(byte[] bytes, Form form, ExternalTables tables) {
        Form f = form == Form.auto ? detect(bytes) : form;
        try {
            switch (f) {
                case payload -> payload(bytes, tables);
                case compact -> compact(bytes, tables);
                case session -> session(bytes);
                case frames -> frames(bytes);
                case handshake -> new HandshakeInspection(out).firstMessage(bytes);
                default -> throw new IllegalStateException();
            }
            return null;
        } catch (ProtocolException refused) {
            refusal(refused);
            return refused;
        }
    }

    /** By the file identifier of a FlatBuffers buffer; anything else is taken for a stream of frames. */
    private static Form detect(byte[] bytes) {
        String identifier = bytes.length >= 8 ? new String(bytes, 4, 4, StandardCharsets.ISO_8859_1) : "";
        return switch (identifier) {
            case Codec.FILE_IDENTIFIER -> Form.payload;
            case SessionCodec.FILE_IDENTIFIER -> Form.session;
            default -> Form.frames;
        };
    }

    private void payload(byte[] bytes, ExternalTables tables) throws ProtocolException {
        out.printf("payload, columnar%s: %d bytes%n", tables == null ? "" : ", read in session form against the tables given",
                bytes.length);
        CausalState<Crdt> state = (tables == null ? Codec.decode(bytes) : Codec.decode(bytes, tables)).state();
        view(state);
        out.println("layout:");
        layout(LayoutAnnotator.annotate(bytes));
    }

    private void compact(byte[] bytes, ExternalTables tables) throws ProtocolException {
        out.printf("payload, compact: %d bytes%n", bytes.length);
        CausalState<Crdt> state = Codec.decodeCompact(bytes, tables == null ? List.of() : tables.replicas());
        view(state);
        out.println("layout:");
        layout(CompactAnnotator.annotate(bytes));
    }

    private void session(byte[] bytes) throws ProtocolException {
        SessionMessage message = SessionCodec.decode(bytes);
        List<SessionLayoutAnnotator.Region> regions = SessionLayoutAnnotator.annotate(bytes);
        int framing = SessionLayoutAnnotator.framingBytes(regions);
        out.printf("session message %s: %d bytes, %d of FlatBuffers framing (F), %d of data (D)%n",
                message.getClass().getSimpleName(), bytes.length, framing, bytes.length - framing);
        out.println("layout:");
        sessionLayout(regions);
        if (message instanceof SessionMessage.Delta delta && delta.compression() == 0) {
            out.println("its payload:");
            if (delta.compact()) {
                out.println("  in the compact form, read against the session replica table: inspect it with --form compact "
                        + "--replicas");
            } else {
                try {
                    payload(delta.payload(), null);
                } catch (ProtocolException refused) {
                    out.println("  not self-contained, or refused on its own: " + refused.getMessage()
                            + "; a payload in session form is read with --replicas (and --keys)");
                }
            }
        }
    }

    /** Frames are encrypted: their lengths, and where each ciphertext and tag lie. */
    private void frames(byte[] bytes) throws ProtocolException {
        out.printf("a stream of frames (chapter \"Framing\"): %d bytes; each ciphertext is encrypted, so only its extent "
                + "is shown%n", bytes.length);
        int at = 0;
        int n = 0;
        while (at < bytes.length) {
            if (bytes.length - at < 2) {
                throw ProtocolException.sessionError(dev.hyphae.ErrorCode.BAD_FRAME, "the stream ends inside a frame's Length");
            }
            int length = ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff);
            out.printf("  %04x..%04x %5d  frame %d: Length %d%n", at, at + 1, 2, ++n, length);
            if (length < 17 || bytes.length - at - 2 < length) {
                throw ProtocolException.sessionError(dev.hyphae.ErrorCode.BAD_FRAME, length < 17
                        ? "frame %d's Length %d is less than a tag and a flags byte" : "the stream ends inside frame %d (Length %d)",
                        n, length);
            }
            out.printf("  %04x..%04x %5d  frame %d: ciphertext of the flags and the fragment%n", at + 2, at + 2 + length - 17,
                    length - 16, n);
            out.printf("  %04x..%04x %5d  frame %d: authentication tag%n", at + 2 + length - 16, at + 1 + length, 16, n);
            at += 2 + length;
        }
    }

    /** The byte ranges of a payload, each with what it holds. */
    private void layout(List<LayoutAnnotator.Region> regions) {
        for (LayoutAnnotator.Region r : regions) {
            out.printf("  %04x..%04x %5d  %s%n", r.start(), r.end() - 1, r.end() - r.start(), r.label());
        }
    }

    /** The byte ranges of a session message, each marked as FlatBuffers framing (F) or data (D). */
    private void sessionLayout(List<SessionLayoutAnnotator.Region> regions) {
        for (SessionLayoutAnnotator.Region r : regions) {
            out.printf("  %04x..%04x %5d %s  %s%n", r.start(), r.end() - 1, r.length(), r.framing() ? "F" : "D", r.label());
        }
    }

    private void view(CausalState<Crdt> state) {
        out.println("view:");
        out.println(JSON.valueToTree(JsonView.of(state)).toPrettyString());
    }

    private void refusal(ProtocolException refused) {
        out.printf("refused: %s (%d)%s: %s%n", refused.code().name(), refused.code().value(),
                refused.phase().map(p -> " in the phase " + p.label()).orElse(""), refused.getMessage());
        Set<String> ids = new LinkedHashSet<>();
        Matcher m = REQUIREMENT.matcher(String.valueOf(refused.getMessage()));
        while (m.find()) {
            ids.add(m.group());
        }
        if (!ids.isEmpty()) {
            out.println("requirements named: " + String.join(", ", ids));
        }
    }

    // ---- vector files ---------------------------------------------------------------------------------------------

    /** Inspects each input of a vector; true when each decodes, or is refused with the code the case expects. */
    private boolean vector(JsonNode v) {
        String area = v.path("area").asText();
        out.printf("vector %s (%s, %s): %s%n", v.path("id").asText(), area, v.path("result").asText(), v.path("description").asText());
        out.println("requirements cited: " + String.join(", ", texts(v.path("requirements"))));
        int expected = v.path("error").path("code").asInt(-1);
        boolean ok = true;
        switch (area) {
            case "payload" -> {
                Form f = v.path("form").asText("columnar").equals("compact") ? Form.compact : Form.payload;
                ExternalTables tables = v.has("replicas") ? tables(texts(v.path("replicas")), v.path("keys")) : null;
                ok = judged(inspect(HEX.parseHex(v.path("input").asText()), f, tables), expected, true);
            }
            case "operations" -> {
                for (JsonNode input : v.path("inputs")) {
                    ok &= judged(inspect(HEX.parseHex(input.asText()), Form.payload, null), -1, false);
                }
            }
            case "session" -> ok = sessionCase(v, expected);
            case "compression" -> {
                out.println("the payloads that the deltas inflate to:");
                for (JsonNode payload : v.path("expected")) {
                    ok &= judged(inspect(HEX.parseHex(payload.asText()), Form.payload, null), -1, false);
                }
            }
            case "framing" -> {
                // Encrypted: the structure is shown, and the case is decided by 'hyphae vectors verify' with its keys.
                new HandshakeInspection(out).handshakeCase(v);
                out.println("the stream:");
                inspect(HEX.parseHex(v.path("stream").asText()), Form.frames, null);
            }
            case "handshake" -> new HandshakeInspection(out).handshakeCase(v);
            default -> {
                out.println("an area that this version does not know");
                ok = false;
            }
        }
        return ok;
    }

    /**
     * A session case: each message's layout, then what a session takes from them in order, against the tables that
     * their declarations build ({@link DeltaReceiver}).
     */
    private boolean sessionCase(JsonNode v, int expected) {
        List<byte[]> messages = new ArrayList<>();
        v.path("messages").forEach(m -> messages.add(HEX.parseHex(m.asText())));
        for (int i = 0; i < messages.size(); i++) {
            out.printf("%nmessage %d of %d: ", i + 1, messages.size());
            try {
                SessionMessage message = SessionCodec.decode(messages.get(i));
                List<SessionLayoutAnnotator.Region> regions = SessionLayoutAnnotator.annotate(messages.get(i));
                out.printf("%s, %d bytes%n", message.getClass().getSimpleName(), messages.get(i).length);
                sessionLayout(regions);
            } catch (ProtocolException refused) {
                out.printf("%d bytes%n", messages.get(i).length);
                refusal(refused);
            }
        }
        out.printf("%nas a session receives them, after a first Open naming %s:%n", v.path("opener").asText());
        DeltaReceiver.Outcome outcome = DeltaReceiver.receive(ReplicaId.fromHex(v.path("opener").asText()), messages);
        for (int i = 0; i < outcome.taken().size(); i++) {
            DeltaReceiver.Taken taken = outcome.taken().get(i);
            out.printf("message %d taken; its payload ", i + 1);
            if (taken.refused() == null) {
                out.print("decodes to the ");
                view(taken.state());
            } else {
                out.print("is ");
                refusal(taken.refused());
            }
        }
        if (outcome.ended() == null) {
            out.println("the session goes on");
            return judged(null, expected, true);
        }
        out.printf("message %d ends the session: ", outcome.taken().size() + 1);
        refusal(outcome.ended());
        return judged(outcome.ended(), expected, true);
    }

    /**
     * Whether an input's outcome is the one its case expects: decoded when the case expects no refusal of it; refused
     * with {@code expected} when it does ({@code mayBeRefused}: this input is the one the case's error is about).
     */
    private boolean judged(ProtocolException refused, int expected, boolean mayBeRefused) {
        if (refused == null) {
            if (mayBeRefused && expected != -1) {
                out.println("the case expects a refusal with code " + expected + ": this is NOT what the case says");
                return false;
            }
            return true;
        }
        if (mayBeRefused && refused.code().value() == expected) {
            out.println("as the case expects");
            return true;
        }
        out.println("the case expects " + (expected == -1 || !mayBeRefused ? "no refusal" : "code " + expected)
                + ": this is NOT what the case says");
        return false;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(t -> texts.add(t.asText()));
        return texts;
    }
}
