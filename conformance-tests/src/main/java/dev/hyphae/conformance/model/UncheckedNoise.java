package dev.hyphae.conformance.model;

import dev.hyphae.handshake.HyphaeHandshake;
import org.bouncycastle.math.ec.rfc7748.X25519;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/**
 * {@code Noise_XX_25519_ChaChaPoly_SHA256} with the prologue of HY-HS-001, written out from the Noise specification
 * (sections 5 and 7.5) without the all-zero DH check that HY-HS-016 adds, and able to send the all-zero point as its
 * ephemeral key. The reference's Noise layer refuses to do either, rightly; the suite needs both to forge the one
 * message that only the check of HY-HS-016 refuses: a message 2 whose {@code e} is the zero point, so that {@code ee}
 * is 32 zero bytes on both sides, and whose {@code s} and payload are encrypted consistently under that {@code ee}.
 * A seeded defect uses it too, as an initiator that omits the check. No conforming peer may run it.
 */
public final class UncheckedNoise {

    private static final List<List<String>> XX = List.of(List.of("e"), List.of("e", "ee", "s", "es"), List.of("s", "se"));
    private static final int LENGTH = 32;
    private static final int TAG = 16;

    private final boolean initiator;
    private final byte[] s;
    private final byte[] e;
    private final boolean zeroEphemeral;
    private byte[] ck;
    private byte[] h;
    private byte[] k;
    private long n;
    private byte[] re;
    private byte[] rs;
    private int message;

    /**
     * A side with the X25519 private keys {@code staticPrivate} and {@code ephemeralPrivate}; with {@code zeroEphemeral},
     * it sends the zero point as its ephemeral public key, and its DH with that key is all zeros, as the peer's is.
     */
    public UncheckedNoise(boolean initiator, byte[] staticPrivate, byte[] ephemeralPrivate, boolean zeroEphemeral) {
        this.initiator = initiator;
        this.s = staticPrivate.clone();
        this.e = ephemeralPrivate.clone();
        this.zeroEphemeral = zeroEphemeral;
        byte[] name = "Noise_XX_25519_ChaChaPoly_SHA256".getBytes(StandardCharsets.US_ASCII);
        h = Arrays.copyOf(name, LENGTH);
        ck = h.clone();
        mixHash(HyphaeHandshake.PROLOGUE);
    }

    /** The remote static public key, once received. */
    public byte[] remoteStaticKey() {
        return rs == null ? null : rs.clone();
    }

    /** The handshake hash h. */
    public byte[] handshakeHash() {
        return h.clone();
    }

    /**
     * Split() of a completed handshake: the keys of the two cipher states, {@code [0]} for what the initiator sends
     * and {@code [1]} for what the responder sends (Noise specification, section 5.2).
     */
    public byte[][] splitKeys() {
        if (message != XX.size()) {
            throw new IllegalStateException("the handshake is not complete");
        }
        byte[] temp = hmac(ck, new byte[0]);
        byte[] first = hmac(temp, new byte[] {1});
        byte[] second = new byte[LENGTH + 1];
        System.arraycopy(first, 0, second, 0, LENGTH);
        second[LENGTH] = 2;
        return new byte[][] {first, hmac(temp, second)};
    }

    /**
     * ENCRYPT(k, n, ad, plaintext) of ChaChaPoly as Noise uses it: the 96-bit nonce is 32 zero bits then {@code n},
     * little-endian. A framed channel encrypts each frame so, with the nonce counting its frames (chapter "Framing").
     */
    public static byte[] encrypt(byte[] key, long n, byte[] ad, byte[] plaintext) throws GeneralSecurityException {
        byte[] nonce = new byte[12];
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (n >>> (8 * i));
        }
        Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        c.updateAAD(ad);
        return c.doFinal(plaintext);
    }

    /** WriteMessage(payload): the next message of the pattern, which must be this side's to write. */
    public byte[] writeMessage(byte[] payload) throws GeneralSecurityException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String token : XX.get(message++)) {
            switch (token) {
                case "e" -> {
                    byte[] publicKey = zeroEphemeral ? new byte[LENGTH] : publicKey(e);
                    out.writeBytes(publicKey);
                    mixHash(publicKey);
                }
                case "s" -> out.writeBytes(encryptAndHash(publicKey(s)));
                default -> mixKey(dh(token));
            }
        }
        out.writeBytes(encryptAndHash(payload));
        return out.toByteArray();
    }

    /** ReadMessage(message): the payload; a failed authentication throws, an all-zero DH does not. */
    public byte[] readMessage(byte[] received) throws GeneralSecurityException {
        int at = 0;
        for (String token : XX.get(message++)) {
            switch (token) {
                case "e" -> {
                    re = Arrays.copyOfRange(received, at, at + LENGTH);
                    at += LENGTH;
                    mixHash(re);
                }
                case "s" -> {
                    int length = LENGTH + (k == null ? 0 : TAG);
                    rs = decryptAndHash(Arrays.copyOfRange(received, at, at + length));
                    at += length;
                }
                default -> mixKey(dh(token));
            }
        }
        return decryptAndHash(Arrays.copyOfRange(received, at, received.length));
    }

    /** The DH of {@code token}, all zeros included; with the zero point as this side's {@code e}, all zeros. */
    private byte[] dh(String token) {
        boolean local = token.charAt(initiator ? 0 : 1) == 'e';
        boolean remote = token.charAt(initiator ? 1 : 0) == 'e';
        if (local && zeroEphemeral) {
            return new byte[LENGTH];
        }
        byte[] shared = new byte[LENGTH];
        X25519.scalarMult(local ? e : s, 0, remote ? re : rs, 0, shared, 0);
        return shared;
    }

    private static byte[] publicKey(byte[] privateKey) {
        byte[] publicKey = new byte[LENGTH];
        X25519.scalarMultBase(privateKey, 0, publicKey, 0);
        return publicKey;
    }

    private void mixHash(byte[] data) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(h);
            sha.update(data);
            h = sha.digest();
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** MixKey: HKDF with ck as the salt, two outputs. */
    private void mixKey(byte[] inputKeyMaterial) {
        byte[] temp = hmac(ck, inputKeyMaterial);
        ck = hmac(temp, new byte[] {1});
        byte[] second = new byte[LENGTH + 1];
        System.arraycopy(ck, 0, second, 0, LENGTH);
        second[LENGTH] = 2;
        k = hmac(temp, second);
        n = 0;
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private byte[] encryptAndHash(byte[] plaintext) throws GeneralSecurityException {
        byte[] ciphertext = k == null ? plaintext.clone() : cipher(Cipher.ENCRYPT_MODE, plaintext);
        mixHash(ciphertext);
        return ciphertext;
    }

    private byte[] decryptAndHash(byte[] ciphertext) throws GeneralSecurityException {
        byte[] plaintext = k == null ? ciphertext.clone() : cipher(Cipher.DECRYPT_MODE, ciphertext);
        mixHash(ciphertext);
        return plaintext;
    }

    /** ChaChaPoly with the 96-bit nonce of 32 zero bits and n, little-endian, and h as the associated data. */
    private byte[] cipher(int mode, byte[] input) throws GeneralSecurityException {
        byte[] nonce = new byte[12];
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (n >>> (8 * i));
        }
        n++;
        Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
        c.init(mode, new SecretKeySpec(k, "ChaCha20"), new IvParameterSpec(nonce));
        c.updateAAD(h);
        return c.doFinal(input);
    }
}
