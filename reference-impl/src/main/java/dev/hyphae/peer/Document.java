package dev.hyphae.peer;

import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.ORMap;

import java.util.ArrayList;
import java.util.List;
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
     * Makes the writes that {@code writes} makes through the handle it is given as one batch: each is applied at
     * once (reads see it) and appended to the log, and all of them share one sync to storage, instead of one sync
     * each. Returns a future completed once every write of the batch is durable, and only then are they sent to
     * neighbours; or failed with a {@link WriteFailedException}, whose code is that of the first write of the batch
     * that could not be made durable ({@code NOT_WRITTEN}: refused whole; {@code IN_DOUBT}: applied here, durable
     * only once storage recovers). The writes after a refused one are still made. A write of the batch that touches
     * another key than its handle's, or a closed peer, throws at once, as a blocking write does.
     *
     * <pre>{@code
     * plant.batch(map -> {
     *     for (Reading r : readings) {
     *         map.register(r.sensor()).set(r.value());
     *     }
     * }).join();   // every reading durable, with one sync
     * }</pre>
     */
    public CompletableFuture<Void> batch(Consumer<MapHandle> writes) {
        List<CompletableFuture<?>> futures = new ArrayList<>();
        writes.accept(new MapHandle(this, List.of(), futures));
        CompletableFuture<Void> all = new CompletableFuture<>();
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).whenComplete((ignored, failure) -> {
            if (failure == null) {
                all.complete(null);
                return;
            }
            for (CompletableFuture<?> future : futures) {   // in the order the writes were made
                if (future.isCompletedExceptionally()) {
                    all.completeExceptionally(future.handle((value, e) -> e).join());
                    return;
                }
            }
        });
        return all;
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
