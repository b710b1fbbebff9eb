package dev.hyphae.handshake;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * Rights per document (specification, chapter "Authorisation", section "Rights"): read or write, granted to a
 * peer's static key or to an organisation's key. A peer holds the union of the rights granted to its own key
 * and to the organisation that certified it in the handshake. Write includes read. The session layer asks
 * this before it sends anything of a document, and before it applies a peer's delta.
 */
public final class AccessPolicy {

    /** A right on a document. */
    public enum Right { READ, WRITE }

    /** The document name that a grant for every document uses. */
    public static final String EVERY_DOCUMENT = "*";

    private static final HexFormat HEX = HexFormat.of();
    private final Map<String, Map<String, EnumSet<Right>>> grants = new HashMap<>();

    /** Grants {@code right} on {@code document} (or {@link #EVERY_DOCUMENT}) to the holder of {@code key}. */
    public AccessPolicy grant(byte[] key, String document, Right right) {
        EnumSet<Right> rights = grants.computeIfAbsent(HEX.formatHex(key), k -> new HashMap<>())
                .computeIfAbsent(document, d -> EnumSet.noneOf(Right.class));
        rights.add(right);
        if (right == Right.WRITE) {
            rights.add(Right.READ);
        }
        return this;
    }

    /** The rights of {@code peer} on {@code document}: empty when it has none. */
    public Set<Right> rights(TrustStore.Identity peer, String document) {
        EnumSet<Right> rights = EnumSet.noneOf(Right.class);
        add(rights, peer.staticKey(), document);
        if (peer.organisationKey() != null) {
            add(rights, peer.organisationKey(), document);
        }
        return rights;
    }

    private void add(EnumSet<Right> rights, byte[] key, String document) {
        Map<String, EnumSet<Right>> byDocument = grants.getOrDefault(HEX.formatHex(key), Map.of());
        rights.addAll(byDocument.getOrDefault(document, EnumSet.noneOf(Right.class)));
        rights.addAll(byDocument.getOrDefault(EVERY_DOCUMENT, EnumSet.noneOf(Right.class)));
    }
}
