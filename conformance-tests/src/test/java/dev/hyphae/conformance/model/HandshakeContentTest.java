package dev.hyphae.conformance.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.handshake.HyphaeHandshake;
import dev.hyphae.noise.HandshakeState;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.noise.NoiseSuite;
import dev.hyphae.spec.Requirement;
import hyphae.v1.Capability;
import hyphae.v1.HandshakePayload;
import hyphae.v1.Offer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Handshake messages are compared by content (HY-VEC-043): a transcript whose offer is laid out otherwise than the
 * vector's, with the same keys, holds the same content and has its own handshake hash (HY-VEC-044); one whose offer
 * says something else, or that another key wrote, does not.
 */
class HandshakeContentTest {

    private static final Path ROOT = Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath().normalize();
    private static final HexFormat HEX = HexFormat.of();

    private final JsonNode vector;
    private final byte[][] keys;
    private final List<byte[]> recorded = new ArrayList<>();

    HandshakeContentTest() throws Exception {
        vector = Model.JSON.readTree(ROOT.resolve("test-vectors/v1/handshake/valid/handshake_negotiates_version_and_capabilities.json").toFile());
        JsonNode i = vector.path("initiator");
        JsonNode r = vector.path("responder");
        keys = new byte[][] {HEX.parseHex(i.path("staticPrivateKey").asText()), HEX.parseHex(i.path("ephemeralPrivateKey").asText()),
                HEX.parseHex(r.path("staticPrivateKey").asText()), HEX.parseHex(r.path("ephemeralPrivateKey").asText())};
        vector.path("messages").forEach(m -> recorded.add(HEX.parseHex(m.asText())));
    }

    private HandshakeContent.Read read(List<byte[]> messages) {
        return HandshakeContent.read(keys[0], keys[1], keys[2], keys[3], messages);
    }

    /**
     * The offer of the vector's message 1 built in another layout: the versions written before the capabilities, the
     * capabilities in descending order of id, and {@code max_frame_size} left out when it is 65535 (or written as given).
     */
    private static byte[] relaidOffer(JsonNode offer, int maxFrameSize) {
        FlatBufferBuilder b = new FlatBufferBuilder(16);
        List<String> versions = new ArrayList<>();
        offer.path("versions").forEach(v -> versions.add(v.asText()));
        Offer.startVersionsVector(b, versions.size());
        for (String v : versions) { // reversed: the builder writes back to front
            String[] parts = v.split("\\.");
            hyphae.v1.ProtocolVersion.createProtocolVersion(b, Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        }
        int versionsVector = b.endVector();
        List<Integer> tables = new ArrayList<>();
        offer.path("capabilities").forEach(c -> tables.add(0, Capability.createCapability(b, c.path("id").asInt(), 0, c.path("critical").asBoolean())));
        int capabilities = Offer.createCapabilitiesVector(b, tables.stream().mapToInt(Integer::intValue).toArray());
        Offer.startOffer(b);
        if (maxFrameSize != 65535) {
            Offer.addMaxFrameSize(b, maxFrameSize);
        }
        Offer.addCapabilities(b, capabilities);
        Offer.addVersions(b, versionsVector);
        int o = Offer.endOffer(b);
        HandshakePayload.finishHandshakePayloadBuffer(b, HandshakePayload.createHandshakePayload(b, o, 0, 0));
        return b.sizedByteArray();
    }

    /** The three messages that the case's two sides write when the initiator's offer is {@code offer}, with the vector's other payloads. */
    private List<byte[]> transcript(byte[] offer) throws Exception {
        HandshakeState i = new HandshakeState(NoiseSuite.parse(NoiseSuite.MANDATORY), true, HyphaeHandshake.PROLOGUE,
                KeyPair.fromPrivateKey(keys[0]), KeyPair.fromPrivateKey(keys[1]), null);
        HandshakeState r = new HandshakeState(NoiseSuite.parse(NoiseSuite.MANDATORY), false, HyphaeHandshake.PROLOGUE,
                KeyPair.fromPrivateKey(keys[2]), KeyPair.fromPrivateKey(keys[3]), null);
        HandshakeState ri = new HandshakeState(NoiseSuite.parse(NoiseSuite.MANDATORY), true, HyphaeHandshake.PROLOGUE,
                KeyPair.fromPrivateKey(keys[0]), KeyPair.fromPrivateKey(keys[1]), null);
        HandshakeState rr = new HandshakeState(NoiseSuite.parse(NoiseSuite.MANDATORY), false, HyphaeHandshake.PROLOGUE,
                KeyPair.fromPrivateKey(keys[2]), KeyPair.fromPrivateKey(keys[3]), null);
        // The vector's own payloads 2 and 3, read from its transcript.
        ri.writeMessage(Arrays.copyOfRange(recorded.get(0), KeyPair.LENGTH, recorded.get(0).length));
        rr.readMessage(recorded.get(0));
        byte[] selection = ri.readMessage(recorded.get(1));
        rr.writeMessage(selection);
        byte[] confirmation = rr.readMessage(recorded.get(2));
        List<byte[]> out = new ArrayList<>();
        out.add(i.writeMessage(offer));
        r.readMessage(out.get(0));
        out.add(r.writeMessage(selection));
        i.readMessage(out.get(1));
        out.add(i.writeMessage(confirmation));
        r.readMessage(out.get(2));
        return out;
    }

    @Test
    @Requirement("HY-VEC-043")
    void anOfferInAnotherLayoutHoldsTheSameContent() throws Exception {
        HandshakeContent.Read expected = read(recorded);
        JsonNode offer = expected.contents().get(0).path("offer");
        assertEquals(65535, offer.path("maxFrameSize").asInt());
        List<byte[]> other = transcript(relaidOffer(offer, 65535));
        assertFalse(Arrays.equals(recorded.get(0), other.get(0)), "the relaid offer has other bytes");

        HandshakeContent.Read actual = read(other);

        assertEquals(expected.contents(), actual.contents());
        // And an offer that says something else does not.
        assertNotEquals(expected.contents(), read(transcript(relaidOffer(offer, 1024))).contents());
    }

    @Test
    @Requirement("HY-VEC-044")
    void theHandshakeHashIsTheTranscriptsOwn() throws Exception {
        assertEquals(vector.path("expected").path("handshakeHash").asText(), HEX.formatHex(read(recorded).handshakeHash()));
        byte[] other = read(transcript(relaidOffer(read(recorded).contents().get(0).path("offer"), 65535))).handshakeHash();
        assertNotEquals(vector.path("expected").path("handshakeHash").asText(), HEX.formatHex(other));
    }

    @Test
    @Requirement("HY-VEC-043")
    void aMessageWrittenWithAnotherKeyIsNotReadAsTheCasesOwn() {
        List<byte[]> forged = new ArrayList<>(recorded);
        byte[] first = forged.get(0).clone();
        byte[] otherEphemeral = KeyPair.fromPrivateKey(HandshakeSide.seed("another ephemeral")).publicKey();
        System.arraycopy(otherEphemeral, 0, first, 0, KeyPair.LENGTH);
        forged.set(0, first);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(forged));
        assertTrue(e.getMessage().startsWith("message 1 "), e.getMessage());
    }
}
