/**
 * The encoding of CRDT payloads (specification, chapter "Encoding"): {@link dev.hyphae.codec.Codec} encodes
 * and decodes, verifying every buffer before reading it; {@link dev.hyphae.codec.JsonView} renders a decoded
 * state for the test vectors and the conformance suite. Depends on {@code dev.hyphae.crdt},
 * {@code dev.hyphae.data} and the code flatc generates from {@code spec/schema/payload.fbs}
 * ({@code hyphae.v1}), never on anything above it.
 */
package dev.hyphae.codec;
