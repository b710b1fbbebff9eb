package dev.hyphae.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.conformance.model.HandshakeContent;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** What {@code hyphae inspect} shows of the handshake messages of a vector: their parts, and what they hold. */
final class HandshakeInspection {

    private static final HexFormat HEX = HexFormat.of();

    private final PrintWriter out;

    HandshakeInspection(PrintWriter out) {
        this.out = out;
    }

    /**
     * The messages of a handshake case: the layout of each (chapter "Handshake", Noise XX), then what each holds, read
     * with the case's private keys as far as they can be read: the content that a runner compares (HY-VEC-043).
     */
    void handshakeCase(JsonNode v) {
        List<byte[]> messages = new ArrayList<>();
        v.path("messages").forEach(m -> messages.add(m.isNull() ? null : HEX.parseHex(m.asText())));
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) == null) {
                out.printf("message %d: none in the case: the side's own is used%n", i + 1);
            } else {
                handshakeLayout(messages.get(i), i + 1);
            }
        }
        int known = 0;
        while (known < messages.size() && messages.get(known) != null) {
            known++;
        }
        JsonNode i = v.path("initiator");
        JsonNode r = v.path("responder");
        HandshakeContent.Prefix read = HandshakeContent.readPrefix(HEX.parseHex(i.path("staticPrivateKey").asText()),
                HEX.parseHex(i.path("ephemeralPrivateKey").asText()), HEX.parseHex(r.path("staticPrivateKey").asText()),
                HEX.parseHex(r.path("ephemeralPrivateKey").asText()), messages.subList(0, known));
        for (int k = 0; k < read.contents().size(); k++) {
            out.printf("message %d holds, read with the case's keys:%n%s%n", k + 1, read.contents().get(k).toPrettyString());
        }
        if (read.stopped() != null) {
            out.println("read no further: " + read.stopped());
        }
        if (read.handshakeHash() != null) {
            out.println("handshake hash of these messages: " + HEX.formatHex(read.handshakeHash()));
        }
    }

    /** A first handshake message on its own: its parts, and the offer that it carries in clear. */
    void firstMessage(byte[] message) {
        handshakeLayout(message, 1);
        if (message.length <= 32) {
            out.println("no payload: a first message is the initiator's 32-byte ephemeral key followed by its offer");
            return;
        }
        try {
            out.println("its payload:");
            out.println(HandshakeContent.content(java.util.Arrays.copyOfRange(message, 32, message.length), 1).toPrettyString());
        } catch (IllegalArgumentException e) {
            out.println("its payload cannot be read: " + e.getMessage());
        }
    }

    /** The parts of handshake message {@code number} of Noise XX: keys and payload, which only message 1 carries in clear. */
    private void handshakeLayout(byte[] m, int number) {
        final int key = 32;
        final int tag = 16;
        out.printf("message %d: %d bytes%n", number, m.length);
        int at = 0;
        if (number == 1) {
            region(at, key, "e: the initiator's ephemeral public key");
            region(key, m.length - key, "the payload, in clear: a HandshakePayload holding an Offer");
            return;
        }
        if (number == 2) {
            region(at, key, "e: the responder's ephemeral public key");
            at += key;
        }
        String who = number == 2 ? "responder" : "initiator";
        region(at, key + tag, "s: the " + who + "'s static public key, encrypted, and its tag");
        at += key + tag;
        region(at, m.length - at, "the payload, encrypted, and its tag: a HandshakePayload holding "
                + (number == 2 ? "a Selection" : "a Confirmation"));
    }

    private void region(int start, int length, String label) {
        if (length > 0) {
            out.printf("  %04x..%04x %5d  %s%n", start, start + length - 1, length, label);
        }
    }
}
