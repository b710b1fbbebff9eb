package dev.hyphae.noise;

/**
 * A failure of the Noise layer. Noise knows nothing of Hyphae's error registry: the layers above map these
 * failures to their codes, the handshake to {@code HANDSHAKE_FAILED} and the framing to the codes of the
 * chapter "Framing". After a failure, a {@link HandshakeState} is unusable; a {@link CipherState} keeps its
 * nonce, as Noise requires.
 */
public final class NoiseException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What failed. */
    public enum Reason {
        /** A ciphertext failed to authenticate under the key, the nonce and the associated data: DECRYPT failed. */
        AUTHENTICATION_FAILED,
        /** The cipher state has reached the nonce 2<sup>64</sup>&minus;1, which is reserved for REKEY. */
        NONCES_EXHAUSTED,
        /** A handshake message shorter than its pattern needs, or longer than a Noise message can be. */
        BAD_MESSAGE_LENGTH,
        /** A DH gave the all-zero output: the other party's public key is of low order. */
        LOW_ORDER_KEY
    }

    private final Reason reason;

    NoiseException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    NoiseException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** What failed. */
    public Reason reason() {
        return reason;
    }
}
