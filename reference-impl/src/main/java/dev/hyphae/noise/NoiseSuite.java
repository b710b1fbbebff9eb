package dev.hyphae.noise;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.digests.SHA256Digest;

import java.util.function.Supplier;

/**
 * A Noise protocol name, parsed (Noise specification, revision 34, section 8): the handshake pattern and
 * the DH, cipher and hash functions. This implementation offers pattern NN and XX, DH 25519, cipher
 * ChaChaPoly, and hash SHA256, BLAKE2b or BLAKE2s; Hyphae's mandatory suite is
 * {@code Noise_XX_25519_ChaChaPoly_SHA256}.
 *
 * @param name    the full protocol name, hashed into the handshake
 * @param pattern the handshake pattern
 * @param hash    the hash function
 */
public record NoiseSuite(String name, HandshakePattern pattern, Hash hash) {

    /** Hyphae's mandatory suite. */
    public static final String MANDATORY = "Noise_XX_25519_ChaChaPoly_SHA256";

    /** The hash functions, with their output length HASHLEN and block length BLOCKLEN. */
    public enum Hash {
        SHA256(32, 64, SHA256Digest::new),
        BLAKE2b(64, 128, () -> new Blake2bDigest(512)),
        BLAKE2s(32, 64, () -> new Blake2sDigest(256));

        final int hashLength;
        final int blockLength;
        private final Supplier<Digest> digest;

        Hash(int hashLength, int blockLength, Supplier<Digest> digest) {
            this.hashLength = hashLength;
            this.blockLength = blockLength;
            this.digest = digest;
        }

        Digest newDigest() {
            return digest.get();
        }
    }

    /**
     * Parses {@code name}.
     *
     * @return the suite, or {@code null} if this implementation does not offer it; the reason is then in
     *         {@link #unsupportedReason(String)}
     */
    public static NoiseSuite parse(String name) {
        return unsupportedReason(name) == null ? create(name) : null;
    }

    /** Why {@code name} is not offered, or {@code null} if it is. */
    public static String unsupportedReason(String name) {
        String[] parts = name.split("_");
        if (parts.length != 5 || !parts[0].equals("Noise")) {
            return "not a Noise protocol name";
        }
        if (HandshakePattern.of(parts[1]) == null) {
            return "handshake pattern " + parts[1] + " is not implemented (NN and XX are)";
        }
        if (!parts[2].equals("25519")) {
            return "DH function " + parts[2] + " is not implemented (25519 is)";
        }
        if (!parts[3].equals("ChaChaPoly")) {
            return "cipher " + parts[3] + " is not implemented (ChaChaPoly is)";
        }
        for (Hash h : Hash.values()) {
            if (h.name().equals(parts[4])) {
                return null;
            }
        }
        return "hash " + parts[4] + " is not implemented (SHA256, BLAKE2b and BLAKE2s are)";
    }

    private static NoiseSuite create(String name) {
        String[] parts = name.split("_");
        return new NoiseSuite(name, HandshakePattern.of(parts[1]), Hash.valueOf(parts[4]));
    }
}
