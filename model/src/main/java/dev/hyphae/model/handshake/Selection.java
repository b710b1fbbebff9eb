package dev.hyphae.model.handshake;

import java.util.List;

/**
 * The {@code Selection} of the second handshake message, as the initiator reads it: taken as it came.
 *
 * @param version      the selected version, or null when the field is absent
 * @param capabilities the ids of the capabilities selected, as listed
 * @param maxFrameSize the {@code max_frame_size} field as sent, 0 to 65535: 0 (or absent) stands for 65535
 * @param error        the {@code error} field: 0, or the code with which the responder ends the handshake
 */
public record Selection(ProtocolVersion version, List<Integer> capabilities, int maxFrameSize, int error) {

    public Selection {
        capabilities = List.copyOf(capabilities);
        for (int id : capabilities) {
            Negotiation.requireUnsigned16(id, "a capability id");
        }
        Negotiation.requireUnsigned16(maxFrameSize, "max_frame_size");
        Negotiation.requireUnsigned16(error, "error");
    }

    /** The selection with which a responder agrees to {@code agreed}. */
    public static Selection of(Outcome.Agreed agreed) {
        return new Selection(agreed.version(), List.copyOf(agreed.capabilities()), agreed.responderMaxFrameSize(), 0);
    }

    /** A selection that holds only the error {@code code} (HY-HS-006). */
    public static Selection refusal(int code) {
        return new Selection(null, List.of(), 0, code);
    }
}
