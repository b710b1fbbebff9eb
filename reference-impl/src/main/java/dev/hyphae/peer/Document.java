package dev.hyphae.peer;

import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.ORMap;

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

    /** The whole state, as the protocol sees it: for inspection and tools. */
    public CausalState<ORMap> state() {
        return peer.state(name);
    }

    /** Calls {@code listener} after every change to this document, local or from a neighbour. */
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
