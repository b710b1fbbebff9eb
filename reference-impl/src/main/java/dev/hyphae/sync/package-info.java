/**
 * The sync layer (specification, chapter "Sync"): per document, anti-entropy with delta-intervals and
 * acknowledgements. {@link dev.hyphae.sync.Replica} holds a replica's documents, applies local writes, tells
 * listeners of changes, and gives the sessions, through a private adapter, the {@code SyncLayer} they run over;
 * {@code DocumentReplica} is one document's state, delta log and positions {@code held} and {@code acked}, with
 * garbage collection;
 * {@code AntiEntropy} is one document with one neighbour, the interval sender (intervals, difference, full state)
 * and receiver (position check, join, storage, position to acknowledge); {@code Difference} is the
 * difference of a state from a summary.
 *
 * <p>Depends on {@code dev.hyphae.session} (its messages, and the two interfaces that it implements for the session
 * above it), {@code dev.hyphae.codec}, {@code dev.hyphae.crdt}, {@code dev.hyphae.data}, {@code dev.hyphae.handshake}
 * (to start sessions) and {@code dev.hyphae.store}. Must not depend on {@code dev.hyphae.peer},
 * {@code dev.hyphae.framing} or {@code dev.hyphae.noise}, nor know where or how its documents are laid out on disk.
 */
package dev.hyphae.sync;
