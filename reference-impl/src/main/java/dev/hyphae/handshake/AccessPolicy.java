package dev.hyphae.handshake;

import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Rights per document (specification, chapter "Authorisation", section "Rights"): read or write, granted to a
 * peer's static key or to an organisation's key. A peer holds the union of the rights granted to its own key
 * and to the organisation that certified it in the handshake. Write includes read. The session layer asks
 * this before it sends anything of a document, and before it applies a peer's delta.
 */
public final class AccessPolicy {

    /**
     * A right on a document. The same values are the {@code mode} and {@code granted} of a session's {@code Open}
     * (specification, chapter "Session", section "Access", HY-SESS-034): 0 none, 1 read, 2 write.
     */
    public enum Right {
        /** No right: the document's content is never sent, and nothing is accepted. */
        NONE(0),
        /** The document's content may be sent to the peer; nothing it sends is accepted. */
        READ(1),
        /** Read, and the peer's deltas are accepted. */
        WRITE(2);

        private final int value;

        Right(int value) {
            this.value = value;
        }

        /** The value on the wire. */
        public int value() {
            return value;
        }

        /** Whether this right includes {@code other}: write includes read, and every right includes none. */
        public boolean includes(Right other) {
            return value >= other.value;
        }

        /** The right with wire value {@code value}, or null if there is none. */
        public static Right of(int value) {
            for (Right right : values()) {
                if (right.value == value) {
                    return right;
                }
            }
            return null;
        }

        private static Right union(Right a, Right b) {
            return a.includes(b) ? a : b;
        }
    }

    /** The document name that a grant for every document uses: the empty prefix (HY-AUTH-012). */
    public static final String EVERY_DOCUMENT = "*";

    /** A grant's document name that ends with this is a grant on the prefix before it (HY-AUTH-012). */
    private static final String PREFIX_MARK = "*";

    private static final HexFormat HEX = HexFormat.of();
    /** By key: the rights granted on single documents, by name. */
    private final Map<String, Map<String, Right>> grants = new HashMap<>();
    /** By key: the rights granted on prefixes of names, by prefix; the empty prefix is every document. */
    private final Map<String, Map<String, Right>> prefixGrants = new HashMap<>();

    /**
     * Grants {@code right} to the holder of {@code key} on {@code document}, or, when it ends with {@code *}, on every
     * document whose name starts with what precedes the {@code *} ({@link #EVERY_DOCUMENT} alone is every document).
     * A document whose own name ends with {@code *} can thus be granted only through a prefix.
     */
    public AccessPolicy grant(byte[] key, String document, Right right) {
        if (right == Right.NONE) {
            throw new IllegalArgumentException("grant read or write; a key granted nothing holds no right");
        }
        boolean prefix = document.endsWith(PREFIX_MARK);
        String name = prefix ? document.substring(0, document.length() - PREFIX_MARK.length()) : document;
        (prefix ? prefixGrants : grants).computeIfAbsent(HEX.formatHex(key), k -> new HashMap<>()).merge(name, right, Right::union);
        return this;
    }

    /** The right of {@code peer} on {@code document} (HY-AUTH-007): {@link Right#NONE} when it has none. */
    public Right right(TrustStore.Identity peer, String document) {
        Right right = rightOf(peer.staticKey(), document);
        if (peer.organisationKey() != null) {
            right = Right.union(right, rightOf(peer.organisationKey(), document));
        }
        return right;
    }

    private Right rightOf(byte[] key, String document) {
        String holder = HEX.formatHex(key);
        Right right = grants.getOrDefault(holder, Map.of()).getOrDefault(document, Right.NONE);
        // HY-AUTH-012: a prefix covers the names that start with it. A Java string is a prefix of another exactly when
        // its UTF-8 bytes are a prefix of the other's, for names that are well-formed UTF-8 (HY-SESS-008).
        for (Map.Entry<String, Right> grant : prefixGrants.getOrDefault(holder, Map.of()).entrySet()) {
            if (document.startsWith(grant.getKey())) {
                right = Right.union(right, grant.getValue());
            }
        }
        return right;
    }
}
