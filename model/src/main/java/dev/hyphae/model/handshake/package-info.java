/**
 * An executable model of the version and capability negotiation of the handshake (specification, chapters
 * "Handshake" and "Versioning and Extensibility"): what a responder selects from an {@link
 * dev.hyphae.model.handshake.Offer}, or the codes with which it refuses it; and what an initiator makes of the
 * {@link dev.hyphae.model.handshake.Selection} it receives. Pure functions of what the two sides announce, with no
 * Noise, no keys and no bytes: the payloads' encoding is the codec's, and the transcript's protection of the
 * negotiation is Noise's.
 *
 * <p>It is written from the specification and shares no code with the reference implementation, so that the
 * conformance suite can take its expected outcome of a handshake from here rather than from the code it judges. It
 * must not depend on the reference implementation ({@code dev.hyphae.handshake} and the rest).
 */
package dev.hyphae.model.handshake;
