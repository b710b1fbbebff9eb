/**
 * The model's encoding of states as payloads and its decoding of payloads, written from chapter "Encoding":
 * the FlatBuffers layout of {@code spec/schema/payload.fbs}, its verification, the packed columns and the rules on
 * batches, values and stores. The decoder is a verdict, not a convenience: it accepts exactly the payloads that the
 * chapter accepts, and names the phase in which it refuses the others. It reads untrusted bytes itself, after its
 * own verification; it must not depend on the reference implementation.
 */
package dev.hyphae.model.encoding;
