package dev.hyphae.handshake;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

import static dev.hyphae.framing.FramingLimits.MAX_FRAME_SIZE;
import static dev.hyphae.framing.FramingLimits.MIN_FRAME_SIZE;

/**
 * Version and capability negotiation (specification, "Versioning and Extensibility", sections "Version
 * negotiation" and "Capabilities"): the responder's choice from the initiator's offer, and the initiator's
 * check of that choice. The handshake carries the offer and the selection in its payloads, where Noise binds
 * them into the transcript; this class decides, given what was received.
 */
public final class Negotiation {

    /**
     * What the initiator offers.
     *
     * @param versions     the versions it supports, in any order
     * @param capabilities the ids of the capabilities it offers
     * @param critical     those of them it cannot do without
     * @param maxFrameSize the largest frame the initiator accepts (framing), 1024 to 65535
     */
    public record Offer(List<ProtocolVersion> versions, SortedSet<Integer> capabilities, SortedSet<Integer> critical,
                        int maxFrameSize) {
        public Offer {
            versions = List.copyOf(versions);
            capabilities = new TreeSet<>(capabilities);
            critical = new TreeSet<>(critical);
            if (!capabilities.containsAll(critical)) {
                throw new IllegalArgumentException("a critical capability must be offered");
            }
            checkFrameSize(maxFrameSize);
        }

        /** An offer that accepts frames up to 65535 bytes. */
        public Offer(List<ProtocolVersion> versions, SortedSet<Integer> capabilities, SortedSet<Integer> critical) {
            this(versions, capabilities, critical, MAX_FRAME_SIZE);
        }

        /** An offer in which no capability is critical, accepting frames up to 65535 bytes. */
        public Offer(List<ProtocolVersion> versions, SortedSet<Integer> capabilities) {
            this(versions, capabilities, new TreeSet<>());
        }
    }

    // HY-FRAME-001: a maximum receive frame size is MIN_FRAME_SIZE to MAX_FRAME_SIZE; MAX_FRAME_SIZE is the default.
    static void checkFrameSize(int size) {
        if (size < MIN_FRAME_SIZE || size > MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("a maximum frame size is " + MIN_FRAME_SIZE + " to " + MAX_FRAME_SIZE + ", not " + size);
        }
    }

    /**
     * What the responder selects.
     *
     * @param version      the negotiated version
     * @param capabilities the ids of the capabilities in force for the session
     * @param maxFrameSize the largest frame the responder accepts, 1024 to 65535
     */
    public record Selection(ProtocolVersion version, SortedSet<Integer> capabilities, int maxFrameSize) {
        public Selection {
            capabilities = new TreeSet<>(capabilities);
            checkFrameSize(maxFrameSize);
        }

        /** A selection that accepts frames up to 65535 bytes. */
        public Selection(ProtocolVersion version, SortedSet<Integer> capabilities) {
            this(version, capabilities, MAX_FRAME_SIZE);
        }
    }

    private Negotiation() {
    }

    /**
     * The responder's selection: the highest version both support, and the offered capabilities it knows.
     *
     * @param supported the versions the responder supports
     * @param known     the capabilities the responder implements
     * @throws ProtocolException {@code UNSUPPORTED_VERSION} if no version is common; {@code PROTOCOL_VIOLATION}
     *                           if the offer holds capability 0
     */
    public static Selection select(Offer offer, Collection<ProtocolVersion> supported, Set<Integer> known)
            throws ProtocolException {
        return select(offer, supported, known, MAX_FRAME_SIZE);
    }

    /** As {@link #select(Offer, Collection, Set)}, announcing {@code maxFrameSize} as the responder's largest frame. */
    public static Selection select(Offer offer, Collection<ProtocolVersion> supported, Set<Integer> known, int maxFrameSize)
            throws ProtocolException {
        // HY-VER-028: capability 0 is never assigned; an offer holding it is a violation.
        if (offer.capabilities().contains(0)) {
            throw ProtocolException.sessionError(ErrorCode.PROTOCOL_VIOLATION, "the offer holds capability 0");
        }
        // HY-VER-002: the highest version in both the offer and the responder's support.
        ProtocolVersion chosen = null;
        for (ProtocolVersion v : offer.versions()) {
            if (supported.contains(v) && (chosen == null || v.compareTo(chosen) > 0)) {
                chosen = v;
            }
        }
        if (chosen == null) {
            // HY-VER-003
            throw ProtocolException.sessionError(ErrorCode.UNSUPPORTED_VERSION,
                    "no version in common: offered %s, supported %s", offer.versions(), supported);
        }
        // HY-HS-010: an offered capability marked critical that the responder does not know ends the handshake.
        for (int critical : offer.critical()) {
            if (!known.contains(critical)) {
                throw ProtocolException.sessionError(ErrorCode.UNSUPPORTED_CAPABILITY,
                        "the offer marks capability %d critical, which this responder does not implement", critical);
            }
        }
        // HY-VER-025: unknown offered capabilities are ignored. HY-VER-026: select only known and offered ones.
        TreeSet<Integer> capabilities = new TreeSet<>(offer.capabilities());
        capabilities.retainAll(known);
        return new Selection(chosen, capabilities, maxFrameSize);
    }

    /**
     * The initiator's check of the responder's selection against what it offered.
     *
     * @throws ProtocolException {@code PROTOCOL_VIOLATION} if the version was not offered, or a capability is
     *                           0 or was not offered
     */
    public static void check(Offer offered, Selection selection) throws ProtocolException {
        // HY-VER-004
        if (!offered.versions().contains(selection.version())) {
            throw ProtocolException.sessionError(ErrorCode.PROTOCOL_VIOLATION,
                    "the responder selected version %s, which was not offered", selection.version());
        }
        // HY-VER-028
        if (selection.capabilities().contains(0)) {
            throw ProtocolException.sessionError(ErrorCode.PROTOCOL_VIOLATION, "the selection holds capability 0");
        }
        // HY-VER-027
        if (!offered.capabilities().containsAll(selection.capabilities())) {
            TreeSet<Integer> extra = new TreeSet<>(selection.capabilities());
            extra.removeAll(offered.capabilities());
            throw ProtocolException.sessionError(ErrorCode.PROTOCOL_VIOLATION,
                    "the responder selected capabilities %s, which were not offered", extra);
        }
    }
}
