package dev.hyphae.sync;

import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.GCounter;
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
 * The window of a channel counts deltas by their {@code to_seq} (HY-SESS-039): an Ack answers, for the sender, every
 * delta up to its {@code seq}, while the receiver counts every delta that it received after its last Ack
 * (HY-SESS-040, HY-SESS-151). So a sender that sent two deltas with the same {@code to_seq} takes the second for
 * answered at the Ack of the first, and can run past the receiver's window.
 *
 * <p>A writer's log keeps nothing while no neighbour is known, not even entries that are not durable yet; a session
 * that starts while such an entry waits for its sync finds a log that does not reach back to what it sent, and must
 * send the state. The state is made once and waits, as the one delta owed, until the sync of the last entry it
 * covers is done (HY-SYNC-005); pumps before then find it waiting and make no other. It then goes once, and the next
 * delta goes only when a sync makes more durable, so no two deltas of A share a {@code to_seq} and the neighbour's
 * window holds. (That no difference or state goes at or below an Ack that came first is
 * {@link AntiEntropyAcknowledgedBeforeDifferenceTest}.)
 *
 * <p>Real files: the sync of the writer's entry is held at a gate of the disk ({@link FaultyDisk}) to make the
 * interleaving happen, not to time anything; the timeout is only a guard.
 */
class StateNotSentAgainTest {

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
    @Requirement({"HY-SESS-039", "HY-SESS-040"})
    void aStateWithNothingDurableAfterItGoesOnceAndTheWindowHolds() throws Exception {
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (FaultyDisk disk = FaultyDisk.install(dir);
             Replica a = Replica.open(dir.resolve("a"), RANDOM);
             Replica b = Replica.open(dir.resolve("b"), RANDOM)) {
            for (int i = 0; i < 3; i++) {
                increment(a);   // durable; no neighbour is known, so the log keeps none of them
            }
            // A fourth write is appended and waits for its sync: the log now starts after it, past what is durable.
            disk.closeGate(dir.resolve("a"), "d");
            CompletableFuture<Void> fourth = CompletableFuture.runAsync(() -> increment(a), writer);
            disk.awaitSyncAtGate();

            ArrayDeque<byte[]> toA = new ArrayDeque<>();
            ArrayDeque<byte[]> toB = new ArrayDeque<>();
            List<SessionMessage> fromA = new ArrayList<>();
            Session sa = a.newSession(idb, policy, Session.Options.DEFAULT, outbox(toB, fromA));
            Session sb = b.newSession(ida, policy, Session.Options.DEFAULT, outbox(toA, new ArrayList<>()));
            sa.start(0, List.of("d"));
            sb.start(0, List.of());
            deliver(toB, sb, Integer.MAX_VALUE);   // A's Open; B answers
            deliver(toA, sa, Integer.MAX_VALUE);   // B's answer: A makes the state, which waits for the fourth's sync
            // The state covers the fourth entry, and goes after its sync (HY-SYNC-005, StateAfterItsSyncTest); pumps
            // before then send nothing, and make no second state.
            for (int round = 0; round < 3; round++) {
                deliver(toB, sb, 1);
                deliver(toA, sa, Integer.MAX_VALUE);
                sa.resume();   // pumps A's channels: the waiting state is asked for, and must not go yet
            }
            assertEquals(List.of(), deltas(fromA), "nothing before the sync");
            assertFalse(sa.idle("d"), "A owes B the state that waits for the sync");
            assertFalse(sb.ended(), "B ended the session: " + sb.events());
            assertFalse(sa.ended(), "A's session ended: " + sa.events());

            // The sync completes: the state travels, once, and both sides fall quiet with everything acknowledged.
            disk.openGate();
            fourth.join();
            deliver(toB, sb, 1);
            deliver(toA, sa, Integer.MAX_VALUE);
            while (!toA.isEmpty() || !toB.isEmpty()) {
                deliver(toB, sb, Integer.MAX_VALUE);
                deliver(toA, sa, Integer.MAX_VALUE);
            }
            assertFalse(sb.ended() || sa.ended(), "the session ended: " + sa.events() + " " + sb.events());
            assertEquals(4L, b.context("d").versionVector().get(a.replicaId()), "B holds every entry of A");
            assertTrue(sa.idle("d") && sb.idle("d"), "nothing left in flight");
            assertEquals(1, deltas(fromA).stream().filter(d -> d.kind() != SessionMessage.Kind.INTERVAL).count(),
                    "one state: " + deltas(fromA));
            long last = 0;
            for (SessionMessage.Delta delta : deltas(fromA)) {
                assertTrue(Seq.after(delta.toSeq(), last), "each delta of A passes the one before it: " + deltas(fromA));
                last = delta.toSeq();
            }
        } finally {
            writer.shutdownNow();
        }
    }

    private static void increment(Replica replica) {
        try {
            replica.write("d", state -> state.store().update(Value.of("x"), CrdtType.GCOUNTER,
                    (GCounter c) -> c.increment(state.context(), replica.replicaId(), 1)));
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
