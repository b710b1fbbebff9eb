package dev.hyphae.conformance.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.noise.HandshakeState;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.noise.NoiseException;
import dev.hyphae.noise.NoiseSuite;
import hyphae.v1.Capability;
import hyphae.v1.Certificate;
import hyphae.v1.Confirmation;
import hyphae.v1.HandshakePayload;
import hyphae.v1.Offer;
import hyphae.v1.ProtocolVersion;
import hyphae.v1.Selection;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * What the three messages of a handshake hold, read as a third party that holds both sides' private keys, as a
 * handshake case gives them (HY-VEC-043). FlatBuffers is not canonical, so two conforming implementations write one
 * payload as different bytes; a runner compares the content of the messages, not their bytes.
 *
 * <p>The reader replays both sides with the reference's Noise: it writes each message again with the keys of its
 * writer and the payload read from it, and requires the same bytes, so a message whose ephemeral or static key is not
 * the case's, or that is encrypted otherwise, is not read as if it were. The payload is then read into a JSON value
 * in which the layout of the buffer leaves no trace: the content of HY-VEC-043.
 */
public final class HandshakeContent {

    private static final HexFormat HEX = HexFormat.of();

    /** The content of each message, in order, and the handshake hash of the transcript. */
    public record Read(List<JsonNode> contents, byte[] handshakeHash) {
    }

    private HandshakeContent() {
    }

    /**
     * Reads the messages of a complete handshake between the sides whose private keys are given.
     *
     * @throws IllegalArgumentException naming the message that does not carry its writer's keys, does not decrypt, or
     *                                  whose payload is not a handshake payload
     */
    public static Read read(byte[] initiatorStatic, byte[] initiatorEphemeral, byte[] responderStatic, byte[] responderEphemeral,
                            List<byte[]> messages) {
        if (messages.size() != 3) {
            throw new IllegalArgumentException("a complete handshake has 3 messages, not " + messages.size());
        }
        Prefix prefix = readPrefix(initiatorStatic, initiatorEphemeral, responderStatic, responderEphemeral, messages);
        if (prefix.stopped() != null) {
            throw new IllegalArgumentException(prefix.stopped());
        }
        return new Read(prefix.contents(), prefix.handshakeHash());
    }

    /**
     * What the first messages of a handshake hold, as far as they can be read: the content of each message read, and
     * why the reading stopped before the last, or null.
     */
    public record Prefix(List<JsonNode> contents, String stopped, byte[] handshakeHash) {
    }

    /** Reads {@code messages} in order, up to the first that cannot be read as its writer's (for {@code hyphae inspect}). */
    public static Prefix readPrefix(byte[] initiatorStatic, byte[] initiatorEphemeral, byte[] responderStatic, byte[] responderEphemeral,
                                    List<byte[]> messages) {
        HandshakeState initiator = new HandshakeState(NoiseSuite.parse(NoiseSuite.MANDATORY), true, HyphaeHandshake.PROLOGUE,
                KeyPair.fromPrivateKey(initiatorStatic), KeyPair.fromPrivateKey(initiatorEphemeral), null);
        HandshakeState responder = new HandshakeState(NoiseSuite.parse(NoiseSuite.MANDATORY), false, HyphaeHandshake.PROLOGUE,
                KeyPair.fromPrivateKey(responderStatic), KeyPair.fromPrivateKey(responderEphemeral), null);
        List<JsonNode> contents = new ArrayList<>();
        try {
            for (int k = 0; k < Math.min(3, messages.size()); k++) {
                HandshakeState writer = k % 2 == 0 ? initiator : responder;
                HandshakeState reader = k % 2 == 0 ? responder : initiator;
                byte[] message = messages.get(k);
                byte[] payload;
                try {
                    payload = reader.readMessage(message);
                } catch (NoiseException e) {
                    return new Prefix(List.copyOf(contents), "message " + (k + 1) + " does not decrypt with the case's keys: "
                            + e.getMessage(), null);
                }
                byte[] again = writer.writeMessage(payload);
                if (!Arrays.equals(again, message)) {
                    return new Prefix(List.copyOf(contents), "message " + (k + 1) + " is not what its writer, with the case's keys, "
                            + "writes for its payload: another ephemeral or static key", null);
                }
                try {
                    contents.add(content(payload, k + 1));
                } catch (IllegalArgumentException e) {
                    return new Prefix(List.copyOf(contents), e.getMessage(), null);
                }
            }
            return new Prefix(List.copyOf(contents), null, initiator.isComplete() ? initiator.handshakeHash() : null);
        } catch (NoiseException e) {
            return new Prefix(List.copyOf(contents), "the handshake cannot be replayed: " + e.getMessage(), null);
        } finally {
            initiator.destroy();
            responder.destroy();
        }
    }

    /**
     * The content of a handshake payload: which of the three tables it holds and their fields, with a field that holds its
     * default read as absent, {@code max_frame_size} 0 or absent read as 65535 (HY-HS-011), {@code critical} absent
     * read as false, and the versions and capabilities, whose order carries no meaning (HY-VER-002, HY-HS-005), sorted.
     */
    public static JsonNode content(byte[] payload, int number) {
        try {
            ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
            if (!HandshakePayload.HandshakePayloadBufferHasIdentifier(b)) {
                throw new IllegalArgumentException("the payload of message " + number + " lacks the file identifier HYH1");
            }
            HandshakePayload root = HandshakePayload.getRootAsHandshakePayload(b);
            ObjectNode out = Model.JSON.createObjectNode();
            Offer offer = root.offer();
            if (offer != null) {
                ObjectNode o = out.putObject("offer");
                List<int[]> versions = new ArrayList<>();
                for (int i = 0; i < offer.versionsLength(); i++) {
                    ProtocolVersion v = offer.versions(i);
                    versions.add(new int[] {v.major(), v.minor()});
                }
                versions.sort(Comparator.<int[]>comparingInt(v -> v[0]).thenComparingInt(v -> v[1]));
                versions.forEach(v -> o.withArray("versions").add(v[0] + "." + v[1]));
                o.withArray("versions");
                capabilities(o.putArray("capabilities"), offer.capabilitiesLength(), offer::capabilities);
                o.put("maxFrameSize", frameSize(offer.maxFrameSize()));
            }
            Selection selection = root.selection();
            if (selection != null) {
                ObjectNode s = out.putObject("selection");
                ProtocolVersion v = selection.version();
                s.put("version", v == null ? null : v.major() + "." + v.minor());
                capabilities(s.putArray("capabilities"), selection.capabilitiesLength(), selection::capabilities);
                s.put("error", selection.error());
                s.set("certificate", certificate(selection.certificate()));
                s.put("maxFrameSize", frameSize(selection.maxFrameSize()));
            }
            Confirmation confirmation = root.confirmation();
            if (confirmation != null) {
                ObjectNode c = out.putObject("confirmation");
                c.put("error", confirmation.error());
                c.set("certificate", certificate(confirmation.certificate()));
            }
            return out;
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            throw new IllegalArgumentException("the payload of message " + number + " is not a handshake payload: " + e);
        }
    }

    private static int frameSize(int announced) {
        return announced == 0 ? 65535 : announced;
    }

    private static void capabilities(ArrayNode out, int count, java.util.function.IntFunction<Capability> at) {
        List<ObjectNode> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Capability c = at.apply(i);
            ObjectNode n = Model.JSON.createObjectNode();
            n.put("id", c.id());
            byte[] parameters = new byte[c.parametersLength()];
            for (int j = 0; j < parameters.length; j++) {
                parameters[j] = (byte) c.parameters(j);
            }
            n.put("parameters", HEX.formatHex(parameters));
            n.put("critical", c.critical());
            list.add(n);
        }
        list.sort(Comparator.comparingInt((ObjectNode n) -> n.path("id").asInt()).thenComparing(n -> n.path("parameters").asText()));
        list.forEach(out::add);
    }

    private static JsonNode certificate(Certificate c) {
        if (c == null) {
            return Model.JSON.nullNode();
        }
        ObjectNode n = Model.JSON.createObjectNode();
        n.put("organisationKey", HEX.formatHex(bytes(c.organisationKeyLength(), c::organisationKey)));
        n.put("subjectKey", HEX.formatHex(bytes(c.subjectKeyLength(), c::subjectKey)));
        n.put("organisation", c.organisation());
        n.put("notBefore", Long.toUnsignedString(c.notBefore()));
        n.put("notAfter", Long.toUnsignedString(c.notAfter()));
        n.put("signature", HEX.formatHex(bytes(c.signatureLength(), c::signature)));
        return n;
    }

    private static byte[] bytes(int length, java.util.function.IntUnaryOperator at) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) at.applyAsInt(i);
        }
        return out;
    }
}
