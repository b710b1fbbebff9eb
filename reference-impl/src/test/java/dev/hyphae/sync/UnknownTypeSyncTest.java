package dev.hyphae.sync;

import dev.hyphae.ErrorCode;
import dev.hyphae.codec.Codec;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.EntryKey;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.crdt.LWWRegister;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.UnknownCrdt;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import dev.hyphae.store.DocumentStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A value of a CRDT type this implementation does not know, written concurrently at two replicas of a newer
 * implementation: a replica that joins both holds two opaque versions under one key (HY-DATA-038), a state that
 * no payload may carry (HY-ENC-051). It must still pass them on, interval by interval, keep them across a
 * restart, and go on writing and syncing; only a neighbour that needs the whole state cannot be served.
 */
class UnknownTypeSyncTest {

    /** A CRDT type id in the range that this implementation does not know. */
    private static final int FUTURE_TYPE = 0x4001;
    private static final Value FUTURE_KEY = Value.of("future");
    /** Two replicas of a newer implementation: the first is the neighbour, the second wrote through it. */
    private static final ReplicaId NEWER = ReplicaId.fromHex("000000000000000000000000000e0001");
    private static final ReplicaId NEWER_ELSEWHERE = ReplicaId.fromHex("000000000000000000000000000e0002");

    @TempDir
    Path dir;

    /** A delta of a newer implementation: one version of a value of type {@link #FUTURE_TYPE}, written with {@code dot}. */
    private static byte[] futureWrite(Dot dot, String data) {
        UnknownCrdt version = UnknownCrdt.of(FUTURE_TYPE, new TreeSet<>(List.of(dot)), data.getBytes(StandardCharsets.UTF_8));
        ORMap map = ORMap.of(new TreeMap<>(Map.of(new EntryKey(FUTURE_KEY, FUTURE_TYPE), version)));
        return Codec.encode(new CausalState<>(map, CausalContext.of(List.of(dot))));
    }

    /** The two concurrent deltas: neither has seen the other's dot, so a join keeps both versions. */
    private static void receiveTwoConcurrentVersions(HandDrivenPeer newer, String document) {
        long channel = newer.open(9, document);
        newer.sendEntries(channel,
                futureWrite(new Dot(NEWER, 1), "written at the neighbour"),
                futureWrite(new Dot(NEWER_ELSEWHERE, 1), "written elsewhere, at the same time"));
    }

    private static int versions(Replica replica, String document) {
        Crdt future = replica.state(document).store().get(FUTURE_KEY).get(FUTURE_TYPE);
        return future == null ? 0 : ((UnknownCrdt) future).versions().size();
    }

    private static void count(SimulatedNetwork network, int replica, String document) {
        ReplicaId id = network.replica(replica).replicaId();
        network.write(replica, document, state -> state.store().update(Value.of("kwh"), CrdtType.GCOUNTER,
                (GCounter c) -> c.increment(state.context(), id, 1)));
    }

    /** Delivers both ways between a and b until nothing is in flight, without connecting again what ended. */
    private static void exchange(SimulatedNetwork network, int a, int b) {
        boolean any = true;
        while (any) {
            any = false;
            while (network.deliver(a, b) | network.deliver(b, a)) {
                any = true;
            }
            network.flush(a);
            network.flush(b);
        }
    }

    @Test
    @Requirement({"HY-DATA-037", "HY-DATA-038", "HY-ENC-051", "HY-SYNC-006"})
    void twoOpaqueVersionsUnderOneKeyTravelOnAsIntervalsAndSurviveCompactionAndARestart() throws Exception {
        try (SimulatedNetwork network = new SimulatedNetwork(2, dir, 1)) {
            // The neighbour r1 holds r0's log up to its first entry, so that it resumes with intervals later.
            count(network, 0, "plant");
            assertTrue(network.settle(1_000));
            network.drop(0, 1);

            HandDrivenPeer newer = new HandDrivenPeer(network.replica(0), 0x70, NEWER);
            receiveTwoConcurrentVersions(newer, "plant");
            assertEquals(2, versions(network.replica(0), "plant"), "HY-DATA-038: both versions are kept");

            // r1 comes back: the two entries cannot be joined into one interval, so each goes as the payload that
            // carried it.
            network.connect(0, 1);
            exchange(network, 0, 1);
            assertTrue(network.connected(0, 1), String.join("\n", network.events()));
            assertEquals(2, versions(network.replica(1), "plant"));

            // Local writes past the compaction threshold: the state cannot be a snapshot, the log keeps it, and
            // the writes go on.
            ReplicaId writer = network.replica(0).replicaId();
            int megabyte = 1024 * 1024;
            for (int i = 1; i <= DocumentStore.COMPACTION_THRESHOLD / megabyte + 1; i++) {
                byte[] blob = new byte[megabyte - 1024];
                blob[0] = (byte) i;
                long timestamp = i;
                network.write(0, "plant", state -> state.store().update(Value.of("blob"), CrdtType.LWW_REGISTER,
                        (LWWRegister r) -> r.write(state.context(), writer, Value.of(blob), timestamp)));
            }
            exchange(network, 0, 1);
            assertTrue(network.connected(0, 1), String.join("\n", network.events()));
            assertFalse(newer.session.ended());
            assertTrue(network.events().stream().noneMatch(e -> e.startsWith("closed")), String.join("\n", network.events()));
            assertEquals(network.replica(0).state("plant"), network.replica(1).state("plant"));

            // Everything was synced, so a power loss keeps it all.
            CausalState<ORMap> before = network.replica(0).state("plant");
            network.crash(0);
            assertEquals(before, network.replica(0).state("plant"));
            assertEquals(2, versions(network.replica(0), "plant"));
        }
    }

    @Test
    @Requirement({"HY-ENC-051", "HY-SYNC-018"})
    void aNeighbourThatNeedsTheStateGetsThatDocumentClosedAndTheOthersStillSync() throws Exception {
        try (SimulatedNetwork network = new SimulatedNetwork(1, dir, 2)) {
            count(network, 0, "other");
            receiveTwoConcurrentVersions(new HandDrivenPeer(network.replica(0), 0x70, NEWER), "plant");

            // A neighbour that holds nothing of r0's log needs a difference or the state (HY-SYNC-011); the state
            // holds two versions of one value of unknown type, and no payload may carry it.
            HandDrivenPeer fresh = new HandDrivenPeer(network.replica(0), 0x71, ReplicaId.fromHex("000000000000000000000000000f0001"));
            // The replica's messages on a document carry the channel that the neighbour's Open gave it.
            long plant = 3;
            long other = 4;
            fresh.open(plant, "plant");
            fresh.open(other, "other");

            SessionMessage.Close close = fresh.received.stream()
                    .filter(m -> m instanceof SessionMessage.Close c && c.channel() == plant)
                    .map(m -> (SessionMessage.Close) m).findFirst().orElseThrow(() -> new AssertionError(fresh.received));
            assertEquals(ErrorCode.LIMIT_EXCEEDED.value(), close.code());
            assertTrue(close.detail().contains("unknown type"), close.detail());
            assertTrue(fresh.received.stream().anyMatch(m -> m instanceof SessionMessage.Delta d && d.channel() == other),
                    fresh.received.toString());
            assertFalse(fresh.session.ended());
        }
    }

    @Test
    @Requirement({"HY-DATA-037", "HY-SYNC-018"})
    void aValueOfUnknownTypeGoesInTheStateToANeighbourThatWouldGetADifference() throws Exception {
        try (SimulatedNetwork network = new SimulatedNetwork(1, dir, 3)) {
            HandDrivenPeer newer = new HandDrivenPeer(network.replica(0), 0x70, NEWER);
            newer.sendEntries(newer.open(9, "plant"), futureWrite(new Dot(NEWER, 1), "written at the neighbour"));

            // A neighbour whose summary is not empty would get a difference, which cannot leave out a value of
            // unknown type (chapter "Sync", "Difference and state"): it gets the state.
            ReplicaId id = ReplicaId.fromHex("000000000000000000000000000f0001");
            HandDrivenPeer known = new HandDrivenPeer(network.replica(0), 0x71, id);
            known.session.receive(new SessionMessage.Open(3, "plant", Right.WRITE, Right.WRITE, id,
                    new TreeMap<>(Map.of(id, 1L)), null, 0, 8), 0);
            SessionMessage.Delta state = known.received.stream()
                    .filter(m -> m instanceof SessionMessage.Delta d && d.channel() == 3)
                    .map(m -> (SessionMessage.Delta) m).findFirst().orElseThrow(() -> new AssertionError(known.received));
            assertEquals(SessionMessage.Kind.STATE, state.kind());
            assertEquals(network.replica(0).state("plant"), Codec.decode(state.payload()).state());
            assertFalse(known.session.ended());
        }
    }
}
