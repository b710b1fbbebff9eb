package dev.hyphae.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hyphae.conformance.model.ForgedResponder;
import dev.hyphae.conformance.model.HandshakeSide;
import dev.hyphae.conformance.model.OtherLayout;
import dev.hyphae.conformance.model.Transcript;
import dev.hyphae.handshake.ProtocolVersion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The cases of {@code test-vectors/v1} that are bound to their transcript (every {@code framing} case, and every
 * {@code handshake} case whose message 2 is forged), recorded again as a producer that lays out its handshake
 * payloads otherwise than the reference ({@link OtherLayout}) would record them: the same keys, the same forgeries
 * and frames, other bytes in {@code messages} and {@code stream}. Against the reference implementation, these are
 * what the original cases are against an implementation of another layout. Each is written twice: as it is, with an
 * extra member that the chapter "Test vectors" does not define, and, with the id suffix {@code _as_recorded},
 * without {@code delivered} and {@code frames}, so that a runner must play it as recorded.
 */
final class TranscriptBoundCases {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    /** The suffix of the id of a case written without its members for playing live. */
    static final String AS_RECORDED = "_as_recorded";

    private TranscriptBoundCases() {
    }

    /** Writes the cases under {@code out}/v1 and returns their ids, the ones to be played as recorded included. */
    static List<String> write(Path vectors, Path out) throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(vectors.resolve("v1"))) {
            files = walk.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        for (Path file : files) {
            ObjectNode v = (ObjectNode) JSON.readTree(file.toFile());
            boolean framing = v.path("area").asText().equals("framing");
            boolean forgedReply = v.path("area").asText().equals("handshake") && v.path("delivered").path(1).isObject();
            if (!framing && !forgedReply) {
                continue;
            }
            HandshakeSide initiator = side(v.path("initiator"), true);
            HandshakeSide responder = side(v.path("responder"), false);
            OtherLayout.Peer i = new OtherLayout.Peer(initiator, true);
            OtherLayout.Peer r = new OtherLayout.Peer(responder, false);
            byte[] first = i.start();
            ArrayNode messages = JSON.createArrayNode().add(HEX.formatHex(first));
            if (framing) {
                byte[] second = r.onOffer(first);
                byte[] third = i.onSelection(second);
                r.onConfirmation(third);
                messages.add(HEX.formatHex(second)).add(HEX.formatHex(third));
                byte[] key = Transcript.sessionKeys(initiator.staticPrivate, initiator.ephemeralPrivate, responder.staticPrivate,
                        responder.ephemeralPrivate, List.of(first, second, third))[0];
                v.put("stream", HEX.formatHex(Transcript.frames(v.path("frames"), key)));
            } else {
                JsonNode how = v.path("delivered").path(1);
                byte[] second;
                if (how.has("truncatedBy")) {
                    byte[] own = r.onOffer(first);
                    second = Arrays.copyOf(own, own.length - how.path("truncatedBy").asInt());
                } else {
                    JsonNode reply = how.path("reply");
                    second = ForgedResponder.reply(responder.staticPrivate, responder.ephemeralPrivate, first, reply.path("protocol").asText(),
                            reply.path("zeroEphemeral").asBoolean(), HEX.parseHex(reply.path("payload").asText()));
                }
                messages.add(HEX.formatHex(second));
            }
            v.set("messages", messages);
            v.put("description", "Recorded in another layout of the handshake payloads: " + v.path("description").asText());
            ObjectNode live = v.deepCopy();
            live.putObject("memberOfALaterRevision").put("note", "a member that the chapter \"Test vectors\" does not define");
            ids.add(save(out, live));
            v.remove("delivered");
            v.remove("frames");
            v.put("id", v.path("id").asText() + AS_RECORDED);
            ids.add(save(out, v));
        }
        return ids;
    }

    private static String save(Path out, ObjectNode v) throws IOException {
        Path dir = out.resolve("v1").resolve(v.path("area").asText()).resolve(v.path("result").asText());
        Files.createDirectories(dir);
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(v.path("id").asText() + ".json").toFile(), v);
        return v.path("area").asText() + "/" + v.path("result").asText() + "/" + v.path("id").asText();
    }

    /** A side of a case, which these cases give without certificates. */
    private static HandshakeSide side(JsonNode n, boolean initiator) {
        if (n.path("certificate").isObject()) {
            throw new IllegalArgumentException("a transcript-bound case with a certificate");
        }
        HandshakeSide s = new HandshakeSide();
        s.staticPrivate = HEX.parseHex(n.path("staticPrivateKey").asText());
        s.ephemeralPrivate = HEX.parseHex(n.path("ephemeralPrivateKey").asText());
        s.versions = new java.util.ArrayList<>();
        (initiator ? n.path("offer").path("versions") : n.path("supportedVersions")).forEach(x -> {
            String[] p = x.asText().split("\\.");
            s.versions.add(new ProtocolVersion(Integer.parseInt(p[0]), Integer.parseInt(p[1])));
        });
        (initiator ? n.path("offer").path("capabilities") : n.path("knownCapabilities")).forEach(x -> s.capabilities.add(x.asInt()));
        n.path("offer").path("critical").forEach(x -> s.critical.add(x.asInt()));
        return s;
    }
}
