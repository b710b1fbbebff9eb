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
 * A state or difference covers every entry applied to the document, durable or not; it goes only once the last entry
 * it covers is durable (HY-SYNC-005), with that entry's number as its {@code to_seq}. Sent earlier, it would give the
 * neighbour an entry (a dot) that a crash before the sync loses, and that the writer then writes again with other
 * content.
 *
 * <p>Real files: the sync of the writer's entry is held at a gate of the disk ({@link FaultyDisk}) to make the
 * interleaving happen, not to time anything; the timeout is only a guard.
 */
class StateAfterItsSyncTest {

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
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (FaultyDisk disk = FaultyDisk.install(dir);
             Replica a = Replica.open(dir.resolve("a"), RANDOM);
             Replica b = Replica.open(dir.resolve("b"), RANDOM)) {
            for (int i = 0; i < 3; i++) {
                increment(a);   // durable; no neighbour is known, so the log keeps none of them: B gets the state
            }
            // A fourth write is applied, and its sync waits at the gate.
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
            for (int round = 0; round < 4; round++) {
                deliver(toB, sb);
                deliver(toA, sa);
                sa.resume();   // pumps A's channels: the waiting state is asked for, and must not go yet
            }
            assertFalse(sa.ended() || sb.ended(), "the session ended: " + sa.events() + " " + sb.events());
            // A's state holds the fourth entry, which may yet be lost: nothing of it reaches B before its sync.
            assertEquals(List.of(), deltas(fromA), "no Delta before the sync of the entry that the state covers");
            Long heldByB = b.context("d").versionVector().get(a.replicaId());
            assertTrue(heldByB == null || heldByB < 4, "B holds A's fourth entry before its sync: " + heldByB);
            assertFalse(sa.idle("d"), "A owes B the state that waits for the sync");

            // The sync completes and announces the entry: the state goes, covering it, and B holds every entry.
            disk.openGate();
            fourth.join();
            while (!toA.isEmpty() || !toB.isEmpty()) {
                deliver(toB, sb);
                deliver(toA, sa);
            }
            assertFalse(sa.ended() || sb.ended(), "the session ended: " + sa.events() + " " + sb.events());
            assertEquals(4L, b.context("d").versionVector().get(a.replicaId()), "B holds every entry of A");
            List<SessionMessage.Delta> sent = deltas(fromA);
            assertEquals(SessionMessage.Kind.STATE, sent.get(0).kind(), "the first Delta: " + sent);
            assertEquals(4, sent.get(0).toSeq(), "its to_seq is the last entry it covers: " + sent);
            long last = 0;
            for (SessionMessage.Delta delta : sent) {
                assertTrue(Seq.after(delta.toSeq(), last), "each delta of A passes the one before it: " + sent);
                last = delta.toSeq();
            }
            assertTrue(sa.idle("d") && sb.idle("d"), "nothing left in flight");
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

    /** Hands {@code to} every message of {@code queue}, then the flush that acknowledges them. */
    private static void deliver(ArrayDeque<byte[]> queue, Session to) {
        byte[] m;
        while ((m = queue.pollFirst()) != null) {
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
