package dev.hyphae.sync;

import dev.hyphae.ErrorCode;
import dev.hyphae.codec.Codec;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.EntryKey;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.UnknownCrdt;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Entries of a Private Use CRDT type, which no capability of this implementation defines: the replica keeps them as it
 * keeps any value of unknown type, sends no delta that holds one, at any depth of its maps, whether the state, a
 * difference or an interval, and closes the document on that session instead, while the session's other documents go
 * on (HY-VER-033 to HY-VER-035).
 */
class PrivateUseSyncTest {

    private static final int PRIVATE_TYPE = 0x8001;
    private static final int FUTURE_TYPE = 0x3001;
    private static final ReplicaId WRITER = ReplicaId.fromHex("000000000000000000000000000e0001");

    @TempDir
    Path dir;

    /** The payloads of the deltas that {@code peer} received on {@code channel}, decoded. */
    private static List<CausalState<Crdt>> deltas(HandDrivenPeer peer, long channel) throws Exception {
        List<CausalState<Crdt>> states = new ArrayList<>();
        for (SessionMessage m : peer.received) {
            if (m instanceof SessionMessage.Delta d && d.channel() == channel) {
                assertFalse(d.compact(), "a payload that holds a value of unknown type travels in the columnar form");
                states.add(Codec.decode(d.payload()).state());
            }
        }
        return states;
    }

    private static UnknownCrdt opaque(int type, Dot dot, String data) {
        return UnknownCrdt.of(type, new TreeSet<>(List.of(dot)), data.getBytes(StandardCharsets.UTF_8));
    }

    private static Dot dot(long counter) {
        return new Dot(WRITER, counter);
    }

    /** Whether {@code map} holds, at any depth of its maps, an entry of a Private Use type. */
    private static boolean holdsPrivateUse(ORMap map) {
        for (Map.Entry<EntryKey, Crdt> e : map.entries().entrySet()) {
            if (e.getKey().typeId() >= 0x8000 || e.getValue() instanceof ORMap nested && holdsPrivateUse(nested)) {
                return true;
            }
        }
        return false;
    }

    /** A write of a value of a Private Use type, at the root of the document or nested in a map; dot {@code counter}. */
    private static byte[] privateWrite(boolean nestedInAMap, long counter) {
        EntryKey key = new EntryKey(Value.of("vendor"), PRIVATE_TYPE);
        ORMap root = ORMap.of(new TreeMap<>(Map.of(key, opaque(PRIVATE_TYPE, dot(counter), "private"))));
        if (nestedInAMap) {
            root = ORMap.of(new TreeMap<>(Map.of(new EntryKey(Value.of("room"), 7), root)));
        }
        return Codec.encode(new CausalState<>(root, CausalContext.of(List.of(dot(counter)))));
    }

    /** A write of a value of an unknown Standard type at the root; dot {@code counter}. */
    private static byte[] standardWrite(long counter) {
        ORMap root = ORMap.of(new TreeMap<>(Map.of(new EntryKey(Value.of("future"), FUTURE_TYPE),
                opaque(FUTURE_TYPE, dot(counter), "standard"))));
        return Codec.encode(new CausalState<>(root, CausalContext.of(List.of(dot(counter)))));
    }

    /** The codes of the Close messages that {@code peer} received for its channel {@code channel}. */
    private static List<Integer> closes(HandDrivenPeer peer, long channel) {
        List<Integer> codes = new ArrayList<>();
        for (SessionMessage m : peer.received) {
            if (m instanceof SessionMessage.Close c && c.channel() == channel) {
                codes.add(c.code());
            }
        }
        return codes;
    }

    /**
     * Three documents: one with a value of a Private Use type at its root, one with such a value nested in a map, one with
     * a value of an unknown Standard type alone. A neighbour connected before the writes would get them as intervals of
     * the log, a neighbour met after them as the state: each gets no delta of the first two documents but a Close of each
     * with UNSUPPORTED_CAPABILITY (HY-VER-034, HY-VER-035), and the third document's value, its session going on.
     */
    @Test
    @Requirement({"HY-VER-033", "HY-VER-034", "HY-VER-035", "HY-VER-021"})
    void aDocumentThatWouldSendAnEntryOfAPrivateUseTypeClosesOnTheSessionAndTheOthersGoOn() throws Exception {
        try (SimulatedNetwork network = new SimulatedNetwork(1, dir, 1)) {
            Replica replica = network.replica(0);
            List<String> documents = List.of("root-private", "nested-private", "standard");
            HandDrivenPeer intervalReader = new HandDrivenPeer(replica, 0x72, ReplicaId.fromHex("000000000000000000000000000f0002"));
            for (int i = 0; i < documents.size(); i++) {
                intervalReader.open(11 + i, documents.get(i));
            }
            HandDrivenPeer writer = new HandDrivenPeer(replica, 0x70, WRITER);
            List<byte[]> writes = List.of(privateWrite(false, 1), privateWrite(true, 1), standardWrite(1));
            for (int i = 0; i < documents.size(); i++) {
                long channel = writer.open(21 + i, documents.get(i));
                writer.session.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 0, 1, writes.get(i)), 0);
            }
            writer.session.flush();
            // The writer's write is acknowledged before any Close of its document on the writer's session, after which
            // nothing about the document may follow (HY-SESS-053).
            for (int i = 0; i < documents.size(); i++) {
                long channel = 21 + i;
                int ack = -1;
                int close = -1;
                for (int k = 0; k < writer.received.size(); k++) {
                    SessionMessage m = writer.received.get(k);
                    if (ack < 0 && (m instanceof SessionMessage.Ack a && a.channel() == channel && a.seq() == 1
                            || m instanceof SessionMessage.Delta d && d.channel() == channel && d.ack() == 1)) {
                        ack = k;
                    } else if (m instanceof SessionMessage.Close c && c.channel() == channel) {
                        close = k;
                    }
                }
                assertTrue(ack >= 0 && (close < 0 || ack < close), writer.received.toString());
            }
            // Kept, as any value of unknown type (HY-VER-020, HY-VER-021).
            assertNotNull(replica.state("root-private").store().get(Value.of("vendor")).get(PRIVATE_TYPE));

            HandDrivenPeer stateReader = new HandDrivenPeer(replica, 0x71, ReplicaId.fromHex("000000000000000000000000000f0001"));
            for (int i = 0; i < documents.size(); i++) {
                stateReader.open(11 + i, documents.get(i));
            }
            for (HandDrivenPeer reader : List.of(intervalReader, stateReader)) {
                for (int i = 0; i < 2; i++) {
                    for (CausalState<Crdt> sent : deltas(reader, 11 + i)) {
                        assertFalse(holdsPrivateUse((ORMap) sent.store()), "HY-VER-034: " + sent);
                    }
                    assertEquals(List.of(ErrorCode.UNSUPPORTED_CAPABILITY.value()), closes(reader, 11 + i), "HY-VER-035: " + reader.received);
                }
                List<CausalState<Crdt>> standard = deltas(reader, 13);
                assertEquals(1, standard.size(), reader.received.toString());
                assertEquals(opaque(FUTURE_TYPE, dot(1), "standard"), ((ORMap) standard.get(0).store()).get(Value.of("future")).get(FUTURE_TYPE));
                assertTrue(closes(reader, 13).isEmpty(), reader.received.toString());
                assertFalse(reader.session.ended());
            }
        }
    }
}
