/**
 * Hyphae's handshake on top of {@code dev.hyphae.noise}: so far, the negotiation of version and capabilities
 * ({@link dev.hyphae.handshake.Negotiation}). The handshake payloads and driver are specified in the chapter
 * "Handshake", an outline in this revision.
 */
package dev.hyphae.handshake;
