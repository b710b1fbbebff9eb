package dev.hyphae.conformance;

/**
 * The conformance profiles of the specification's chapter "Conformance": a profile is a set of
 * requirements that an implementation claims together. The first three are checked through an adapter; the Peer
 * profile over TCP, against a running peer.
 */
public enum Profile {
    /** Verification, decoding and encoding of CRDT payloads. */
    CODEC("codec", "Codec"),
    /** The CRDT types: delta-mutators, join and query, and the laws of join. */
    REPLICA_SEMANTICS("replica-semantics", "Replica semantics"),
    /** The Noise XX handshake, negotiation, identity, downgrade protection, and the framed channel after it. */
    HANDSHAKE("handshake", "Handshake"),
    /** The whole protocol between running peers over TCP: handshake, framing, session, sync and rights. */
    PEER("peer", "Peer");

    private final String id;
    private final String title;

    Profile(String id, String title) {
        this.id = id;
        this.title = title;
    }

    /** The name in the adapter protocol and the reports, such as {@code replica-semantics}. */
    public String id() {
        return id;
    }

    /** The name in the specification, such as "Replica semantics". */
    public String title() {
        return title;
    }

    /** The profile named {@code id} in the adapter protocol, or null. */
    public static Profile of(String id) {
        for (Profile p : values()) {
            if (p.id.equals(id)) {
                return p;
            }
        }
        return null;
    }
}
