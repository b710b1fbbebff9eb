package dev.hyphae.store;

import java.io.IOException;

/**
 * Stored data is damaged in a way that recovery must not repair silently: a synced record, or a snapshot,
 * fails its checksum. The store refuses to open; nothing is dropped.
 */
public final class DamagedStoreException extends IOException {

    public DamagedStoreException(String message) {
        super(message);
    }
}
