package dev.hyphae.sync;

import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.data.Seq;
import dev.hyphae.data.Value;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.session.DocumentSync;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.session.SessionTables;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.TreeMap;

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

    private static void increment(Replica replica) {
        try {
            replica.write("d", state -> state.store().update(Value.of("x"), CrdtType.GCOUNTER,
                    (GCounter c) -> c.increment(state.context(), replica.replicaId(), 1)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
