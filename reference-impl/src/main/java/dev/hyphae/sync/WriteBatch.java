package dev.hyphae.sync;

import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.MutableState;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Value;

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
 */
public final class WriteBatch {

    private final DocumentReplica document;
    /** The join of the batch's deltas so far. */
    private final MutableState pending = new MutableState();
    /** The thread that opened the batch: the only one that may write through it. */
    private final Thread owner = Thread.currentThread();
    private boolean open = true;

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
        return delta;
    }

    /** The entries under {@code key} of the root map, with the whole context, as the batch's writes so far leave them. */
    public CausalState<ORMap> entriesUnder(Value key) {
        checkOpen();
        return document.entriesUnder(key).join(pending.entriesUnder(key));
    }

    /** The causal context, as the batch's writes so far leave it. */
    public CausalContext context() {
        checkOpen();
        return pending.isEmpty() ? document.context() : document.context().union(pending.context());
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
