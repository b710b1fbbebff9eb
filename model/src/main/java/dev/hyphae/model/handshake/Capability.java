package dev.hyphae.model.handshake;

/**
 * A capability as an {@link Offer} lists it: its id in the registry of capabilities, and whether the initiator
 * marks it critical, that is cannot do without it. Parameters are the capability's own business and play no part
 * in the negotiation, so the model leaves them out.
 */
public record Capability(int id, boolean critical) {

    public Capability {
        if (id < 0 || id > 0xFFFF) {
            throw new IllegalArgumentException("a capability id is an unsigned 16-bit integer, not " + id);
        }
    }

    /** A capability that the initiator can do without. */
    public static Capability optional(int id) {
        return new Capability(id, false);
    }

    /** A capability that the initiator marks critical. */
    public static Capability critical(int id) {
        return new Capability(id, true);
    }
}
