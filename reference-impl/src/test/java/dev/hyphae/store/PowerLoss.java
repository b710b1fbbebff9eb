package dev.hyphae.store;

import java.io.IOException;
import java.util.Random;

/**
 * Fault injection for tests: a power loss under a replica folder. Every document store keeps what it synced and loses
 * some of the rest, page by page, in no order (as the operating system may have written back some of what it had
 * buffered and not the rest), its files are closed, and the folder is released so that the replica can be opened
 * again from it, as after a restart.
 */
public final class PowerLoss {

    private PowerLoss() {
    }

    /** Loses what {@code random} picks of what every document of {@code store} did not sync, and releases the folder. */
    public static void strike(ReplicaStore store, Random random) throws IOException {
        store.loseUnsynced(random);
    }
}
