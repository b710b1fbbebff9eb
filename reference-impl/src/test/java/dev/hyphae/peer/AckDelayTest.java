package dev.hyphae.peer;

import dev.hyphae.codec.Codec;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.CrdtType;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.crdt.PNCounter;
import dev.hyphae.data.CausalContext;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.data.Value;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.session.Session;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ack delay, over real TCP, judged by the order of what the peer sends rather than by the clock: an
 * acknowledgement held back while Pings are answered, sent once the delay passes, and sent at once when the
 * neighbour's unacknowledged deltas reach half the window.
 */
class AckDelayTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Value KWH = Value.of("kwh");
    private static final long CLIENT_CHANNEL = 5;

    @Test
    @Requirement({"HY-SYNC-023", "HY-SYNC-081"})
    void anAcknowledgementWaitsWhileLaterMessagesAreAnsweredUntilHalfTheWindowIsUsed(@TempDir Path dir) throws Exception {
        // A delay far longer than the test: only the half-window rule can release the acknowledgement.
        try (Fixture f = new Fixture(dir, Session.Options.DEFAULT.withAckDelay(3_600_000))) {
            List<CausalState<ORMap>> states = states(f.me, 16);
            f.client.send(new SessionMessage.Delta(f.channel, SessionMessage.Kind.STATE, 0, 1, Codec.encode(states.get(0))));
            for (int ping = 0; ping < 2; ping++) {
                List<SessionMessage> before = f.untilPong();
                assertTrue(before.stream().noneMatch(AckDelayTest::acknowledges),
                        "the acknowledgement of one delta is held back while later messages are answered: " + before);
            }
            int half = (Session.Options.DEFAULT.window() + 1) / 2;
            assertEquals(16, half);
            for (int seq = 2; seq <= half; seq++) {
                f.client.send(new SessionMessage.Delta(f.channel, SessionMessage.Kind.STATE, 0, seq, Codec.encode(states.get(seq - 1))));
            }
            assertEquals(new SessionMessage.Ack(CLIENT_CHANNEL, half), f.untilAcknowledgement(),
                    "with half the window unacknowledged, the acknowledgement goes at once, covering all of them");
        }
    }

    @Test
    @Requirement({"HY-SYNC-022", "HY-SYNC-023"})
    void aHeldAcknowledgementGoesOnceTheDelayHasPassed(@TempDir Path dir) throws Exception {
        try (Fixture f = new Fixture(dir, Session.Options.DEFAULT.withAckDelay(50))) {
            f.client.send(new SessionMessage.Delta(f.channel, SessionMessage.Kind.STATE, 0, 1, Codec.encode(states(f.me, 1).get(0))));
            // Nothing else is sent: only the delay's end can bring it (the client's read times out after 10 s).
            assertEquals(new SessionMessage.Ack(CLIENT_CHANNEL, 1), f.untilAcknowledgement());
        }
    }

    /** The states of one counter incremented 1, 2, ... {@code n} times by {@code me}. */
    private static List<CausalState<ORMap>> states(ReplicaId me, int n) {
        List<CausalState<ORMap>> states = new ArrayList<>();
        CausalState<ORMap> state = new CausalState<>(ORMap.EMPTY, CausalContext.EMPTY);
        for (int i = 0; i < n; i++) {
            CausalState<ORMap> now = state;
            state = state.join(now.store().update(KWH, CrdtType.PNCOUNTER, (PNCounter c) -> c.increment(now.context(), me, 1)));
            states.add(state);
        }
        return states;
    }

    private static boolean acknowledges(SessionMessage m) {
        return m instanceof SessionMessage.Ack || m instanceof SessionMessage.Delta d && d.ack() != 0;
    }

    /** A peer that serves the document "plant", and a hand-driven neighbour with write on it, its channel open. */
    private static final class Fixture implements AutoCloseable {
        final Peer server;
        final RawClient client;
        final ReplicaId me = ReplicaId.random(RANDOM);
        final long channel;

        Fixture(Path dir, Session.Options options) throws Exception {
            KeyPair serverKey = KeyPair.generate(RANDOM);
            KeyPair clientKey = KeyPair.generate(RANDOM);
            AccessPolicy policy = new AccessPolicy().grant(clientKey.publicKey(), AccessPolicy.EVERY_DOCUMENT, Right.WRITE);
            TrustStore trust = TrustStore.of(List.of(clientKey.publicKey()), List.of());
            server = Peer.open(new Peer.Config(dir.resolve("server"), serverKey, null, trust, policy), options);
            InetSocketAddress address = server.listen(new InetSocketAddress("127.0.0.1", 0));
            client = new RawClient(address, clientKey, serverKey.publicKey());
            client.send(new SessionMessage.Open(CLIENT_CHANNEL, "plant", Right.WRITE, Right.NONE, me, new TreeMap<>(), null, 0, 8));
            SessionMessage.Open reply = (SessionMessage.Open) client.next();
            channel = reply.channel();
        }

        /** What the peer sends up to the Pong of a Ping sent now. */
        List<SessionMessage> untilPong() throws Exception {
            client.send(new SessionMessage.Ping(RANDOM.nextLong()));
            List<SessionMessage> seen = new ArrayList<>();
            while (true) {
                SessionMessage m = SessionCodec.decode(client.channel.receive());
                if (m instanceof SessionMessage.Pong) {
                    return seen;
                }
                seen.add(m);
            }
        }

        /** The next message that acknowledges something. */
        SessionMessage untilAcknowledgement() throws Exception {
            while (true) {
                SessionMessage m = client.next();
                if (acknowledges(m)) {
                    return m;
                }
            }
        }

        @Override
        public void close() throws Exception {
            client.close();
            server.close();
        }
    }
}
