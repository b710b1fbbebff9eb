/**
 * The oracle and the generators of the suite: {@link dev.hyphae.conformance.model.Model}, a thin face of the
 * executable model ({@code dev.hyphae.model}, written from the specification apart from the reference
 * implementation), and the handshake sides that the suite plays. Never the system under test, and never given the
 * adapter's answers to agree with.
 */
package dev.hyphae.conformance.model;
