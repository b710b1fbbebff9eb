package dev.hyphae.sync;

import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.data.Value;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two replicas that meet again and again, as after partitions: what their sessions send, and what their logs keep.
 * Entries that came from the neighbour are never sent back, not even as a position, and the log drops them all
 * the same; a later interval starts below the log's start over them.
 */
class ResyncTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;
    Replica a;
    Replica b;
    /** What each side sent in the last {@link #meet()}. */
    List<SessionMessage> fromA;
    List<SessionMessage> fromB;

    @BeforeEach
    void open() throws IOException {
        a = Replica.open(dir.resolve("a"), RANDOM);
        b = Replica.open(dir.resolve("b"), RANDOM);
    }

    @AfterEach
    void close() throws IOException {
        a.close();
        b.close();
    }

    /** One session between the two, run until nothing is in flight, then dropped. */
    private void meet() throws IOException {
        SessionPair session = SessionPair.meet(a, b, "d");
        fromA = session.fromA;
        fromB = session.fromB;
        assertTrue(session.a.idle("d") && session.b.idle("d"));
        session.abandon();
        assertEquals(a.state("d"), b.state("d"));
    }

    private static void write(Replica replica, String key) throws IOException {
        replica.write("d", state -> state.store().update(Value.of(key), CrdtType.GCOUNTER,
                (GCounter c) -> c.increment(state.context(), replica.replicaId(), 1)));
    }

    private static <T extends SessionMessage> List<T> of(List<SessionMessage> sent, Class<T> type) {
        return sent.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    @Requirement({"HY-SYNC-026", "HY-SYNC-028", "HY-SYNC-024"})
    void noPositionOnlyDeltaIsSentYetTheLogIsFreed() throws Exception {
        write(a, "x");
        write(a, "y");
        meet();
        // B appended A's delta to its log; it came from A, so B sends A nothing but acknowledgements.
        assertTrue(of(fromB, SessionMessage.Delta.class).isEmpty(), fromB.toString());
        DocumentReplica db = b.document("d");
        assertEquals(1, db.seq());
        assertEquals(db.seq(), db.logStart(), "B's log dropped the entry that came from A");
        DocumentReplica da = a.document("d");
        assertEquals(da.seq(), da.logStart(), "A's log dropped what B acknowledged");

        // Apart, A writes once; together again, only the Opens, A's interval and B's Ack cross.
        write(a, "z");
        meet();
        assertEquals(List.of(SessionMessage.Open.class, SessionMessage.Delta.class), fromA.stream().map(Object::getClass).toList());
        assertEquals(List.of(SessionMessage.Open.class, SessionMessage.Ack.class), fromB.stream().map(Object::getClass).toList());
        assertEquals(db.seq(), db.logStart());
        assertEquals(da.seq(), da.logStart());
    }

    @Test
    @Requirement({"HY-SYNC-030", "HY-SESS-080"})
    void replicasThatHaveMetLeaveTheirSummariesOut() throws Exception {
        write(a, "x");
        meet();
        // First meeting: neither names a position in the other's log, and they had not met, so both state it.
        assertTrue(of(fromA, SessionMessage.Open.class).get(0).summary() != null);
        assertTrue(of(fromB, SessionMessage.Open.class).get(0).summary() != null);
        write(a, "y");
        meet();
        assertNull(of(fromA, SessionMessage.Open.class).get(0).summary());
        assertNull(of(fromB, SessionMessage.Open.class).get(0).summary());
        assertTrue(of(fromA, SessionMessage.SummaryRequest.class).isEmpty() && of(fromB, SessionMessage.SummaryRequest.class).isEmpty());
    }

    @Test
    @Requirement({"HY-SYNC-027", "HY-SYNC-029", "HY-SYNC-008"})
    void anIntervalStartsBelowTheLogsStartOverEntriesTheReceiverHolds() throws Exception {
        write(a, "x");
        meet();
        write(a, "y");
        meet();
        // B's log numbered A's two deltas 1 and 2, and dropped them; A holds none of B's log by position.
        DocumentReplica db = b.document("d");
        assertEquals(2, db.logStart());
        write(b, "w");
        meet();
        List<SessionMessage.Delta> deltas = of(fromB, SessionMessage.Delta.class);
        assertEquals(1, deltas.size(), fromB.toString());
        assertEquals(SessionMessage.Kind.INTERVAL, deltas.get(0).kind());
        assertEquals(0, deltas.get(0).fromSeq());
        assertEquals(3, deltas.get(0).toSeq());
        assertTrue(of(fromB, SessionMessage.SummaryRequest.class).isEmpty(), fromB.toString());
        // A now holds B's log up to 3, and says so next time; B resumes there, with nothing to send.
        meet();
        assertEquals(3, of(fromA, SessionMessage.Open.class).get(0).heldSeq());
        assertTrue(of(fromB, SessionMessage.Delta.class).isEmpty());
    }

    @Test
    @Requirement("HY-SYNC-026")
    void positionsCountedOverEchoesSurviveARestart() throws Exception {
        write(a, "x");
        meet();
        write(a, "y");
        meet();
        b.close();
        b = Replica.open(dir.resolve("b"), RANDOM);
        write(b, "w");
        meet();
        // After the restart B still knows that A holds the entries it dropped: an interval, not a difference.
        List<SessionMessage.Delta> deltas = of(fromB, SessionMessage.Delta.class);
        assertEquals(1, deltas.size(), fromB.toString());
        assertEquals(SessionMessage.Kind.INTERVAL, deltas.get(0).kind());
    }
}
