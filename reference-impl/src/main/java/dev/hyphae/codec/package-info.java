/**
 * The encoding of CRDT payloads (specification, chapter "Encoding"), and the verification of the FlatBuffers
 * buffers of every Hyphae message.
 *
 * <p>{@link dev.hyphae.codec.Codec} is the entry point: it encodes a {@link dev.hyphae.codec.Payload} and decodes
 * one, in the phases of the chapter's section "Decoding": the size, then verification of the whole buffer
 * ({@code PayloadVerification}, with {@link dev.hyphae.codec.BufferVerifier}), then decoding of the fields and
 * the data model's rules ({@code PayloadDecoding} and the classes it uses, each named after the section of the
 * chapter it follows). A payload is self-contained, or in session form against an external replica table that a
 * session keeps (section "Session form"), which the caller passes in. {@link dev.hyphae.codec.JsonView} renders a decoded state as the chapter's JSON view, for
 * the test vectors and the conformance suite.
 *
 * <p>No field id, field size or per-type column list is typed here by hand. {@link dev.hyphae.codec.Schema},
 * generated from {@code spec/schema/*.fbs} into {@code src/generated/java} (a test fails when it differs from
 * the schema or from what flatc generates), holds one {@link dev.hyphae.codec.Field} per field of every table;
 * {@code BufferVerifier} checks fields by these constants, which the session and handshake codecs use too.
 * {@code Column} names the columns of a {@code Batch} by their fields and gives the set that each CRDT type may
 * carry, as the chapter's table of columns does (a test compares the two).
 *
 * <p>Depends on {@code dev.hyphae} (errors), {@code dev.hyphae.data}, {@code dev.hyphae.crdt} and the code flatc
 * generates from the schema ({@code hyphae.v1}), and on nothing above it: not on the session, sync, store,
 * handshake, framing or peer packages. It holds no state between calls and does no input or output.
 */
package dev.hyphae.codec;
