package dev.hyphae.sync;

import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.Value;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.session.Session;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import dev.hyphae.store.FaultyDisk;
import dev.hyphae.store.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Group commit and locks per document. Writes from many threads, and a batch of asynchronous writes, share one sync
 * of the document's log; an asynchronous write's future completes only once the write is durable, and fails with the
 * storage's code when it cannot be; a sync under way holds up neither reads nor writes of the document, nor anything
 * of another document, nor a session's news; and a session acknowledges only after the sync (HY-SESS-043). The disk's
 * syncs are held at a gate ({@link FaultyDisk}) to make each interleaving happen, not to time anything; the timeout
 * only turns a deadlock into a failure.
 */
@Timeout(120)
class GroupCommitTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Value K = Value.of("k");

    @TempDir
    Path dir;

    private static java.util.function.UnaryOperator<CausalState<ORMap>> increment(Replica replica, Value key) {
        return state -> state.store().update(key, CrdtType.GCOUNTER,
                (GCounter c) -> c.increment(state.context(), replica.replicaId(), 1));
    }

    private static long count(Replica replica, String document, Value key) {
        return replica.state(document).store().<GCounter>get(key, CrdtType.GCOUNTER).value().longValue();
    }

    /** Spins until {@code condition} holds: for a state that another thread reaches, with no time limit of its own. */
    private static void await(java.util.function.BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            Thread.onSpinWait();
        }
    }

    @Test
    void aBatchOfAsynchronousWritesSharesOneSyncAndCompletesOnlyOnceDurable() throws Exception {
        try (FaultyDisk disk = FaultyDisk.install(dir); Replica replica = Replica.open(dir.resolve("r"), RANDOM)) {
            replica.write("d", K, increment(replica, K));
            disk.closeGate();
            int before = disk.logSyncs();
            List<CompletableFuture<CausalState<ORMap>>> writes = new ArrayList<>();
            writes.add(replica.writeAsync("d", K, increment(replica, K)));
            disk.awaitSyncAtGate();   // the first write's sync is under way
            // Few enough (some 60 KB of log) that the log stays short of compaction, whose syncs would be counted too.
            for (int i = 0; i < 198; i++) {
                writes.add(replica.writeAsync("d", K, increment(replica, K)));
            }
            assertEquals(200, count(replica, "d", K), "reads see every write at once");
            assertTrue(writes.stream().noneMatch(CompletableFuture::isDone), "no write is durable before its sync");
            disk.openGate();
            writes.get(writes.size() - 1).join();
            assertTrue(writes.stream().allMatch(w -> w.isDone() && !w.isCompletedExceptionally()),
                    "they become durable in order: the last one's completion means all are");
            assertEquals(2, disk.logSyncs() - before, "the first write's sync, then one for the 198 appended meanwhile");
        }
        try (Replica reopened = Replica.open(dir.resolve("r"), RANDOM)) {
            assertEquals(200, count(reopened, "d", K));
        }
    }

    @Test
    void blockingWritesOfManyThreadsShareOneSync() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(9);
        try (FaultyDisk disk = FaultyDisk.install(dir); Replica replica = Replica.open(dir.resolve("r"), RANDOM)) {
            replica.write("d", K, increment(replica, K));
            disk.closeGate();
            int before = disk.logSyncs();
            CompletableFuture<Void> first = CompletableFuture.runAsync(() -> write(replica, K), threads);
            disk.awaitSyncAtGate();
            List<CompletableFuture<Void>> others = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Value key = t % 2 == 0 ? K : Value.of("t" + t);   // the same key and keys of their own alike
                others.add(CompletableFuture.runAsync(() -> write(replica, key), threads));
            }
            // Every thread's write is applied and appended while the first sync is under way, and waits.
            await(() -> replica.context("d").versionVector().getOrDefault(replica.replicaId(), 0L) == 10);
            assertFalse(first.isDone(), "the first write waits for its sync");
            assertTrue(others.stream().noneMatch(CompletableFuture::isDone), "so do the others");
            disk.openGate();
            CompletableFuture.allOf(others.toArray(CompletableFuture[]::new)).join();
            first.join();
            assertEquals(6, count(replica, "d", K));
            assertEquals(2, disk.logSyncs() - before, "the first write's sync, then one for the eight threads' writes");
        } finally {
            threads.shutdownNow();
        }
    }

    private static void write(Replica replica, Value key) {
        try {
            replica.write("d", key, increment(replica, key));
        } catch (IOException e) {
            throw new CompletionException(e);
        }
    }

    @Test
    void aSyncUnderWayHoldsUpNeitherReadsNorWritesNorOtherDocuments() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (FaultyDisk disk = FaultyDisk.install(dir); Replica replica = Replica.open(dir.resolve("r"), RANDOM)) {
            replica.write("x", K, increment(replica, K));
            replica.write("y", K, increment(replica, K));
            disk.closeGate(dir.resolve("r"), "x");
            CompletableFuture<Void> held = CompletableFuture.runAsync(() -> {
                try {
                    replica.write("x", K, increment(replica, K));
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            }, threads);
            disk.awaitSyncAtGate();
            // The document's lock is not held during its sync: reads and further writes of it go on.
            assertEquals(2, count(replica, "x", K));
            CompletableFuture<CausalState<ORMap>> another = replica.writeAsync("x", K, increment(replica, K));
            assertEquals(3, count(replica, "x", K));
            // Another document is not touched by it at all.
            replica.write("y", K, increment(replica, K));
            assertEquals(2, count(replica, "y", K));
            assertFalse(held.isDone() || another.isDone());
            disk.openGate();
            held.join();
            another.join();
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    @Requirement({"HY-SESS-043", "HY-SYNC-005"})
    void aSessionSyncingOneDocumentDelaysNoWriteOfAnotherAndAcknowledgesOnlyAfterTheSync() throws Exception {
        TrustStore.Identity ida = new TrustStore.Identity(key(1), null, null);
        TrustStore.Identity idb = new TrustStore.Identity(key(2), null, null);
        AccessPolicy policy = new AccessPolicy()
                .grant(ida.staticKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE)
                .grant(idb.staticKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE);
        ExecutorService threads = Executors.newFixedThreadPool(1);
        Path bDir = dir.resolve("b");
        try (FaultyDisk disk = FaultyDisk.install(bDir);
             Replica a = Replica.open(dir.resolve("a"), RANDOM);
             Replica b = Replica.open(bDir, RANDOM)) {
            a.write("y", K, increment(a, K));
            b.write("x", K, increment(b, K));
            ConcurrentLinkedDeque<byte[]> toA = new ConcurrentLinkedDeque<>();
            ConcurrentLinkedDeque<byte[]> toB = new ConcurrentLinkedDeque<>();
            List<SessionMessage> fromB = Collections.synchronizedList(new ArrayList<>());
            Session sa = a.newSession(idb, policy, Session.Options.DEFAULT, outbox(toB, new ArrayList<>()));
            Session sb = b.newSession(ida, policy, Session.Options.DEFAULT, outbox(toA, fromB));
            sa.start(0, List.of("y"));
            sb.start(0, List.of("x"));
            while (!toA.isEmpty() || !toB.isEmpty()) {
                deliver(toB, sb);
                deliver(toA, sa);
            }
            assertEquals(1, count(b, "y", K));

            a.write("y", K, increment(a, K));   // its delta is now on its way to b
            disk.closeGate(bDir, "y");
            fromB.clear();
            CompletableFuture<Void> applying = CompletableFuture.runAsync(() -> deliver(toB, sb), threads);
            disk.awaitSyncAtGate();   // b's session has applied a's delta and holds its lock while y's log syncs
            assertEquals(2, count(b, "y", K), "applied in memory");
            assertTrue(fromB.stream().noneMatch(m -> m instanceof SessionMessage.Ack), "nothing acknowledged before the sync");

            b.write("x", K, increment(b, K));   // returns, durable, while the session is busy with y
            assertEquals(2, count(b, "x", K));
            assertFalse(applying.isDone());

            disk.openGate();
            applying.join();
            assertTrue(fromB.stream().anyMatch(m -> m instanceof SessionMessage.Ack), "acknowledged after the sync");
            // The news of x, told while the session was busy, was handled once it was free: its delta went out.
            assertTrue(fromB.stream().anyMatch(m -> m instanceof SessionMessage.Delta), String.valueOf(fromB));
            while (!toA.isEmpty() || !toB.isEmpty()) {
                deliver(toB, sb);
                deliver(toA, sa);
            }
            assertEquals(2, count(a, "x", K));
            sa.abandon();
            sb.abandon();
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    @Requirement({"HY-SYNC-023"})
    void anAsynchronousWriteThatCannotBeMadeDurableFailsWithTheStoragesCode() throws Exception {
        try (FaultyDisk disk = FaultyDisk.install(dir); Replica replica = Replica.open(dir.resolve("r"), RANDOM)) {
            replica.write("d", K, increment(replica, K));

            disk.fill();
            CompletableFuture<CausalState<ORMap>> refused = replica.writeAsync("d", K, increment(replica, K));
            assertEquals(StorageException.Code.NOT_WRITTEN, codeOf(refused));
            assertEquals(1, count(replica, "d", K), "refused whole");

            disk.clear();
            disk.failSyncs();
            CompletableFuture<CausalState<ORMap>> inDoubt = replica.writeAsync("d", K, increment(replica, K));
            assertEquals(StorageException.Code.IN_DOUBT, codeOf(inDoubt));
            assertEquals(2, count(replica, "d", K), "applied in memory");
            // While the document has not recovered, a write is refused before it is applied.
            assertEquals(StorageException.Code.NOT_WRITTEN, codeOf(replica.writeAsync("d", K, increment(replica, K))));

            disk.clear();
            replica.writeAsync("d", K, increment(replica, K)).join();   // recovers: the one in doubt is durable too
        }
        try (Replica reopened = Replica.open(dir.resolve("r"), RANDOM)) {
            assertEquals(3, count(reopened, "d", K));
        }
    }

    private static StorageException.Code codeOf(CompletableFuture<?> write) {
        CompletionException failed = assertThrows(CompletionException.class, write::join);
        return assertInstanceOf(StorageException.class, failed.getCause()).code();
    }

    private static byte[] key(int first) {
        byte[] key = new byte[32];
        key[0] = (byte) first;
        return key;
    }

    private static void deliver(java.util.Deque<byte[]> queue, Session to) {
        byte[] m;
        while ((m = queue.pollFirst()) != null) {
            to.receive(m, 0);
        }
        to.flush();
    }

    private static Session.Outbox outbox(java.util.Deque<byte[]> queue, List<SessionMessage> log) {
        return new Session.Outbox() {
            @Override
            public void send(SessionMessage message) {
                log.add(message);
                queue.addLast(SessionCodec.encode(message));
            }

            @Override
            public void end() {
            }
        };
    }
}
