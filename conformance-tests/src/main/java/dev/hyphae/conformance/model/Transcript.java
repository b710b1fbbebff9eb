package dev.hyphae.conformance.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The keys of the framed channel that a handshake sets up, computed by a third party that holds both sides' private
 * keys, as a handshake or framing case gives them, from the three messages that the two sides actually exchanged
 * (HY-VEC-048). The keys follow from the bytes of the transcript, so a runner that encrypts a case's frames under them
 * asks of neither side the bytes that the vector's producer wrote, only a handshake that both sides complete.
 */
public final class Transcript {

    private static final HexFormat HEX = HexFormat.of();

    private Transcript() {
    }

    /**
     * The keys of Split() after {@code messages}: {@code [0]} encrypts what the initiator sends, {@code [1]} what the
     * responder sends.
     *
     * @throws IllegalArgumentException naming the message that does not decrypt with the case's keys, or that is not
     *                                  what its writer, with the case's keys, writes for its payload
     */
    public static byte[][] sessionKeys(byte[] initiatorStatic, byte[] initiatorEphemeral, byte[] responderStatic,
                                       byte[] responderEphemeral, List<byte[]> messages) {
        if (messages.size() != 3) {
            throw new IllegalArgumentException("a complete handshake has 3 messages, not " + messages.size());
        }
        UncheckedNoise initiator = new UncheckedNoise(true, initiatorStatic, initiatorEphemeral, false);
        UncheckedNoise responder = new UncheckedNoise(false, responderStatic, responderEphemeral, false);
        for (int k = 0; k < 3; k++) {
            UncheckedNoise writer = k % 2 == 0 ? initiator : responder;
            UncheckedNoise reader = k % 2 == 0 ? responder : initiator;
            byte[] again;
            try {
                again = writer.writeMessage(reader.readMessage(messages.get(k)));
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new IllegalArgumentException("message " + (k + 1) + " does not decrypt with the case's keys: " + e.getMessage(), e);
            }
            if (!Arrays.equals(again, messages.get(k))) {
                throw new IllegalArgumentException("message " + (k + 1) + " is not what its writer, with the case's keys, writes "
                        + "for its payload: another ephemeral or static key");
            }
        }
        return initiator.splitKeys();
    }

    /**
     * The stream that the entries of a {@code framing} case's {@code frames} make under {@code key}, the key with which
     * the initiator sends (HY-VEC-048): each entry with {@code nonce} and {@code plaintext} the frame of that plaintext
     * sealed with that nonce, each with {@code raw} its bytes, then {@code xorAt} and {@code xorMask} applied and the
     * frame cut to {@code keep} bytes.
     */
    public static byte[] frames(JsonNode frames, byte[] key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (JsonNode f : frames) {
            byte[] frame;
            if (f.has("raw")) {
                frame = HEX.parseHex(f.path("raw").asText());
            } else {
                byte[] ciphertext;
                try {
                    ciphertext = UncheckedNoise.encrypt(key, f.path("nonce").asLong(), new byte[0], HEX.parseHex(f.path("plaintext").asText()));
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
                frame = new byte[2 + ciphertext.length];
                frame[0] = (byte) (ciphertext.length >>> 8);
                frame[1] = (byte) ciphertext.length;
                System.arraycopy(ciphertext, 0, frame, 2, ciphertext.length);
            }
            if (f.has("xorAt")) {
                frame[f.path("xorAt").asInt()] ^= (byte) f.path("xorMask").asInt();
            }
            out.write(frame, 0, f.has("keep") ? f.path("keep").asInt() : frame.length);
        }
        return out.toByteArray();
    }
}
