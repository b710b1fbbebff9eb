package dev.hyphae.sync;

import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.data.Value;
import dev.hyphae.store.FaultyDisk;
import dev.hyphae.store.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static dev.hyphae.sync.Counters.count;
import static dev.hyphae.sync.Counters.increment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A batch of writes ({@link Replica#batch}) is one entry of the log and one unit: each write reads what the batch's
 * earlier writes leave, the batch is applied and stored whole or not at all, and its failures are the batch's. Also
 * {@link Replica#flushAsync}: complete once everything written before it is durable, and not before. The disk's
 * syncs are held at a gate ({@link FaultyDisk}) to make the interleavings happen; the timeout only turns a deadlock
 * into a failure.
 */
@Timeout(120)
class WriteBatchTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Value K = Value.of("k");
    private static final Value J = Value.of("j");

    @TempDir
    Path dir;

    private static long seq(Replica replica) throws Exception {
        return replica.document("d").seq();
    }

    @Test
    void aBatchIsOneEntryOfTheLogAndEachWriteReadsTheBatchsEarlierWrites() throws Exception {
        try (Replica replica = Replica.open(dir.resolve("r"), RANDOM)) {
            replica.write("d", K, increment(replica, K));
            long before = seq(replica);
            replica.batch("d", batch -> {
                for (int i = 0; i < 500; i++) {
                    batch.write(i % 2 == 0 ? K : J, increment(replica, i % 2 == 0 ? K : J));
                }
                assertEquals(251, batch.entriesUnder(K).store().<GCounter>get(K, CrdtType.GCOUNTER).value().longValue(),
                        "the batch reads its own writes");
                assertEquals(1, count(replica, K), "nothing of the batch is applied before it closes");
            }).join();
            assertEquals(before + 1, seq(replica), "500 writes, one entry of the log");
            assertEquals(251, count(replica, K));
            assertEquals(250, count(replica, J));
        }
        try (Replica reopened = Replica.open(dir.resolve("r"), RANDOM)) {
            assertEquals(251, count(reopened, K));
            assertEquals(250, count(reopened, J));
        }
    }

    @Test
    void aWriteThatTouchesAnotherKeyOrAMutatorThatThrowsRefusesTheWholeBatch() throws Exception {
        try (Replica replica = Replica.open(dir.resolve("r"), RANDOM)) {
            replica.write("d", K, increment(replica, K));
            long before = seq(replica);
            assertThrows(IllegalArgumentException.class, () -> replica.batch("d", batch -> {
                batch.write(J, increment(replica, J));
                batch.write(J, increment(replica, K));   // made through J's write, touches K
            }));
            assertThrows(ArithmeticException.class, () -> replica.batch("d", batch -> {
                batch.write(J, increment(replica, J));
                batch.write(J, state -> {
                    throw new ArithmeticException("the application's fault");
                });
            }));
            assertEquals(before, seq(replica));
            assertEquals(0, count(replica, J), "nothing of either batch was applied");
            assertEquals(1, count(replica, K));
            // A batch used after it closed refuses the write.
            WriteBatch[] kept = new WriteBatch[1];
            replica.batch("d", batch -> kept[0] = batch).join();
            assertThrows(IllegalStateException.class, () -> kept[0].write(K, increment(replica, K)));
        }
    }

    @Test
    void aBatchStorageRefusesIsNotWrittenAndOneWhoseSyncFailsIsInDoubtWhole() throws Exception {
        try (FaultyDisk disk = FaultyDisk.install(dir); Replica replica = Replica.open(dir.resolve("r"), RANDOM)) {
            replica.write("d", K, increment(replica, K));

            disk.fill();
            CompletableFuture<?> refused = replica.batch("d", batch -> {
                for (int i = 0; i < 10; i++) {
                    batch.write(K, increment(replica, K));
                }
            });
            assertEquals(StorageException.Code.NOT_WRITTEN, codeOf(refused));
            assertEquals(1, count(replica, K), "refused whole: nothing applied");

            disk.clear();
            disk.failSyncs();
            CompletableFuture<?> inDoubt = replica.batch("d", batch -> {
                for (int i = 0; i < 10; i++) {
                    batch.write(K, increment(replica, K));
                }
            });
            assertEquals(StorageException.Code.IN_DOUBT, codeOf(inDoubt));
            assertEquals(11, count(replica, K), "in doubt whole: applied in memory");

            disk.clear();
            replica.flushAsync().join();   // recovers: the batch in doubt is durable now
        }
        try (Replica reopened = Replica.open(dir.resolve("r"), RANDOM)) {
            assertEquals(11, count(reopened, K));
        }
    }

    @Test
    void flushAsyncCompletesOnceEverythingWrittenBeforeItIsDurableAndNotBefore() throws Exception {
        try (FaultyDisk disk = FaultyDisk.install(dir); Replica replica = Replica.open(dir.resolve("r"), RANDOM)) {
            replica.write("d", K, increment(replica, K));
            replica.write("e", K, increment(replica, K));
            assertTrue(replica.flushAsync().isDone(), "nothing waits: done at once");
            disk.closeGate();
            CompletableFuture<?> write = replica.writeAsync("d", K, increment(replica, K));
            disk.awaitSyncAtGate();
            CompletableFuture<?> batch = replica.batch("e", b -> b.write(K, increment(replica, K)));
            CompletableFuture<Void> flushed = replica.flushAsync();
            assertFalse(flushed.isDone(), "the writes before it wait for their syncs");
            assertFalse(write.isDone() || batch.isDone());
            disk.openGate();
            flushed.join();
            assertTrue(write.isDone() && !write.isCompletedExceptionally());
            assertTrue(batch.isDone() && !batch.isCompletedExceptionally());
            replica.flush();   // the blocking one, with nothing left to wait for
        }
        try (Replica reopened = Replica.open(dir.resolve("r"), RANDOM)) {
            assertEquals(2, count(reopened, K));
            assertEquals(2, count(reopened, "e", K));
        }
    }

    @Test
    void aWriteToTheBatchsOwnDocumentInsideItsFunctionIsRefusedAndLosesNothing() throws Exception {
        try (Replica replica = Replica.open(dir.resolve("r"), RANDOM)) {
            replica.write("d", K, increment(replica, K));
            replica.batch("d", batch -> {
                batch.write(K, increment(replica, K));
                // Outside the batch, such a write would take the dot the batch took: one of the two would be lost.
                IllegalStateException refused = assertThrows(IllegalStateException.class,
                        () -> replica.write("d", K, increment(replica, K)));
                assertEquals("a batch of this document is open on this thread: write through it", refused.getMessage());
                assertThrows(IllegalStateException.class, () -> replica.writeAsync("d", K, increment(replica, K)));
                assertThrows(IllegalStateException.class, () -> replica.batch("d", b -> b.write(K, increment(replica, K))));
                batch.write(K, increment(replica, K));
            }).join();
            assertEquals(3, count(replica, K));
            replica.write("d", K, increment(replica, K));   // refused only while the batch is open
            assertEquals(4, count(replica, K));
        }
        try (Replica reopened = Replica.open(dir.resolve("r"), RANDOM)) {
            assertEquals(4, count(reopened, K));
        }
    }

    @Test
    void aBatchsFunctionIsRefusedFlushesOtherBatchesAndWritesThatCouldWaitForever() throws Exception {
        try (Replica replica = Replica.open(dir.resolve("r"), RANDOM)) {
            replica.write("e", K, increment(replica, K));
            replica.batch("d", batch -> {
                batch.write(K, increment(replica, K));
                assertThrows(IllegalStateException.class, replica::flush);
                assertThrows(IllegalStateException.class, replica::flushAsync);
                assertThrows(IllegalStateException.class, () -> replica.batch("e", b -> b.write(K, increment(replica, K))));
                assertThrows(IllegalStateException.class, () -> replica.write("e", K, increment(replica, K)));
            }).join();
            replica.batch("e", b -> b.write(K, increment(replica, K))).join();   // refused only while the batch is open
            replica.flush();
            assertEquals(1, count(replica, K));
            assertEquals(2, count(replica, "e", K));
        }
    }

    @Test
    void aBatchIsConfinedToItsFunctionsThreadAndClosesWhateverEndsTheFunction() throws Exception {
        try (Replica replica = Replica.open(dir.resolve("r"), RANDOM)) {
            replica.batch("d", batch -> {
                CompletableFuture<Void> elsewhere = CompletableFuture.runAsync(() -> batch.write(K, increment(replica, K)));
                CompletionException failed = assertThrows(CompletionException.class, elsewhere::join);
                assertInstanceOf(IllegalStateException.class, failed.getCause());
                batch.write(K, increment(replica, K));
            }).join();
            assertEquals(1, count(replica, K));

            // A checked exception thrown where the compiler does not see it still closes the batch, and drops it.
            assertThrows(java.io.IOException.class, () -> replica.batch("d", batch -> {
                batch.write(K, increment(replica, K));
                WriteBatchTest.<RuntimeException>sneakyThrow(new java.io.IOException("thrown by the function"));
            }));
            assertEquals(1, count(replica, K));
            replica.write("d", K, increment(replica, K));   // the document and this thread are free again
            replica.batch("d", batch -> batch.write(K, increment(replica, K))).join();
            assertEquals(3, count(replica, K));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    @Test
    void flushFromTheCallbackOfAFutureReturnsAndMakesLaterWritesDurable() throws Exception {
        try (FaultyDisk disk = FaultyDisk.install(dir); Replica replica = Replica.open(dir.resolve("r"), RANDOM)) {
            replica.write("d", K, increment(replica, K));
            replica.write("e", K, increment(replica, K));
            disk.closeGate();
            CompletableFuture<?> write = replica.writeAsync("d", K, increment(replica, K));
            disk.awaitSyncAtGate();
            // Completed on the commit thread: a flush there must not wait for that thread.
            CompletableFuture<?> flushed = write.thenRun(() -> {
                replica.writeAsync("e", K, increment(replica, K));
                try {
                    replica.flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            disk.openGate();
            flushed.join();
        }
        try (Replica reopened = Replica.open(dir.resolve("r"), RANDOM)) {
            assertEquals(2, count(reopened, "e", K));
        }
    }

    @Test
    void whatARecoveryByFlushMakesDurableIsToldToListeners() throws Exception {
        try (FaultyDisk disk = FaultyDisk.install(dir); Replica replica = Replica.open(dir.resolve("r"), RANDOM)) {
            replica.write("d", K, increment(replica, K));
            java.util.concurrent.CountDownLatch told = new java.util.concurrent.CountDownLatch(1);
            disk.failSyncs();
            assertEquals(StorageException.Code.IN_DOUBT, codeOf(replica.batch("d", b -> b.write(K, increment(replica, K)))));
            replica.addChangeListener((document, local) -> {
                if (local) {
                    told.countDown();
                }
            });
            disk.clear();
            replica.flushAsync().join();   // recovers the document: the batch in doubt is durable now, and told
            told.await();
        }
    }

    private static StorageException.Code codeOf(CompletableFuture<?> write) {
        CompletionException failed = assertThrows(CompletionException.class, write::join);
        return assertInstanceOf(StorageException.class, failed.getCause()).code();
    }
}
