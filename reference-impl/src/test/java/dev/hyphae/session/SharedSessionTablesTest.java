package dev.hyphae.session;

import dev.hyphae.codec.Codec;
import dev.hyphae.codec.ExternalTables;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One session's tables serve every document on it: a Delta that declares nothing is encoded against the session's
 * copy of its sent tables ({@link SessionTables#sentExternal}), which a declaration on another document's channel must
 * renew. Driven message by message against a replica on real files; the peer's side is replayed from the messages
 * sent, as the peer would read them.
 */
class SharedSessionTablesTest extends ReplicaSessionFixture {

    /** The peer opens {@code document} on its {@code channel}, which the Deltas of this side then name. */
    private static long open(Session s, long channel, String document) {
        s.receive(new SessionMessage.Open(channel, document, Right.WRITE, Right.WRITE, PEER, new TreeMap<>(), null, 0, 8), 0);
        return channel;
    }

    /** One write of {@code document} that sets the sensors {@code from} to {@code to} (exclusive), then sends it. */
    private void write(Session s, String document, int from, int to, long timestamp) throws IOException {
        replica.write(document, state -> {
            CausalState<ORMap> delta = new CausalState<>(ORMap.EMPTY, CausalContext.EMPTY);
            CausalContext context = state.context();
            for (int i = from; i < to; i++) {
                Value key = Value.of("sensor-" + i);
                CausalContext before = context;
                Value reading = Value.of(20.5 + i);
                CausalState<ORMap> one = state.store().update(key, CrdtType.LWW_REGISTER,
                        (LWWRegister r) -> r.write(before, replica.replicaId(), reading, timestamp));
                context = context.union(one.context());
                delta = delta.join(one);
            }
            return delta;
        });
        s.flush();
    }

    /** The Deltas sent since {@code index} in {@link #sent}, in order. */
    private List<SessionMessage.Delta> deltasFrom(int index) {
        List<SessionMessage.Delta> deltas = new ArrayList<>();
        for (SessionMessage m : sent.subList(index, sent.size())) {
            if (m instanceof SessionMessage.Delta d) {
                deltas.add(d);
            }
        }
        return deltas;
    }

    @Test
    @Requirement({"HY-SESS-063", "HY-SESS-071", "HY-SESS-094", "HY-ENC-106"})
    void aDeclarationOnOneChannelRenewsTheTablesThatAnotherChannelEncodesAgainst() throws Exception {
        Session s = session();
        long a = open(s, 2, "a");
        long b = open(s, 3, "b");
        // The peer's view of this side's tables, replayed from the Deltas as they leave (HY-SESS-110: entry 0 is the
        // replica id of this side's first Open).
        List<ReplicaId> replicas = new ArrayList<>(List.of(replica.replicaId()));
        List<Value> keys = new ArrayList<>();
        Map<Long, CausalState<ORMap>> received = new HashMap<>();

        // "a" declares sensors 0-49, then sends them again declaring nothing: the session's copy is built.
        write(s, "a", 0, 50, 1_000);
        write(s, "a", 0, 50, 2_000);
        // "b" declares sensors 50-99 on its own channel: the same session's tables grow.
        write(s, "b", 50, 100, 3_000);
        int before = sent.size();
        // "a" writes sensors 50-99, which "b" declared: a Delta that declares nothing and names them by index.
        write(s, "a", 50, 100, 4_000);
        List<SessionMessage.Delta> last = deltasFrom(before);

        List<SessionMessage.Delta> all = deltasFrom(0);
        boolean bDeclared = false;
        for (SessionMessage.Delta d : all) {
            replicas.addAll(d.replicas());
            keys.addAll(d.keys());
            bDeclared |= d.channel() == b && !d.keys().isEmpty();
            ExternalTables fresh = new ExternalTables(replicas, keys);
            CausalState<ORMap> state = ORMapOf(d.compact() ? Codec.decodeCompact(d.payload(), replicas)
                    : Codec.decode(d.payload(), fresh).state());
            received.merge(d.channel(), state, CausalState::join);
        }
        assertFalse(s.ended(), String.valueOf(sent));
        assertTrue(bDeclared, "the Delta of \"b\" declares keys: " + all);
        assertEquals(1, last.size(), String.valueOf(last));
        SessionMessage.Delta delta = last.get(0);
        assertEquals(a, delta.channel());
        assertTrue(delta.replicas().isEmpty() && delta.keys().isEmpty(), "declares nothing: " + delta);
        assertFalse(delta.compact(), "in the columnar form, which names keys by index: " + delta);

        // Its bytes are those of an encoding against tables built afresh from the whole session's declarations.
        ExternalTables fresh = new ExternalTables(replicas, keys);
        CausalState<ORMap> state = ORMapOf(Codec.decode(delta.payload(), fresh).state());
        assertArrayEquals(Codec.encode(state, fresh), delta.payload());
        assertEquals(100, keys.size(), "every sensor declared once on the session: " + keys);

        // What the peer reads on each channel is each document.
        assertEquals(replica.state("a").store(), received.get(a).store());
        assertEquals(replica.state("b").store(), received.get(b).store());
    }

    @SuppressWarnings("unchecked")
    private static CausalState<ORMap> ORMapOf(CausalState<?> state) {
        return (CausalState<ORMap>) state;
    }
}
