/**
 * The framed, encrypted channel that carries session messages after the handshake (specification, chapter
 * "Framing"): {@link dev.hyphae.framing.FramedChannel}, over any reliable, ordered byte stream, and the
 * chapter's constants, {@link dev.hyphae.framing.FramingLimits}, which the handshake uses too when it
 * negotiates frame sizes. Depends on {@code dev.hyphae.noise} for its cipher states, and maps the Noise layer's
 * failures to the framing's error codes.
 */
package dev.hyphae.framing;
