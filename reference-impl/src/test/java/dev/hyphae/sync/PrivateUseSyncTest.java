package dev.hyphae.sync;

import dev.hyphae.codec.Codec;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.EntryKey;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.UnknownCrdt;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.Limits;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.session.Session;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Entries of a Private Use CRDT type, which no capability of this implementation defines: the replica keeps them as it
 * keeps any value of unknown type, and leaves them, with their dots, out of every delta that it sends, whether the
 * state, a difference or an interval, while the rest of the delta goes (HY-VER-033 to HY-VER-035).
 */
class PrivateUseSyncTest {

    private static final int PRIVATE_TYPE = 0x8001;
    private static final int FUTURE_TYPE = 0x3001;
    private static final ReplicaId WRITER = ReplicaId.fromHex("000000000000000000000000000e0001");

    @TempDir
    Path dir;

    /** A neighbour driven message by message, whose messages to it are kept for the test to read. */
    private static final class HandDrivenPeer {
        final List<SessionMessage> received = new ArrayList<>();
        final Session session;

        HandDrivenPeer(Replica replica, int keyByte) {
            byte[] key = new byte[32];
            key[0] = (byte) keyByte;
            AccessPolicy policy = new AccessPolicy().grant(key, AccessPolicy.EVERY_DOCUMENT, Right.WRITE);
            session = replica.newSession(new TrustStore.Identity(key, null, null), policy, SimulatedNetwork.OPTIONS,
                    new Session.Outbox() {
                        @Override
                        public void send(SessionMessage message) {
                            received.add(message);
                        }

                        @Override
                        public void end() {
                        }
                    });
        }

        /** The payloads of the deltas received on {@code channel}, decoded. */
        List<CausalState<Crdt>> deltas(long channel) throws Exception {
            List<CausalState<Crdt>> states = new ArrayList<>();
            for (SessionMessage m : received) {
                if (m instanceof SessionMessage.Delta d && d.channel() == channel) {
                    assertFalse(d.compact(), "a payload that holds a value of unknown type travels in the columnar form");
                    states.add(Codec.decode(d.payload()).state());
                }
            }
            return states;
        }
    }

    private static UnknownCrdt opaque(int type, Dot dot, String data) {
        return UnknownCrdt.of(type, new TreeSet<>(List.of(dot)), data.getBytes(StandardCharsets.UTF_8));
    }

    private static Dot dot(long counter) {
        return new Dot(WRITER, counter);
    }

    /**
     * One write of a newer implementation: a value of a Private Use type at the root and one nested in a map, beside a
     * value of an unknown Standard type at each level; dots 1 to 4.
     */
    private static byte[] mixedWrite() {
        ORMap nested = ORMap.of(new TreeMap<>(Map.of(
                new EntryKey(Value.of("vendor"), PRIVATE_TYPE), opaque(PRIVATE_TYPE, dot(2), "nested, private"),
                new EntryKey(Value.of("future"), FUTURE_TYPE), opaque(FUTURE_TYPE, dot(3), "nested, standard"))));
        ORMap root = ORMap.of(new TreeMap<>(Map.of(
                new EntryKey(Value.of("vendor"), PRIVATE_TYPE), opaque(PRIVATE_TYPE, dot(1), "root, private"),
                new EntryKey(Value.of("room"), 7), nested,
                new EntryKey(Value.of("future"), FUTURE_TYPE), opaque(FUTURE_TYPE, dot(4), "root, standard"))));
        return Codec.encode(new CausalState<>(root, CausalContext.of(List.of(dot(1), dot(2), dot(3), dot(4)))));
    }

    /** Every CRDT type id of an entry of {@code map}, at any depth. */
    private static List<Integer> typesIn(ORMap map) {
        List<Integer> types = new ArrayList<>();
        map.entries().forEach((key, value) -> {
            types.add(key.typeId());
            if (value instanceof ORMap nested) {
                types.addAll(typesIn(nested));
            }
        });
        return types;
    }

    private static void assertLeftOut(CausalState<Crdt> sent) {
        ORMap map = (ORMap) sent.store();
        assertFalse(typesIn(map).contains(PRIVATE_TYPE), "HY-VER-034: no entry of a Private Use type in " + map);
        assertEquals(opaque(FUTURE_TYPE, dot(4), "root, standard"), map.get(Value.of("future")).get(FUTURE_TYPE));
        ORMap nested = (ORMap) map.get(Value.of("room")).get(7);
        assertEquals(opaque(FUTURE_TYPE, dot(3), "nested, standard"), nested.get(Value.of("future")).get(FUTURE_TYPE));
        assertFalse(sent.context().contains(dot(1)), "HY-VER-035: " + sent.context());
        assertFalse(sent.context().contains(dot(2)), "HY-VER-035: " + sent.context());
        assertTrue(sent.context().contains(dot(3)) && sent.context().contains(dot(4)), sent.context().toString());
    }

    @Test
    @Requirement({"HY-VER-033", "HY-VER-034", "HY-VER-035", "HY-VER-021"})
    void entriesOfAPrivateUseTypeAreKeptButLeftOutOfTheStateAndOfIntervals() throws Exception {
        try (SimulatedNetwork network = new SimulatedNetwork(1, dir, 1)) {
            Replica replica = network.replica(0);
            // A neighbour connected before the write gets it as an interval of the log.
            ReplicaId other = ReplicaId.fromHex("000000000000000000000000000f0002");
            HandDrivenPeer intervalReader = new HandDrivenPeer(replica, 0x72);
            intervalReader.session.receive(new SessionMessage.Open(4, "plant", Right.WRITE, Right.WRITE, other, new TreeMap<>(), null, 0, 8), 0);
            HandDrivenPeer writer = new HandDrivenPeer(replica, 0x70);
            writer.session.receive(new SessionMessage.Open(9, "plant", Right.WRITE, Right.WRITE, WRITER, new TreeMap<>(), null, 0, 8), 0);
            long channel = writer.received.stream()
                    .filter(m -> m instanceof SessionMessage.Open o && o.answers() == 9)
                    .map(m -> ((SessionMessage.Open) m).channel()).findFirst().orElseThrow();
            writer.session.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 0, 1, mixedWrite()), 0);
            writer.session.flush();
            // Kept, as any value of unknown type (HY-VER-020, HY-VER-021).
            assertNotNull(replica.state("plant").store().get(Value.of("vendor")).get(PRIVATE_TYPE));

            // A neighbour met for the first time states an empty summary, and gets the state.
            ReplicaId fresh = ReplicaId.fromHex("000000000000000000000000000f0001");
            HandDrivenPeer stateReader = new HandDrivenPeer(replica, 0x71);
            stateReader.session.receive(new SessionMessage.Open(3, "plant", Right.WRITE, Right.WRITE, fresh, new TreeMap<>(), null, 0, 8), 0);
            List<CausalState<Crdt>> states = stateReader.deltas(3);
            assertEquals(1, states.size(), stateReader.received.toString());
            assertLeftOut(states.get(0));

            List<CausalState<Crdt>> intervals = intervalReader.deltas(4);
            assertFalse(intervals.isEmpty(), intervalReader.received.toString());
            for (CausalState<Crdt> interval : intervals) {
                assertLeftOut(interval);
            }
            assertFalse(stateReader.session.ended());
            assertFalse(intervalReader.session.ended());
        }
    }

    @Test
    @Requirement("HY-VER-035")
    void dotsAreCutFromTheVectorAndTheCloudInCanonicalForm() {
        ReplicaId a = ReplicaId.fromHex("0000000000000000000000000000000a");
        ReplicaId b = ReplicaId.fromHex("0000000000000000000000000000000b");
        SortedMap<ReplicaId, Long> vector = new TreeMap<>(Map.of(a, 10L, b, 3L));
        CausalContext context = CausalContext.of(List.of(new Dot(b, 7), new Dot(b, 8))).union(CausalContext.ofCanonical(vector, new TreeSet<>()));

        CausalContext cut = PrivateUseEntries.minus(context, List.of(new Dot(a, 4), new Dot(a, 10), new Dot(b, 1), new Dot(b, 8)));
        List<Dot> expected = new ArrayList<>();
        for (long k : new long[] {1, 2, 3, 5, 6, 7, 8, 9}) {
            expected.add(new Dot(a, k));
        }
        expected.add(new Dot(b, 2));
        expected.add(new Dot(b, 3));
        expected.add(new Dot(b, 7));
        assertEquals(CausalContext.of(expected), cut);
        assertEquals(Map.of(a, 3L), cut.versionVector());

        // Counters are unsigned: the last counter of all is cut as any other.
        CausalContext top = CausalContext.of(List.of(new Dot(a, -2L), new Dot(a, -1L)));
        assertEquals(CausalContext.of(List.of(new Dot(a, -2L))), PrivateUseEntries.minus(top, List.of(new Dot(a, -1L))));
    }

    @Test
    @Requirement("HY-VER-035")
    void aCutThatLeavesMoreCloudThanAPayloadMayCarryIsRefused() {
        ReplicaId a = ReplicaId.fromHex("0000000000000000000000000000000a");
        CausalContext context = CausalContext.ofCanonical(new TreeMap<>(Map.of(a, Limits.MAX_CLOUD_DOTS + 2L)), new TreeSet<>());
        assertNull(PrivateUseEntries.minus(context, List.of(new Dot(a, 1))));
        assertNotNull(PrivateUseEntries.minus(context, List.of(new Dot(a, 2))));
    }
}
