package dev.hyphae.sync;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A delta whose payload is of a known CRDT type other than the document's root type, the ORMap: a well-formed
 * payload, refused when it is applied (HY-DATA-036), with nothing of it joined into the document (HY-ENC-006).
 */
class RootTypeTest {

    private static final ReplicaId NEIGHBOUR = ReplicaId.fromHex("000000000000000000000000000a0001");

    @TempDir
    Path dir;

    @Test
    @Requirement({"HY-DATA-036", "HY-ENC-006"})
    void aPayloadOfAnotherKnownRootTypeIsRefusedAndNothingOfItIsApplied() throws Exception {
        try (SimulatedNetwork network = new SimulatedNetwork(1, dir, 1)) {
            Replica replica = network.replica(0);
            ReplicaId own = replica.replicaId();
            network.write(0, "meter", state -> state.store().update(Value.of("kwh"), CrdtType.GCOUNTER,
                    (GCounter c) -> c.increment(state.context(), own, 1)));
            CausalState<ORMap> before = replica.state("meter");

            List<SessionMessage> received = new ArrayList<>();
            byte[] key = new byte[32];
            key[0] = 0x71;
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
            // A GCounter at the root, with a dot of the neighbour that the document has not seen: valid as a payload.
            Dot dot = new Dot(NEIGHBOUR, 1);
            byte[] counter = Codec.encode(new CausalState<>(GCounter.of(new TreeMap<>(java.util.Map.of(dot, 5L))),
                    CausalContext.of(List.of(dot))));
            received.clear();
            session.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 0, 1, counter), 0);
            session.flush();

            assertTrue(received.stream().anyMatch(m -> m instanceof SessionMessage.SessionError e
                    && e.code() == ErrorCode.MALFORMED_DELTA.value()), received.toString());
            assertEquals(before, replica.state("meter"), "nothing of the refused payload is applied");
        }
    }
}
