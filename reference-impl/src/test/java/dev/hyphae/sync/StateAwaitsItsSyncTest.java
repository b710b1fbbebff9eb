package dev.hyphae.sync;

import dev.hyphae.data.Seq;
import dev.hyphae.data.Value;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.session.Session;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import dev.hyphae.store.FaultyDisk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A state or difference covers every entry applied to the document, durable or not; it goes only once the last entry
 * it covers is durable (HY-SYNC-005), with that entry's number as its {@code to_seq}. Sent earlier, it would give the
 * neighbour an entry (a dot) that a crash before the sync loses, and that the writer then writes again with other
 * content.
 *
 * <p>Both tests start from the same place: a writer's log keeps nothing while no neighbour is known, not even entries
 * that are not durable yet, so a session that starts while such an entry waits for its sync finds a log that does not
 * reach back to what it sent, and must send the state. The first shows that nothing of the waiting entry reaches the
 * neighbour before its sync, and that the state then goes covering it. The second shows that the state is made once:
 * the window of a channel counts deltas by their {@code to_seq} (HY-SESS-039), an Ack answering, for the sender, every
 * delta up to its {@code seq}, while the receiver counts every delta that it received after its last Ack (HY-SESS-040,
 * HY-SESS-151), so a sender that sent two deltas with the same {@code to_seq}, which HY-SESS-160 forbids and the
 * receiver refuses (HY-SESS-161), would take the second for answered at the Ack of the first and could run past the
 * receiver's window. The state waits, as the one delta owed, until the
 * sync of the last entry it covers is done; pumps before then find it waiting and make no other. It then goes once,
 * and the next delta goes only when a sync makes more durable, so no two deltas of A share a {@code to_seq} and the
 * neighbour's window holds. (That no difference or state goes at or below an Ack that came first is
 * {@link AntiEntropyAcknowledgedBeforeDifferenceTest}.)
 *
 * <p>Real files: the sync of the writer's entry is held at a gate of the disk ({@link FaultyDisk}) to make the
 * interleaving happen, not to time anything; the timeouts are only guards.
 */
class StateAwaitsItsSyncTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static byte[] key(int first) {
        byte[] key = new byte[32];
        key[0] = (byte) first;
        return key;
    }

    private final TrustStore.Identity ida = new TrustStore.Identity(key(1), null, null);
    private final TrustStore.Identity idb = new TrustStore.Identity(key(2), null, null);
    private final AccessPolicy policy = new AccessPolicy()
            .grant(ida.staticKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE)
            .grant(idb.staticKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE);

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    @Requirement({"HY-SYNC-005", "HY-SYNC-011", "HY-SYNC-014"})
    void anEntryAppliedButNotSyncedTravelsInNoStateUntilItsSync() throws Exception {
        try (HeldFourthEntry f = new HeldFourthEntry()) {
            for (int round = 0; round < 4; round++) {
                deliver(f.toB, f.sb, Integer.MAX_VALUE);
                deliver(f.toA, f.sa, Integer.MAX_VALUE);
                f.sa.resume();   // pumps A's channels: the waiting state is asked for, and must not go yet
            }
            assertFalse(f.sa.ended() || f.sb.ended(), "the session ended: " + f.sa.events() + " " + f.sb.events());
            // A's state holds the fourth entry, which may yet be lost: nothing of it reaches B before its sync.
            assertEquals(List.of(), deltas(f.fromA), "no Delta before the sync of the entry that the state covers");
            Long heldByB = f.b.context("d").versionVector().get(f.a.replicaId());
            assertTrue(heldByB == null || heldByB < 4, "B holds A's fourth entry before its sync: " + heldByB);
            assertFalse(f.sa.idle("d"), "A owes B the state that waits for the sync");

            // The sync completes and announces the entry: the state goes, covering it, and B holds every entry.
            f.completeTheSync();
            while (!f.toA.isEmpty() || !f.toB.isEmpty()) {
                deliver(f.toB, f.sb, Integer.MAX_VALUE);
                deliver(f.toA, f.sa, Integer.MAX_VALUE);
            }
            assertFalse(f.sa.ended() || f.sb.ended(), "the session ended: " + f.sa.events() + " " + f.sb.events());
            assertEquals(4L, f.b.context("d").versionVector().get(f.a.replicaId()), "B holds every entry of A");
            List<SessionMessage.Delta> sent = deltas(f.fromA);
            assertEquals(SessionMessage.Kind.STATE, sent.get(0).kind(), "the first Delta: " + sent);
            assertEquals(4, sent.get(0).toSeq(), "its to_seq is the last entry it covers: " + sent);
            long last = 0;
            for (SessionMessage.Delta delta : sent) {
                assertTrue(Seq.after(delta.toSeq(), last), "each delta of A passes the one before it: " + sent);
                last = delta.toSeq();
            }
            assertTrue(f.sa.idle("d") && f.sb.idle("d"), "nothing left in flight");
        }
    }

    @Test
    @Timeout(120)
    @Requirement({"HY-SESS-039", "HY-SESS-040", "HY-SESS-160"})
    void aStateWithNothingDurableAfterItGoesOnceAndTheWindowHolds() throws Exception {
        try (HeldFourthEntry f = new HeldFourthEntry()) {
            deliver(f.toB, f.sb, Integer.MAX_VALUE);   // A's Open; B answers
            deliver(f.toA, f.sa, Integer.MAX_VALUE);   // B's answer: A makes the state, which waits for the fourth's sync
            // The state covers the fourth entry, and goes after its sync (HY-SYNC-005, the test above); pumps before
            // then send nothing, and make no second state.
            for (int round = 0; round < 3; round++) {
                deliver(f.toB, f.sb, 1);
                deliver(f.toA, f.sa, Integer.MAX_VALUE);
                f.sa.resume();   // pumps A's channels: the waiting state is asked for, and must not go yet
            }
            assertEquals(List.of(), deltas(f.fromA), "nothing before the sync");
            assertFalse(f.sa.idle("d"), "A owes B the state that waits for the sync");
            assertFalse(f.sb.ended(), "B ended the session: " + f.sb.events());
            assertFalse(f.sa.ended(), "A's session ended: " + f.sa.events());

            // The sync completes: the state travels, once, and both sides fall quiet with everything acknowledged.
            f.completeTheSync();
            deliver(f.toB, f.sb, 1);
            deliver(f.toA, f.sa, Integer.MAX_VALUE);
            while (!f.toA.isEmpty() || !f.toB.isEmpty()) {
                deliver(f.toB, f.sb, Integer.MAX_VALUE);
                deliver(f.toA, f.sa, Integer.MAX_VALUE);
            }
            assertFalse(f.sb.ended() || f.sa.ended(), "the session ended: " + f.sa.events() + " " + f.sb.events());
            assertEquals(4L, f.b.context("d").versionVector().get(f.a.replicaId()), "B holds every entry of A");
            assertTrue(f.sa.idle("d") && f.sb.idle("d"), "nothing left in flight");
            assertEquals(1, deltas(f.fromA).stream().filter(d -> d.kind() != SessionMessage.Kind.INTERVAL).count(),
                    "one state: " + deltas(f.fromA));
            long last = 0;
            for (SessionMessage.Delta delta : deltas(f.fromA)) {
                assertTrue(Seq.after(delta.toSeq(), last), "each delta of A passes the one before it: " + deltas(f.fromA));
                last = delta.toSeq();
            }
        }
    }

    /**
     * Writer A and neighbour B on real files under a gated disk. A has three durable entries of "d", kept by no log
     * since no neighbour is known (so B gets the state); a fourth is applied and appended, and its sync waits at the
     * gate, so the log now starts after it, past what is durable. A session between them is started, A offering "d";
     * its messages wait in the queues until a test delivers them.
     */
    private final class HeldFourthEntry implements AutoCloseable {
        private final ExecutorService writer = Executors.newSingleThreadExecutor();
        private final FaultyDisk disk = FaultyDisk.install(dir);
        final Replica a;
        final Replica b;
        private final CompletableFuture<Void> fourth;
        final ArrayDeque<byte[]> toA = new ArrayDeque<>();
        final ArrayDeque<byte[]> toB = new ArrayDeque<>();
        final List<SessionMessage> fromA = new ArrayList<>();
        final Session sa;
        final Session sb;

        HeldFourthEntry() throws IOException, InterruptedException {
            Replica openedA = null;
            Replica openedB = null;
            try {
                openedA = Replica.open(dir.resolve("a"), RANDOM);
                openedB = Replica.open(dir.resolve("b"), RANDOM);
                a = openedA;
                b = openedB;
                for (int i = 0; i < 3; i++) {
                    increment(a);
                }
                disk.closeGate(dir.resolve("a"), "d");
                fourth = CompletableFuture.runAsync(() -> increment(a), writer);
                disk.awaitSyncAtGate();
                sa = a.newSession(idb, policy, Session.Options.DEFAULT, outbox(toB, fromA));
                sb = b.newSession(ida, policy, Session.Options.DEFAULT, outbox(toA, new ArrayList<>()));
                sa.start(0, List.of("d"));
                sb.start(0, List.of());
            } catch (IOException | InterruptedException | RuntimeException | Error e) {
                close(openedA, openedB);
                throw e;
            }
        }

        /** Opens the gate and waits for the fourth write, whose sync then completes and announces the entry. */
        void completeTheSync() {
            disk.openGate();
            fourth.join();
        }

        @Override
        public void close() throws IOException {
            close(a, b);
        }

        /** Closes B, A and the disk, in that order, then stops the writer (either replica may be null). */
        private void close(Replica openedA, Replica openedB) throws IOException {
            try (disk; openedA; openedB) {
                // nothing to do but close them: in reverse order, skipping a replica that never opened
            } finally {
                writer.shutdownNow();
            }
        }
    }

    private static void increment(Replica replica) {
        try {
            replica.write("d", Counters.increment(replica, Value.of("x")));
        } catch (IOException e) {
            throw new CompletionException(e);
        }
    }

    private static List<SessionMessage.Delta> deltas(List<SessionMessage> messages) {
        return messages.stream().filter(SessionMessage.Delta.class::isInstance).map(SessionMessage.Delta.class::cast).toList();
    }

    /** Hands {@code to} at most {@code most} messages of {@code queue}, then the flush that acknowledges them. */
    private static void deliver(ArrayDeque<byte[]> queue, Session to, int most) {
        byte[] m;
        for (int i = 0; i < most && (m = queue.pollFirst()) != null; i++) {
            to.receive(m, 0);
        }
        to.flush();
    }

    private static Session.Outbox outbox(ArrayDeque<byte[]> queue, List<SessionMessage> log) {
        return new Session.Outbox() {
            @Override
            public synchronized void send(SessionMessage message) {
                log.add(message);
                queue.addLast(SessionCodec.encode(message));
            }

            @Override
            public void end() {
            }
        };
    }
}
