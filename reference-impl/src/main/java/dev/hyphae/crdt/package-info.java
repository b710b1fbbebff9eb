/**
 * The seven CRDT types of version 1 (specification, chapter "Data model"), each a dot store with delta
 * mutators, a join and queries, and {@link dev.hyphae.crdt.CausalState}, a store with its causal context.
 *
 * <p>Everything here is free of I/O, and immutable but {@link dev.hyphae.crdt.MutableState}, the state a replica
 * holds and joins deltas into in place, which computes exactly the join of the immutable types. Depends on {@code dev.hyphae.data} only; the codec
 * depends on this package, never the reverse.
 */
package dev.hyphae.crdt;
