package dev.hyphae.noise;

import org.bouncycastle.math.ec.rfc7748.X25519;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A Curve25519 key pair (RFC 7748) for Noise's DH function 25519. {@link #destroy()} zeroes the private key.
 */
public final class KeyPair {

    /** DHLEN: the length of a public key and of a DH output. */
    public static final int LENGTH = X25519.POINT_SIZE;

    private final byte[] privateKey;
    private final byte[] publicKey;

    private KeyPair(byte[] privateKey) {
        this.privateKey = privateKey;
        this.publicKey = new byte[LENGTH];
        X25519.scalarMultBase(privateKey, 0, publicKey, 0);
    }

    /** GENERATE_KEYPAIR(). */
    public static KeyPair generate(SecureRandom random) {
        byte[] key = new byte[LENGTH];
        X25519.generatePrivateKey(random, key);
        return new KeyPair(key);
    }

    /** The key pair with this 32-byte private key (copied), as test vectors and stored identities give it. */
    public static KeyPair fromPrivateKey(byte[] privateKey) {
        if (privateKey.length != LENGTH) {
            throw new IllegalArgumentException("a 25519 private key has " + LENGTH + " bytes");
        }
        return new KeyPair(privateKey.clone());
    }

    /** The public key (a copy). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** DH(key_pair, public_key): the shared secret, or {@code null} if it is all zeros (a low-order point). */
    byte[] dh(byte[] remotePublicKey) {
        byte[] shared = new byte[LENGTH];
        return X25519.calculateAgreement(privateKey, 0, remotePublicKey, 0, shared, 0) ? shared : null;
    }

    /** Zeroes the private key; the pair is unusable afterwards. */
    public void destroy() {
        Arrays.fill(privateKey, (byte) 0);
    }
}
