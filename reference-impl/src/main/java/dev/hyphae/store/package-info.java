/**
 * Durable storage in the reference implementation (specification, chapter "Sync", section "Storage in the reference
 * implementation", which is informative: storage is not on the wire). {@link dev.hyphae.store.ReplicaStore} owns a
 * replica's folder (its lock, replica id, neighbours file, one folder per document, and the atomic replacement of
 * small files); {@link dev.hyphae.store.DocumentStore} a document's snapshot and log; {@link dev.hyphae.store.RecordLog}
 * the append-only file of checksummed records under both. It stores payloads and positions as bytes and numbers.
 *
 * <p>Depends on {@code dev.hyphae.data} only. Must not depend on the codec, the CRDTs or any layer above: it never
 * decodes what it stores. Its fault-injection seams (a power loss, and the file-opening point through which tests
 * fill the disk or fail it) are package-private and reached only from tests.
 */
package dev.hyphae.store;
