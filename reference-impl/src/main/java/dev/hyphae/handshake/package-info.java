/**
 * Hyphae's handshake (specification, chapter "Handshake") on top of the Noise state machines of
 * {@code dev.hyphae.noise}: the negotiation of version and capabilities ({@link dev.hyphae.handshake.Negotiation}),
 * the handshake payloads ({@link dev.hyphae.handshake.HandshakeCodec}), the driver of initiator and responder that
 * yields the cipher states and the peer's proven identity ({@link dev.hyphae.handshake.HyphaeHandshake}); and from
 * the chapter "Authorisation", identities, certificates and trust ({@link dev.hyphae.handshake.Certificate},
 * {@link dev.hyphae.handshake.TrustStore}) and the rights on documents ({@link dev.hyphae.handshake.AccessPolicy}).
 *
 * <p>Depends on {@code dev.hyphae.noise}, the buffer verifier of {@code dev.hyphae.codec} and the generated
 * {@code hyphae.v1} classes. Must not depend on {@code dev.hyphae.framing}, {@code dev.hyphae.session} or anything
 * above: the handshake ends where the framed channel begins.
 */
package dev.hyphae.handshake;
