package dev.hyphae.store;

import java.io.IOException;

/**
 * Fault injection for tests: a power loss under a replica folder. Every document store keeps only what it synced
 * (as a power loss may cut back what the operating system had buffered), its files are closed, and the folder
 * is released so that the replica can be opened again from it, as after a restart.
 */
public final class PowerLoss {

    private PowerLoss() {
    }

    /** Cuts every document of {@code store} back to what it synced, and releases the folder. */
    public static void strike(ReplicaStore store) throws IOException {
        store.loseUnsynced();
    }
}
