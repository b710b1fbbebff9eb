package dev.hyphae.sync;

import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.data.Value;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
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

    @Test
    @Requirement({"HY-SESS-158", "HY-SESS-159"})
    void aDeltaWhoseEntriesTheReceiverHoldsBringsNothing(@TempDir Path dir) throws Exception {
        try (Replica a = Replica.open(dir.resolve("a"), RANDOM); Replica b = Replica.open(dir.resolve("b"), RANDOM)) {
            a.write("d", state -> state.store().update(Value.of("x"), CrdtType.GCOUNTER,
                    (GCounter c) -> c.increment(state.context(), a.replicaId(), 1)));

            // First session: A's entry reaches B, which joins it.
            SessionPair first = SessionPair.meet(a, b, "d");
            List<SessionMessage.Delta> sent = first.fromA.stream().filter(SessionMessage.Delta.class::isInstance)
                    .map(SessionMessage.Delta.class::cast).toList();
            assertEquals(1, sent.size(), first.fromA.toString());
            assertTrue(first.b.brought(), "B joined an entry that it did not hold");
            assertTrue(first.a.brought(), "B acknowledged the entry that A sent");
            first.abandon();

            // Second session: everything is in step; the same delta arrives again, on B's channel of this session.
            SessionPair second = SessionPair.meet(a, b, "d");
            SessionMessage.Delta again = sent.get(0);
            second.b.receive(SessionCodec.encode(again), 0);
            second.b.flush();
            assertFalse(second.b.ended(), second.b.events().toString());
            assertFalse(second.b.brought(), "every entry of the duplicate was held already");
            assertFalse(second.a.brought(), "A sent nothing on this session");
            second.abandon();
        }
    }
}
