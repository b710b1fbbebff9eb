package dev.hyphae.model.handshake;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a responder brings to the negotiation: its configuration, not anything it received.
 *
 * @param supported    the versions it supports (section "Protocol versions": implemented and configured)
 * @param known        the capabilities it implements; never 0, which is never assigned and so never known
 * @param maxFrameSize the largest frame it accepts, which it announces in its {@code Selection}: 1024 to 65535
 */
public record Responder(SortedSet<ProtocolVersion> supported, SortedSet<Integer> known, int maxFrameSize) {

    public Responder {
        supported = new TreeSet<>(supported);
        known = new TreeSet<>(known);
        if (known.contains(0)) {
            throw new IllegalArgumentException("capability 0 is never assigned, so no responder knows it");
        }
        for (int id : known) {
            Negotiation.requireUnsigned16(id, "a capability id");
        }
        if (maxFrameSize < Negotiation.MIN_FRAME_SIZE || maxFrameSize > Negotiation.MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("a maximum receive frame size is 1024 to 65535, not " + maxFrameSize);
        }
    }

    /** A responder that accepts frames up to 65535 bytes. */
    public Responder(Set<ProtocolVersion> supported, Set<Integer> known) {
        this(new TreeSet<>(supported), new TreeSet<>(known), Negotiation.MAX_FRAME_SIZE);
    }
}
