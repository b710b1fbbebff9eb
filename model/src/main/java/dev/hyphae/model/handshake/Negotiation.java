package dev.hyphae.model.handshake;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

import static dev.hyphae.model.handshake.ErrorRegistry.HANDSHAKE_FAILED;
import static dev.hyphae.model.handshake.ErrorRegistry.MALFORMED_MESSAGE;
import static dev.hyphae.model.handshake.ErrorRegistry.PROTOCOL_VIOLATION;
import static dev.hyphae.model.handshake.ErrorRegistry.UNSUPPORTED_CAPABILITY;
import static dev.hyphae.model.handshake.ErrorRegistry.UNSUPPORTED_VERSION;

/**
 * The negotiation of a handshake, as two pure functions: {@link #respond} is the responder's reading of the offer
 * (message 1), {@link #check} the initiator's reading of the selection (message 2). Between two conforming sides,
 * the outcome of the negotiation is {@code respond}'s: the initiator accepts every selection that a conforming
 * responder makes.
 *
 * <p>Each rule below cites the requirement it follows. Where an offer breaks several rules at once, the responder
 * refuses it with the code of the first in the order of HY-HS-012, so {@link #respond} admits exactly one code.
 * Where a selection breaks several, the specification does not say which refusal comes first, so {@link #check}
 * does not choose: its {@link Outcome.Refused} admits the code of each rule that is broken.
 */
public final class Negotiation {

    /** The largest maximum receive frame size, and what 0 or an absent {@code max_frame_size} stands for. */
    public static final int MAX_FRAME_SIZE = 65_535;
    /** The smallest maximum receive frame size that a peer can announce. */
    public static final int MIN_FRAME_SIZE = 1024;

    private Negotiation() {
    }

    /**
     * What the responder does with {@code offer}: selects from it, or refuses it when it reads message 1 with the code
     * of the first check of HY-HS-012 that fails (and reports the refusal to the initiator in its selection when
     * {@link #isReported} says so, HY-HS-006, HY-HS-013).
     */
    public static Outcome respond(Offer offer, Responder responder) {
        return respond(offer, responder, false);
    }

    /**
     * As {@link #respond(Offer, Responder)}, for a message 1 whose ephemeral key is of low order when
     * {@code lowOrderEphemeral}: the DH of check 3 of HY-HS-012 then gives all zeros (HY-HS-016).
     */
    public static Outcome respond(Offer offer, Responder responder, boolean lowOrderEphemeral) {
        Integer refusal = firstRefusal(offer, responder, lowOrderEphemeral);
        if (refusal != null) {
            return new Outcome.Refused(Outcome.Side.RESPONDER, 1, new TreeSet<>(Set.of(refusal)));
        }
        List<Integer> ids = offer.capabilities().stream().map(Capability::id).toList();
        ProtocolVersion chosen = highestCommon(offer, responder);
        // HY-VER-025: offered capabilities that the responder does not know are ignored, and so those it knows are
        // not; HY-VER-026: it selects only capabilities that it knows and that were offered. The model reads the two
        // together as "select exactly the offered capabilities that the responder knows"; no sentence says in so
        // many words that a responder may not leave out one that it knows.
        SortedSet<Integer> capabilities = new TreeSet<>(ids);
        capabilities.retainAll(responder.known());
        return new Outcome.Agreed(chosen, capabilities, frameSize(offer.maxFrameSize()), responder.maxFrameSize());
    }

    /**
     * The code of the first of the checks of HY-HS-012 that {@code offer} fails, after the Noise layer (which the
     * model does not play), or null when the responder selects.
     */
    private static Integer firstRefusal(Offer offer, Responder responder, boolean lowOrderEphemeral) {
        List<Integer> ids = offer.capabilities().stream().map(Capability::id).toList();
        // 2. HY-HS-003: a capability listed twice makes the offer malformed; HY-HS-011: so does a frame size from 1 to 1023.
        if (new HashSet<>(ids).size() != ids.size() || !isFrameSize(offer.maxFrameSize())) {
            return MALFORMED_MESSAGE;
        }
        // 3. HY-HS-016: the DH with a low-order ephemeral key gives all zeros, and no message 2 can be written.
        if (lowOrderEphemeral) {
            return HANDSHAKE_FAILED;
        }
        // 4. HY-VER-028: capability 0 is never assigned; in an offer it is a violation.
        if (ids.contains(0)) {
            return PROTOCOL_VIOLATION;
        }
        // 5. HY-VER-003: there must be a version in common.
        if (highestCommon(offer, responder) == null) {
            return UNSUPPORTED_VERSION;
        }
        // 6. HY-HS-010: a capability that the initiator marks critical, and that the responder does not know, ends it.
        for (Capability c : offer.capabilities()) {
            if (c.critical() && !responder.known().contains(c.id())) {
                return UNSUPPORTED_CAPABILITY;
            }
        }
        return null;
    }

    /** HY-VER-002: the highest version that is both offered and supported, or null. */
    private static ProtocolVersion highestCommon(Offer offer, Responder responder) {
        return offer.versions().stream().filter(responder.supported()::contains).max(ProtocolVersion::compareTo).orElse(null);
    }

    /**
     * Whether a responder that refuses message 1 with {@code code} reports it in message 2 (HY-HS-013): a refusal of
     * a well-formed offer is reported; one of a message that it cannot read or verify ends the handshake silently.
     */
    public static boolean isReported(int code) {
        return code == PROTOCOL_VIOLATION || code == UNSUPPORTED_VERSION || code == UNSUPPORTED_CAPABILITY;
    }

    /**
     * What the initiator, which sent {@code offer}, does with {@code selection}: accepts it, with the outcome that it
     * then holds, or refuses it when it reads message 2 (and sends no third message).
     */
    public static Outcome check(Offer offer, Selection selection) {
        SortedSet<Integer> refusals = new TreeSet<>();
        List<Integer> ids = selection.capabilities();
        // HY-HS-003: a selection with neither a version nor an error, or a capability selected twice, is malformed.
        if (selection.version() == null && selection.error() == 0) {
            refusals.add(MALFORMED_MESSAGE);
        }
        if (new HashSet<>(ids).size() != ids.size()) {
            refusals.add(MALFORMED_MESSAGE);
        }
        // HY-HS-011: a maximum frame size from 1 to 1023 is malformed.
        if (!isFrameSize(selection.maxFrameSize())) {
            refusals.add(MALFORMED_MESSAGE);
        }
        if (selection.error() != 0) {
            // HY-HS-007: the responder's code if it has session scope in the registry, HANDSHAKE_FAILED otherwise.
            refusals.add(initiatorEndsWith(selection.error()));
            return new Outcome.Refused(Outcome.Side.INITIATOR, 2, refusals);
        }
        // HY-VER-004: the selected version must be one that was offered.
        if (selection.version() != null && !offer.versions().contains(selection.version())) {
            refusals.add(PROTOCOL_VIOLATION);
        }
        // HY-VER-028: capability 0 in a selection is a violation; HY-VER-027: so is one that was not offered.
        Set<Integer> offered = new HashSet<>(offer.capabilities().stream().map(Capability::id).toList());
        for (int id : ids) {
            if (id == 0 || !offered.contains(id)) {
                refusals.add(PROTOCOL_VIOLATION);
            }
        }
        if (!refusals.isEmpty()) {
            return new Outcome.Refused(Outcome.Side.INITIATOR, 2, refusals);
        }
        return new Outcome.Agreed(selection.version(), new TreeSet<>(ids), frameSize(offer.maxFrameSize()),
                frameSize(selection.maxFrameSize()));
    }

    /**
     * The code with which an initiator ends a handshake whose selection holds the error {@code code}: that code if
     * the registry gives it session scope, {@code HANDSHAKE_FAILED} otherwise (HY-HS-007).
     */
    public static int initiatorEndsWith(int code) {
        return ErrorRegistry.hasSessionScope(code) ? code : HANDSHAKE_FAILED;
    }

    /** Whether {@code announced}, a {@code max_frame_size} as sent, is acceptable: 0, or 1024 to 65535 (HY-HS-011). */
    static boolean isFrameSize(int announced) {
        return announced == 0 || announced >= MIN_FRAME_SIZE;
    }

    /** The maximum receive frame size that {@code announced} stands for: 0 or absent is 65535 (HY-HS-011). */
    static int frameSize(int announced) {
        return announced == 0 ? MAX_FRAME_SIZE : announced;
    }

    static void requireUnsigned16(int value, String what) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException(what + " is an unsigned 16-bit integer, not " + value);
        }
    }
}
