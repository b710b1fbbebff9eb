/**
 * An executable model of the data model of the specification (chapter "Data model"): replica ids, dots, causal
 * contexts, values and their order, the dot stores of the seven CRDT types of version 1 and of types the model
 * does not know, their join, their delta mutators and their query; and the JSON view of chapter "Test vectors".
 *
 * <p>The model is written from the specification and shares no code with the reference implementation: it is the
 * oracle of the conformance suite, and replicas are checked against it by generated properties. Everything in it
 * is immutable, and every definition follows the specification's, in its words, before any concern for speed.
 * It must not depend on the reference implementation ({@code dev.hyphae.crdt}, {@code dev.hyphae.codec},
 * {@code dev.hyphae.data} and the rest).
 *
 * <p>How an implementation is checked against it: draw states and mutation plans from the test kit
 * ({@link dev.hyphae.model.testkit.States}, {@link dev.hyphae.model.testkit.Mutations}); carry a state over as a
 * payload ({@link dev.hyphae.model.encoding.PayloadEncoder}) or as its {@link JsonView}; apply the same
 * {@link Mutation}s to the model ({@link Mutators}) and to the implementation, and join the same deltas in both;
 * then compare the JSON views, the {@link Query queries} and the refusals. A replica of any internal design, mutable
 * and fast, is right when it cannot be told apart from the model this way.
 */
package dev.hyphae.model;
