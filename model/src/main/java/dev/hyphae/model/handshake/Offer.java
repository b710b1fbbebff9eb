package dev.hyphae.model.handshake;

import java.util.List;

/**
 * The {@code Offer} of the first handshake message, as the responder reads it: taken as it came, so that what the
 * specification refuses in it (a capability listed twice, capability 0, a frame size below 1024) can be said.
 *
 * @param versions     the versions the initiator supports, in any order (the order has no meaning)
 * @param capabilities the capabilities it offers, each perhaps marked critical
 * @param maxFrameSize the {@code max_frame_size} field as sent, 0 to 65535: 0 (or absent) stands for 65535
 */
public record Offer(List<ProtocolVersion> versions, List<Capability> capabilities, int maxFrameSize) {

    public Offer {
        versions = List.copyOf(versions);
        capabilities = List.copyOf(capabilities);
        Negotiation.requireUnsigned16(maxFrameSize, "max_frame_size");
    }
}
