package dev.hyphae.sync;

import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.data.Value;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.session.Session;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A delta whose entries the receiver holds already brings nothing (HY-SESS-158): a session on which only such a
 * duplicate arrives counts, for the back-off, as one that brought nothing (HY-SESS-159), while the session on which
 * the same delta first arrived brought something.
 */
class DuplicateBringsNothingTest {

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

    @Test
    @Requirement({"HY-SESS-158", "HY-SESS-159"})
    void aDeltaWhoseEntriesTheReceiverHoldsBringsNothing(@TempDir Path dir) throws Exception {
        try (Replica a = Replica.open(dir.resolve("a"), RANDOM); Replica b = Replica.open(dir.resolve("b"), RANDOM)) {
            a.write("d", state -> state.store().update(Value.of("x"), CrdtType.GCOUNTER,
                    (GCounter c) -> c.increment(state.context(), a.replicaId(), 1)));

            // First session: A's entry reaches B, which joins it.
            List<SessionMessage> fromA = new ArrayList<>();
            Session[] first = meet(a, b, fromA);
            List<SessionMessage.Delta> sent = fromA.stream().filter(SessionMessage.Delta.class::isInstance)
                    .map(SessionMessage.Delta.class::cast).toList();
            assertEquals(1, sent.size(), fromA.toString());
            assertTrue(first[1].brought(), "B joined an entry that it did not hold");
            assertTrue(first[0].brought(), "B acknowledged the entry that A sent");
            first[0].abandon();
            first[1].abandon();

            // Second session: everything is in step; the same delta arrives again, on B's channel of this session.
            Session[] second = meet(a, b, new ArrayList<>());
            SessionMessage.Delta again = sent.get(0);
            second[1].receive(SessionCodec.encode(again), 0);
            second[1].flush();
            assertFalse(second[1].ended(), second[1].events().toString());
            assertFalse(second[1].brought(), "every entry of the duplicate was held already");
            assertFalse(second[0].brought(), "A sent nothing on this session");
            second[0].abandon();
            second[1].abandon();
        }
    }

    /** One session between the two, run until nothing is in flight; returns A's session and B's. */
    private Session[] meet(Replica a, Replica b, List<SessionMessage> fromA) throws Exception {
        ArrayDeque<byte[]> toA = new ArrayDeque<>();
        ArrayDeque<byte[]> toB = new ArrayDeque<>();
        Session sa = a.newSession(idb, policy, Session.Options.DEFAULT, outbox(toB, fromA));
        Session sb = b.newSession(ida, policy, Session.Options.DEFAULT, outbox(toA, new ArrayList<>()));
        sa.start(0, List.of("d"));
        sb.start(0, List.of());
        while (!toA.isEmpty() || !toB.isEmpty()) {
            deliver(toB, sb);
            deliver(toA, sa);
        }
        assertTrue(!sa.ended() && !sb.ended(), "the session ended: " + sa.events() + " " + sb.events());
        return new Session[] {sa, sb};
    }

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
