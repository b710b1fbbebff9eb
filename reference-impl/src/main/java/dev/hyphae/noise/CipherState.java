package dev.hyphae.noise;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

import java.util.Arrays;

/**
 * A Noise CipherState (Noise specification, section 5.1): a key k and a nonce n, with ChaChaPoly as the
 * cipher (RFC 8439; the 96-bit nonce is 32 zero bits then n as a 64-bit little-endian integer).
 *
 * <p>The nonce 2<sup>64</sup>&minus;1 is reserved for {@link #rekey()}; a CipherState that reaches it can no
 * longer encrypt or decrypt, so a nonce is never reused. {@link #destroy()} zeroes the key, and a destroyed
 * cipher state refuses every further use: only a cipher state that never had a key, during the handshake,
 * passes data through unchanged, as Noise says. Failures are {@link NoiseException}s, which the layers above map
 * to their error codes.
 *
 * <p>Thread-safe: its methods are synchronized, so that a destroy on one thread waits for an encryption in
 * flight on another, which then cannot run again.
 */
public final class CipherState {

    /** Length of a key, in bytes. */
    static final int KEY_LENGTH = 32;
    /** Length of the authentication tag, in bytes. */
    public static final int TAG_LENGTH = 16;
    private static final long MAX_NONCE = -1L; // 2^64 - 1, unsigned

    private byte[] k;
    private long n;
    private boolean destroyed;

    /** Sets the key (32 bytes, copied), or none when {@code key} is null; resets the nonce to 0. */
    synchronized void initializeKey(byte[] key) {
        destroy();
        destroyed = false;
        k = key == null ? null : Arrays.copyOf(key, KEY_LENGTH);
        n = 0;
    }

    private void checkUsable() {
        if (destroyed) {
            throw new IllegalStateException("this cipher state was destroyed; nothing may be sent or read with it");
        }
    }

    /** Whether a key is set. */
    public synchronized boolean hasKey() {
        return k != null;
    }

    /** The next nonce, unsigned; for tests and diagnostics. */
    synchronized long nonce() {
        return n;
    }

    synchronized void setNonce(long nonce) {
        n = nonce;
    }

    /**
     * ENCRYPT(k, n++, ad, plaintext); without a key, the plaintext itself.
     *
     * @throws NoiseException {@link NoiseException.Reason#NONCES_EXHAUSTED} once the nonce has reached 2^64-1
     */
    public synchronized byte[] encryptWithAd(byte[] ad, byte[] plaintext) throws NoiseException {
        checkUsable();
        if (k == null) {
            return plaintext.clone();
        }
        checkNonce();
        byte[] ciphertext = encrypt(k, n, ad, plaintext);
        n++;
        return ciphertext;
    }

    /**
     * DECRYPT(k, n++, ad, ciphertext); without a key, the ciphertext itself. A failure leaves the nonce unchanged.
     *
     * @throws NoiseException {@link NoiseException.Reason#AUTHENTICATION_FAILED} for a ciphertext that does not
     *                        authenticate; {@link NoiseException.Reason#NONCES_EXHAUSTED} once the nonce has
     *                        reached 2^64-1
     */
    public synchronized byte[] decryptWithAd(byte[] ad, byte[] ciphertext) throws NoiseException {
        checkUsable();
        if (k == null) {
            return ciphertext.clone();
        }
        checkNonce();
        if (ciphertext.length < TAG_LENGTH) {
            throw new NoiseException(NoiseException.Reason.AUTHENTICATION_FAILED, "a ciphertext shorter than its tag");
        }
        ChaCha20Poly1305 cipher = cipher(false, k, n, ad);
        byte[] output = new byte[cipher.getOutputSize(ciphertext.length)];
        int length = cipher.processBytes(ciphertext, 0, ciphertext.length, output, 0);
        try {
            length += cipher.doFinal(output, length);
        } catch (InvalidCipherTextException e) {
            Arrays.fill(output, (byte) 0);
            throw new NoiseException(NoiseException.Reason.AUTHENTICATION_FAILED, "authentication failed", e);
        }
        n++;
        return length == output.length ? output : Arrays.copyOf(output, length);
    }

    private void checkNonce() throws NoiseException {
        if (n == MAX_NONCE) {
            throw new NoiseException(NoiseException.Reason.NONCES_EXHAUSTED, "nonces of this cipher state are exhausted; rekey or close");
        }
    }

    /** REKEY: k = the first 32 bytes of ENCRYPT(k, 2^64-1, empty, 32 zero bytes). The nonce is unchanged. */
    public synchronized void rekey() {
        checkUsable();
        if (k == null) {
            throw new IllegalStateException("rekey needs a key");
        }
        byte[] next = Arrays.copyOf(encrypt(k, MAX_NONCE, new byte[0], new byte[KEY_LENGTH]), KEY_LENGTH);
        Arrays.fill(k, (byte) 0);
        k = next;
    }

    /** Zeroes and forgets the key; the cipher state refuses every further use. */
    public synchronized void destroy() {
        if (k != null) {
            Arrays.fill(k, (byte) 0);
            k = null;
        }
        destroyed = true;
    }

    /** ChaChaPoly's ENCRYPT, which cannot fail. */
    private static byte[] encrypt(byte[] key, long nonce, byte[] ad, byte[] plaintext) {
        ChaCha20Poly1305 cipher = cipher(true, key, nonce, ad);
        byte[] output = new byte[cipher.getOutputSize(plaintext.length)];
        int length = cipher.processBytes(plaintext, 0, plaintext.length, output, 0);
        try {
            length += cipher.doFinal(output, length);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("encryption does not check a tag", e);
        }
        return length == output.length ? output : Arrays.copyOf(output, length);
    }

    /** ChaChaPoly keyed with {@code key}, its 96-bit nonce 32 zero bits then {@code nonce} as 64-bit little-endian. */
    private static ChaCha20Poly1305 cipher(boolean encrypt, byte[] key, long nonce, byte[] ad) {
        byte[] iv = new byte[12];
        for (int i = 0; i < 8; i++) {
            iv[4 + i] = (byte) (nonce >>> (8 * i));
        }
        ChaCha20Poly1305 cipher = new ChaCha20Poly1305();
        cipher.init(encrypt, new AEADParameters(new KeyParameter(key), 8 * TAG_LENGTH, iv, ad));
        return cipher;
    }
}
