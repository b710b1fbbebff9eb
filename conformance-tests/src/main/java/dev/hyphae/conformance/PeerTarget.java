package dev.hyphae.conformance;

import dev.hyphae.noise.KeyPair;

import java.net.InetSocketAddress;

/**
 * A running peer under test, for the Peer profile (specification, chapter "Conformance", section "Peer mode"): its
 * address, its Noise static public key, the key pair with which the suite connects, which the peer must trust
 * with the right to write every document whose name starts with {@link #DOCUMENT_PREFIX} (HY-CONF-045), and the key
 * pair of the suite's reader, which the peer must trust with the right to read only those whose name starts with
 * {@link #READER_PREFIX} (HY-CONF-049).
 *
 * @param address   where the peer listens
 * @param peerKey   the peer's Noise static public key, 32 bytes
 * @param suiteKey  the suite's Noise static key pair
 * @param readerKey the Noise static key pair of the suite's reader, or null when the run was given none: the checks
 *                  that need it are then unsupported, naming the set-up that they need
 */
public record PeerTarget(InetSocketAddress address, byte[] peerKey, KeyPair suiteKey, KeyPair readerKey) {

    /** A target without the reader's key. */
    public PeerTarget(InetSocketAddress address, byte[] peerKey, KeyPair suiteKey) {
        this(address, peerKey, suiteKey, null);
    }

    /** The documents the suite writes to are named with this prefix and a random part. */
    public static final String DOCUMENT_PREFIX = "conformance-";

    /**
     * The documents the suite's reader may read are named with this prefix, a narrower one than
     * {@link #DOCUMENT_PREFIX} (HY-CONF-049), so that no other check's documents, such as the pool that the check of
     * HY-SESS-033 leaves on the peer, are the reader's to read.
     */
    public static final String READER_PREFIX = DOCUMENT_PREFIX + "reader-";

    public PeerTarget {
        peerKey = peerKey.clone();
        if (peerKey.length != 32) {
            throw new IllegalArgumentException("a peer key is 32 bytes");
        }
    }
}
