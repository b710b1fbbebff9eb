package dev.hyphae.peer;

import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.ORMap;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One document of a {@link Peer}: a map from keys to values of the seven types, read and written through typed
 * handles. Every write is stored durably before it returns, then sent to every neighbour that may read it.
 *
 * <pre>{@code
 * Document plant = peer.document("plant-7");
 * plant.map().counter("kwh").increment(3);
 * plant.map().register("firmware").set("1.4.2");
 * plant.map().set("alarms").add("overheat");
 * plant.map().map("line-2").flag("running").enable();
 * BigInteger kwh = plant.map().counter("kwh").value();
 * }</pre>
 */
public final class Document {

    private final Peer peer;
    private final String name;

    Document(Peer peer, String name) {
        this.peer = peer;
        this.name = name;
    }

    /** The document's name. */
    public String name() {
        return name;
    }

    /** The document's root map. */
    public MapHandle map() {
        return new MapHandle(this, java.util.List.of());
    }

    /**
     * Makes the writes that {@code writes} makes through the handle it is given as one batch, one unit that is durable
     * entirely or not at all. Each write reads the document as the batch's earlier writes leave it; when
     * {@code writes} returns, the batch is applied (reads see it from then on) and stored as ONE record of the log,
     * with one sync; only once that sync is done does the future complete, and only then is the batch sent to
     * neighbours, as one delta. A crash never keeps part of a batch.
     *
     * <p>Failures are the whole batch's: the future fails with a {@link WriteFailedException} of code
     * {@code NOT_WRITTEN} if storage refused the batch (nothing of it applied; it can be made again as it is), or
     * {@code IN_DOUBT} if its sync failed (applied here, durable only once storage recovers, or lost whole in a
     * crash before then). A write of the batch that touches another key than its handle's, a batch larger than one
     * payload may be, or a closed peer, throws at once, and nothing of the batch is applied.
     *
     * <p>{@code writes} runs under the document's lock: keep it to the batch's writes, and use only the handle it is
     * given (and the handles it hands out), not the document's other handles.
     *
     * <pre>{@code
     * plant.batch(map -> {
     *     for (Reading r : readings) {
     *         map.register(r.sensor()).set(r.value());
     *     }
     * }).join();   // every reading durable, with one record and one sync
     * }</pre>
     */
    public CompletableFuture<Void> batch(Consumer<MapHandle> writes) {
        return peer.batch(this, writes);
    }

    /**
     * The number of the last entry of this peer's log of the document: each write, each batch, and each delta from a
     * neighbour that changed the document is one entry. A {@link Connection} whose {@link Connection#acknowledged}
     * reaches it has a neighbour that holds, durably, everything this document held when it was read.
     */
    public long logLength() {
        return peer.replica().seq(name);
    }

    /** The whole state, as the protocol sees it: for inspection and tools. */
    public CausalState<ORMap> state() {
        return peer.state(name);
    }

    /**
     * Calls {@code listener} after every change to this document, local or from a neighbour, once it is durable;
     * changes made durable by one sync (a batch, or writes of several threads) are told once.
     */
    public void onChange(Consumer<Document> listener) {
        peer.onChange((document, local) -> {
            if (document.equals(name)) {
                listener.accept(this);
            }
        });
    }

    Peer peer() {
        return peer;
    }
}
