/**
 * The model: the reference implementation in the role of the oracle. Generators of states, mutations and
 * handshake sides, and the expected answers. Never the system under test, and never given the adapter's
 * answers to agree with.
 */
package dev.hyphae.conformance.model;
