/**
 * The framed, encrypted channel that carries session messages after the handshake (specification, chapter
 * "Framing"): {@link dev.hyphae.framing.FramedChannel}, over any reliable, ordered byte stream. Depends on
 * {@code dev.hyphae.noise} for its cipher states.
 */
package dev.hyphae.framing;
