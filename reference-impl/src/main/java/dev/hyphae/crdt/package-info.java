/**
 * The seven CRDT types of version 1 (specification, chapter "Data model"), each a dot store with delta
 * mutators, a join and queries, and {@link dev.hyphae.crdt.CausalState}, a store with its causal context.
 *
 * <p>Everything here is immutable and free of I/O. Depends on {@code dev.hyphae.data} only; the codec
 * depends on this package, never the reverse.
 */
package dev.hyphae.crdt;
