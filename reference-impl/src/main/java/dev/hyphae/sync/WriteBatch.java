package dev.hyphae.sync;

import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.MutableState;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Value;

import java.util.HashSet;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The writes of one batch to one document ({@link Replica#batch}), made while the batch is open. A write of the batch
 * reads the document as if every earlier write of the batch were applied, but none is applied to the document until
 * the batch closes: then their join is applied, and stored as one entry of the log, as one unit. So a batch is
 * durable entirely or not at all, and a batch that a write of it refuses (a delta that touches another key, a
 * mutator that throws) changes nothing.
 *
 * <p>Used only under the document's lock, on the thread that opened the batch. The writes are joined into a
 * {@link MutableState} of their own, so that each write costs what its delta costs, and the batch's join is encoded
 * once, not once per write.
 *
 * <p>A write's view of a key that no earlier write of the batch touched is the document's entries under that key
 * with the batch's context, without a join: a write to one key is refused if its delta touches an entry under
 * another key, here or in the document, so the batch's deltas so far neither add to nor remove from the entries under
 * a key they were not written to. The context is kept as the document's joined with each delta's as it comes. So such
 * a view costs what a single write's view costs, not a join of two states (the batch of the sensor workload, one
 * write per key, is all of this kind). A key written already, or any key after a write that saw the whole state, is
 * read by joining the document's entries and the batch's.
 */
public final class WriteBatch {

    private final DocumentReplica document;
    /** The join of the batch's deltas so far. */
    private final MutableState pending = new MutableState();
    /** The thread that opened the batch: the only one that may write through it. */
    private final Thread owner = Thread.currentThread();
    private boolean open = true;
    /** The root keys that the batch's writes touched; every key once a write saw the whole state. */
    private final Set<Value> written = new HashSet<>();
    private boolean wroteAnyKey;
    /** The document's causal context joined with those of the batch's deltas so far; null until first asked for. */
    private CausalContext seen;

    WriteBatch(DocumentReplica document) {
        this.document = document;
    }

    /**
     * Applies a write of the batch: {@code mutator} receives the entries under {@code key} of the document's root map
     * with the whole causal context, the batch's earlier writes included, and returns a delta; a null {@code key}
     * gives it the whole state and lets the delta touch any key.
     *
     * @return the delta
     * @throws IllegalArgumentException if the delta touches an entry under another key than {@code key}, which its
     *                                  mutator did not see; the batch is then refused whole, as is one whose mutator
     *                                  throws
     * @throws IllegalStateException    if the batch is closed, or used by another thread than its function's
     */
    public CausalState<ORMap> write(Value key, UnaryOperator<CausalState<ORMap>> mutator) {
        checkOpen();
        CausalState<ORMap> delta = mutator.apply(key == null ? state() : entriesUnder(key));
        if (delta.isEmptyDelta()) {
            return delta;
        }
        MutableState.Join joined = pending.prepare(delta);
        if (key != null && !(joined.touchesOnly(key) && document.touchesOnly(delta, key))) {
            throw new IllegalArgumentException("a write to key " + key + " touches an entry under another key");
        }
        joined.apply();
        if (key == null) {
            wroteAnyKey = true;
        } else {
            written.add(key);
        }
        if (seen != null) {
            seen = seen.union(delta.context());
        }
        return delta;
    }

    /** The entries under {@code key} of the root map, with the whole context, as the batch's writes so far leave them. */
    public CausalState<ORMap> entriesUnder(Value key) {
        checkOpen();
        if (wroteAnyKey || written.contains(key)) {
            return document.entriesUnder(key).join(pending.entriesUnder(key));
        }
        // No delta of the batch touched the entries under this key (see the class's comment).
        return new CausalState<>(document.entriesUnder(key).store(), context());
    }

    /** The causal context, as the batch's writes so far leave it. */
    public CausalContext context() {
        checkOpen();
        if (seen == null) {
            seen = pending.isEmpty() ? document.context() : document.context().union(pending.context());
        }
        return seen;
    }

    /** The whole state, as the batch's writes so far leave it: in time proportional to the state. */
    public CausalState<ORMap> state() {
        checkOpen();
        return document.state().join(pending.state());
    }

    /** Closes the batch; returns the join of its writes, which the document applies and stores as one entry. */
    CausalState<ORMap> close() {
        open = false;
        return pending.state();
    }

    /** Closes the batch, whose writes are dropped. */
    void abandon() {
        open = false;
    }

    private void checkOpen() {
        if (!open) {
            throw new IllegalStateException("the batch is closed: its writes are made in the function that receives it");
        }
        // Confined to its function: a batch leaked to another thread would
        // read and write the document without its lock.
        if (Thread.currentThread() != owner || !Thread.holdsLock(document)) {
            throw new IllegalStateException("the batch is used by another thread than its function's");
        }
    }
}
