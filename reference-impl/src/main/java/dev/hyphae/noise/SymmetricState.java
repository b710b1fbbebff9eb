package dev.hyphae.noise;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A Noise SymmetricState (Noise specification, section 5.2): the chaining key ck, the handshake hash h and a
 * {@link CipherState}.
 */
final class SymmetricState {

    private final NoiseSuite.Hash hash;
    private final CipherState cipher = new CipherState();
    private byte[] ck;
    private byte[] h;

    /** InitializeSymmetric(protocol_name). */
    SymmetricState(NoiseSuite suite) {
        this.hash = suite.hash();
        byte[] name = suite.name().getBytes(StandardCharsets.US_ASCII);
        h = name.length <= hash.hashLength ? Arrays.copyOf(name, hash.hashLength) : hash(name);
        ck = h.clone();
    }

    /** MixKey(input_key_material). */
    void mixKey(byte[] inputKeyMaterial) {
        byte[][] out = hkdf(ck, inputKeyMaterial, 2);
        Arrays.fill(ck, (byte) 0);
        ck = out[0];
        cipher.initializeKey(Arrays.copyOf(out[1], CipherState.KEY_LENGTH));
        Arrays.fill(out[1], (byte) 0);
    }

    /** MixHash(data). */
    void mixHash(byte[] data) {
        h = hash(h, data);
    }

    /** EncryptAndHash(plaintext). */
    byte[] encryptAndHash(byte[] plaintext) throws NoiseException {
        byte[] ciphertext = cipher.encryptWithAd(h, plaintext);
        mixHash(ciphertext);
        return ciphertext;
    }

    /** DecryptAndHash(ciphertext). */
    byte[] decryptAndHash(byte[] ciphertext) throws NoiseException {
        byte[] plaintext = cipher.decryptWithAd(h, ciphertext);
        mixHash(ciphertext);
        return plaintext;
    }

    /** Whether the cipher state has a key yet. */
    boolean hasKey() {
        return cipher.hasKey();
    }

    /** The handshake hash h. */
    byte[] handshakeHash() {
        return h.clone();
    }

    /** Split(): the two transport cipher states, initiator-to-responder first. */
    CipherState[] split() {
        byte[][] out = hkdf(ck, new byte[0], 2);
        CipherState c1 = new CipherState();
        CipherState c2 = new CipherState();
        c1.initializeKey(Arrays.copyOf(out[0], CipherState.KEY_LENGTH));
        c2.initializeKey(Arrays.copyOf(out[1], CipherState.KEY_LENGTH));
        Arrays.fill(out[0], (byte) 0);
        Arrays.fill(out[1], (byte) 0);
        return new CipherState[] {c1, c2};
    }

    /** Zeroes the chaining key and the cipher's key. */
    void destroy() {
        Arrays.fill(ck, (byte) 0);
        cipher.destroy();
    }

    private byte[] hash(byte[]... parts) {
        Digest digest = hash.newDigest();
        for (byte[] part : parts) {
            digest.update(part, 0, part.length);
        }
        byte[] out = new byte[hash.hashLength];
        digest.doFinal(out, 0);
        return out;
    }

    private byte[] hmac(byte[] key, byte[]... parts) {
        HMac mac = new HMac(hash.newDigest());
        mac.init(new KeyParameter(key));
        for (byte[] part : parts) {
            mac.update(part, 0, part.length);
        }
        byte[] out = new byte[mac.getMacSize()];
        mac.doFinal(out, 0);
        return out;
    }

    /** HKDF(chaining_key, input_key_material, num_outputs), section 4.3. */
    private byte[][] hkdf(byte[] chainingKey, byte[] inputKeyMaterial, int outputs) {
        byte[] tempKey = hmac(chainingKey, inputKeyMaterial);
        byte[][] out = new byte[outputs][];
        byte[] previous = new byte[0];
        for (int i = 0; i < outputs; i++) {
            previous = hmac(tempKey, previous, new byte[] {(byte) (i + 1)});
            out[i] = previous;
        }
        Arrays.fill(tempKey, (byte) 0);
        return out;
    }
}
