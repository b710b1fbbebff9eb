package dev.hyphae.noise;

/**
 * A test seam: cipher states keyed and set to a chosen nonce, which production code can reach only by
 * encrypting that many times. It uses the package-private {@link CipherState#initializeKey} and
 * {@link CipherState#setNonce}, so that the layers above can be tested at the end of a cipher state's nonces.
 */
public final class CipherStates {

    /** The last nonce that may be used, 2<sup>64</sup>&minus;2 unsigned; the next, 2<sup>64</sup>&minus;1, is reserved for REKEY. */
    public static final long LAST_USABLE_NONCE = -2L;

    private CipherStates() {
    }

    /** A cipher state with {@code key} (32 bytes) whose next nonce is {@code nonce}, unsigned. */
    public static CipherState keyedAt(byte[] key, long nonce) {
        CipherState state = new CipherState();
        state.initializeKey(key);
        state.setNonce(nonce);
        return state;
    }
}
