package dev.hyphae.sync;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.hyphae.ErrorCode;
import dev.hyphae.codec.Codec;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.GCounter;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.session.Session;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import hyphae.v1.Batch;
import hyphae.v1.Context;
import hyphae.v1.Values;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Payloads refused whole when they are applied, with nothing of them joined into the document: one of a known CRDT
 * type other than the document's root type, the ORMap (HY-DATA-036), and an ORMap whose first key's store is valid
 * and whose second key's is not (HY-ENC-006).
 */
class RootTypeTest {

    private static final ReplicaId NEIGHBOUR = ReplicaId.fromHex("000000000000000000000000000a0001");

    @TempDir
    Path dir;

    @Test
    @Requirement("HY-DATA-036")
    void aPayloadOfAnotherKnownRootTypeIsRefusedAndNothingOfItIsApplied() throws Exception {
        try (SimulatedNetwork network = new SimulatedNetwork(1, dir, 1)) {
            Replica replica = network.replica(0);
            ReplicaId own = replica.replicaId();
            network.write(0, "meter", state -> state.store().update(Value.of("kwh"), CrdtType.GCOUNTER,
                    (GCounter c) -> c.increment(state.context(), own, 1)));
            CausalState<ORMap> before = replica.state("meter");

            // A GCounter at the root, with a dot of the neighbour that the document has not seen: valid as a payload.
            Dot dot = new Dot(NEIGHBOUR, 1);
            byte[] counter = Codec.encode(new CausalState<>(GCounter.of(new TreeMap<>(java.util.Map.of(dot, 5L))),
                    CausalContext.of(List.of(dot))));
            List<SessionMessage> received = receiveOnMeter(replica, counter);

            assertTrue(received.stream().anyMatch(m -> m instanceof SessionMessage.SessionError e
                    && e.code() == ErrorCode.MALFORMED_DELTA.value()), received.toString());
            assertEquals(before, replica.state("meter"), "nothing of the refused payload is applied");
        }
    }

    /**
     * An ORMap of two keys, "a" and "b", each an MVRegister of one string written at a dot of the neighbour: the
     * store of "a" holds "x", the store of "b" holds {@code second}, as the bytes of a string.
     */
    private static byte[] twoKeys(byte[] second) {
        FlatBufferBuilder b = new FlatBufferBuilder();
        byte[] childStrings = new byte[3 + 2 + second.length];
        childStrings[0] = 0;
        childStrings[1] = 1;
        childStrings[2] = 'x';
        childStrings[3] = 0;
        childStrings[4] = (byte) second.length;
        System.arraycopy(second, 0, childStrings, 5, second.length);
        int childValues = values(b, new byte[] {5, 2}, childStrings);
        int childDots = b.createByteVector(new byte[] {0, 1, 2}); // (neighbour, 1) and (neighbour, 2), as one run
        Batch.startBatch(b);
        Batch.addType(b, CrdtType.MV_REGISTER.id());
        Batch.addCount(b, 2);
        Batch.addDots(b, childDots);
        Batch.addValues(b, childValues);
        int child = Batch.endBatch(b);
        int children = Batch.createChildrenVector(b, new int[] {child});
        int keys = values(b, new byte[] {5, 2}, new byte[] {0, 1, 'a', 0, 1, 'b'});
        int types = b.createByteVector(new byte[] {4, 2});
        int sizes = b.createByteVector(new byte[] {2});
        Batch.startBatch(b);
        Batch.addType(b, CrdtType.OR_MAP.id());
        Batch.addCount(b, 1);
        Batch.addSizes(b, sizes);
        Batch.addValues(b, keys);
        Batch.addTypes(b, types);
        Batch.addChildren(b, children);
        int root = Batch.endBatch(b);
        int replicas = b.createByteVector(NEIGHBOUR.toBytes());
        int vector = b.createByteVector(new byte[] {0, 2});
        Context.startContext(b);
        Context.addVersionVector(b, vector);
        int context = Context.endContext(b);
        hyphae.v1.Payload.startPayload(b);
        hyphae.v1.Payload.addReplicas(b, replicas);
        hyphae.v1.Payload.addContext(b, context);
        hyphae.v1.Payload.addRoot(b, root);
        hyphae.v1.Payload.finishPayloadBuffer(b, hyphae.v1.Payload.endPayload(b));
        return b.sizedByteArray();
    }

    private static int values(FlatBufferBuilder b, byte[] kinds, byte[] strings) {
        int k = b.createByteVector(kinds);
        int s = b.createByteVector(strings);
        Values.startValues(b);
        Values.addKinds(b, k);
        Values.addStrings(b, s);
        return Values.endValues(b);
    }

    /** The messages that a session opened on "meter" sends after it receives {@code payload} as a delta. */
    private static List<SessionMessage> receiveOnMeter(Replica replica, byte[] payload) throws Exception {
        List<SessionMessage> received = new ArrayList<>();
        byte[] key = new byte[32];
        key[0] = 0x72;
        Session session = replica.newSession(new TrustStore.Identity(key, null, null),
                new AccessPolicy().grant(key, AccessPolicy.EVERY_DOCUMENT, Right.WRITE), SimulatedNetwork.OPTIONS,
                new Session.Outbox() {
                    @Override
                    public void send(SessionMessage message) {
                        received.add(message);
                    }

                    @Override
                    public void end() {
                    }
                });
        session.receive(new SessionMessage.Open(3, "meter", Right.WRITE, Right.WRITE, NEIGHBOUR, new TreeMap<>(), null, 0, 8), 0);
        long channel = received.stream().filter(m -> m instanceof SessionMessage.Open).map(m -> ((SessionMessage.Open) m).channel())
                .findFirst().orElseThrow();
        received.clear();
        session.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 0, 1, payload), 0);
        session.flush();
        return received;
    }

    @Test
    @Requirement("HY-ENC-006")
    void aPayloadWithAValidFirstKeyAndAMalformedSecondIsNotAppliedInPart() throws Exception {
        // The payload with a valid second store is applied, key "a" with it: the payload is built right.
        try (SimulatedNetwork network = new SimulatedNetwork(1, dir.resolve("valid"), 1)) {
            Replica replica = meter(network);
            List<SessionMessage> accepted = receiveOnMeter(replica, twoKeys(new byte[] {'y'}));
            assertTrue(accepted.stream().noneMatch(m -> m instanceof SessionMessage.SessionError), accepted.toString());
            assertTrue(hasKey(replica.state("meter"), "a"), replica.state("meter").toString());
        }
        // The same payload whose second store holds a string that is not UTF-8 (an overlong encoding of NUL).
        try (SimulatedNetwork network = new SimulatedNetwork(1, dir.resolve("malformed"), 1)) {
            Replica replica = meter(network);
            CausalState<ORMap> before = replica.state("meter");
            List<SessionMessage> refused = receiveOnMeter(replica, twoKeys(new byte[] {(byte) 0xc0, (byte) 0x80}));
            assertTrue(refused.stream().anyMatch(m -> m instanceof SessionMessage.SessionError e
                    && e.code() == ErrorCode.MALFORMED_DELTA.value()), refused.toString());
            assertEquals(before, replica.state("meter"), "nothing of the refused payload is applied");
            assertFalse(hasKey(replica.state("meter"), "a"), "the valid first key is not applied alone");
        }
    }

    /** The network's one replica, with a document "meter" that holds a GCounter at key "kwh". */
    private static Replica meter(SimulatedNetwork network) throws Exception {
        Replica replica = network.replica(0);
        ReplicaId own = replica.replicaId();
        network.write(0, "meter", state -> state.store().update(Value.of("kwh"), CrdtType.GCOUNTER,
                (GCounter c) -> c.increment(state.context(), own, 1)));
        return replica;
    }

    private static boolean hasKey(CausalState<ORMap> state, String key) {
        return state.store().keys().contains(Value.of(key));
    }
}
