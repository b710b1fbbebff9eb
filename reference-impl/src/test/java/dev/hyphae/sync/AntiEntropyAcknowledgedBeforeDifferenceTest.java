package dev.hyphae.sync;

import dev.hyphae.data.Seq;
import dev.hyphae.data.Value;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.session.DocumentSync;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.session.SessionTables;
import dev.hyphae.spec.Requirement;
import dev.hyphae.store.FaultyDisk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The window of a channel counts deltas by their {@code to_seq} (HY-SESS-039, HY-SESS-040): a difference or state
 * whose {@code to_seq} does not pass the greatest one sent or acknowledged would be taken for answered by an Ack that
 * came before it. A neighbour that must get a difference (its Open names no prefix of the log) may acknowledge the
 * whole log before the difference is made, having the entries from elsewhere: the difference then carries nothing
 * new, and none goes until the log holds an entry past that Ack; the one that goes then is still a difference or the
 * state, not an interval (HY-SYNC-011).
 *
 * <p>The same holds when the Ack comes while a difference or state that was made waits for the sync of the last entry
 * it covers (HY-SYNC-005): the Ack drops it, since it carries nothing past the Ack, but the neighbour is still owed a
 * difference or the state, so the decision that one is owed is cleared only where one goes, not where one is made.
 */
class AntiEntropyAcknowledgedBeforeDifferenceTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    @Test
    @Requirement({"HY-SESS-039", "HY-SESS-040", "HY-SYNC-011"})
    void noDifferenceAtOrBelowAnAckThatCameFirst() throws Exception {
        try (Replica a = Replica.open(dir.resolve("a"), RANDOM);
             Replica b = Replica.open(dir.resolve("b"), RANDOM)) {
            for (int i = 0; i < 3; i++) {
                increment(a);   // no neighbour is known, so the log keeps none of them: a neighbour needs a difference
            }
            DocumentSync sync = a.open("d", new SessionTables());
            // B's Open names no prefix of A's log, and states its (empty) summary.
            sync.opened(new SessionMessage.Open(1, "d", Right.WRITE, Right.WRITE, b.replicaId(), new TreeMap<>(), null, 0,
                    16), b.replicaId(), true);
            // B acknowledges the whole log before anything is sent: it has the entries from elsewhere.
            sync.acknowledged(3);
            assertFalse(sync.pending(), "nothing to send while no entry passes the Ack");
            assertNull(sync.next(1, false), "no difference or state at or below the Ack");

            increment(a);
            assertTrue(sync.pending(), "the fourth entry is owed");
            SessionMessage.Delta delta = sync.next(1, false);
            assertNotNull(delta, "the fourth entry goes");
            assertNotEquals(SessionMessage.Kind.INTERVAL, delta.kind(), "a difference or the state first: " + delta);
            assertTrue(Seq.after(delta.toSeq(), 3), "its to_seq passes the Ack: " + delta);
        }
    }

    /**
     * A neighbour's Open names no prefix of A's log, whose entries no neighbour held back, so A owes it a difference or
     * the state. A makes the state while its fourth entry waits at the disk's gate for its sync: the state covers that
     * entry, and waits too. Once the sync is done, the neighbour acknowledges the whole log, having the four entries from
     * elsewhere: the waiting state carries nothing past the Ack and is dropped. A's fifth entry then goes, and since no
     * difference or state has gone on the channel, in one of them, not in an interval (HY-SYNC-011), although the log
     * now reaches back to the Ack and could give the interval.
     *
     * <p>Real files: the gate only makes the fourth entry wait at its sync while the state is made, which is what puts the
     * state in waiting; the timeout is only a guard.
     */
    @Test
    @Timeout(60)
    @Requirement("HY-SYNC-011")
    void aDifferenceOwedIsStillOwedWhenAnAckDropsTheOneThatWaitedForItsSync() throws Exception {
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (FaultyDisk disk = FaultyDisk.install(dir);
             Replica a = Replica.open(dir.resolve("a"), RANDOM);
             Replica b = Replica.open(dir.resolve("b"), RANDOM)) {
            for (int i = 0; i < 3; i++) {
                increment(a);   // no neighbour is known, so the log keeps none of them: a neighbour needs a difference
            }
            disk.closeGate(dir.resolve("a"), "d");
            CompletableFuture<Void> fourth = CompletableFuture.runAsync(() -> increment(a), writer);
            disk.awaitSyncAtGate();
            DocumentSync sync = a.open("d", new SessionTables());
            sync.opened(new SessionMessage.Open(1, "d", Right.WRITE, Right.WRITE, b.replicaId(), new TreeMap<>(), null, 0,
                    16), b.replicaId(), true);
            assertNull(sync.next(1, false), "the state covers the fourth entry, which is not durable yet: it waits");

            disk.openGate();
            fourth.join();
            sync.acknowledged(4);
            assertNull(sync.next(1, false), "the waiting state carries nothing past the Ack, and does not go");

            increment(a);
            SessionMessage.Delta delta = sync.next(1, false);
            assertNotNull(delta, "the fifth entry goes");
            assertNotEquals(SessionMessage.Kind.INTERVAL, delta.kind(),
                    "no difference or state has gone on the channel, so the fifth entry goes in one: " + delta);
            assertTrue(Seq.after(delta.toSeq(), 4), "its to_seq passes the Ack: " + delta);
        } finally {
            writer.shutdownNow();
        }
    }

    private static void increment(Replica replica) {
        try {
            replica.write("d", Counters.increment(replica, Value.of("x")));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
