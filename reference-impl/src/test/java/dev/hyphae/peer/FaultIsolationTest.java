package dev.hyphae.peer;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
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
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A neighbour that sends a bad delta, then garbage, over real TCP: the bad delta is refused by itself and the
 * session carries on; the garbage ends that session alone. Another neighbour's session and the document carry on
 * throughout.
 */
class FaultIsolationTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Requirement({"HY-SESS-003", "HY-SESS-022", "HY-SESS-045", "HY-SESS-046", "HY-SYNC-025"})
    @Test
    void aBadDeltaIsRefusedAloneAndGarbageEndsOnlyItsOwnSession(@TempDir Path dir) throws Exception {
        KeyPair serverKey = KeyPair.generate(RANDOM);
        KeyPair goodKey = KeyPair.generate(RANDOM);
        KeyPair badKey = KeyPair.generate(RANDOM);
        AccessPolicy policy = new AccessPolicy()
                .grant(goodKey.publicKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE)
                .grant(badKey.publicKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE)
                .grant(serverKey.publicKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE);
        TrustStore trust = TrustStore.of(List.of(goodKey.publicKey(), badKey.publicKey(), serverKey.publicKey()), List.of());
        try (Peer server = Peer.open(new Peer.Config(dir.resolve("server"), serverKey, null, trust, policy));
             Peer good = Peer.open(new Peer.Config(dir.resolve("good"), goodKey, null, trust, policy))) {
            InetSocketAddress address = server.listen(new InetSocketAddress("127.0.0.1", 0));
            Connection goodConnection = good.connect(address, List.of("plant"));
            good.document("plant").map().counter("kwh").increment(1);

            try (RawClient bad = new RawClient(address, badKey, serverKey.publicKey())) {
                bad.send(new SessionMessage.Open(5, "plant", Right.WRITE, Right.NONE, ReplicaId.random(RANDOM), new TreeMap<>(), null, 0, 8));
                SessionMessage.Open reply = (SessionMessage.Open) bad.next();
                // The server's own Open of the document, or its answer to the client's, which may name only the Open it
                // answers (HY-SESS-090).
                assertTrue("plant".equals(reply.document()) || reply.answers() == 5, reply.toString());
                long channel = reply.channel();

                // A delta whose payload is not a payload: refused by itself, with MALFORMED_DELTA, naming the delta.
                bad.send(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 0, 1, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}));
                SessionMessage refusal = bad.next();
                assertEquals(new SessionMessage.SessionError(5, 1, ErrorCode.MALFORMED_DELTA.value(), ((SessionMessage.SessionError) refusal).detail()), refusal);

                // The session carries on: a good delta on the same channel is applied and acknowledged.
                ReplicaId badReplica = ReplicaId.random(RANDOM);
                CausalState<ORMap> delta = ORMap.EMPTY.update(Value.of("kwh"), CrdtType.PNCOUNTER,
                        (PNCounter c) -> c.increment(CausalContext.EMPTY, badReplica, 10));
                bad.send(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, 0, 2, Codec.encode(delta)));
                // The refused delta was consumed (HY-SYNC-025): it may be acknowledged on its own first.
                SessionMessage ack = bad.next();
                while (ack instanceof SessionMessage.Delta || ack.equals(new SessionMessage.Ack(5, 1))) {
                    ack = bad.next();
                }
                assertEquals(new SessionMessage.Ack(5, 2), ack);

                // Garbage where a session message belongs: that session ends, with MALFORMED_MESSAGE.
                bad.channel.send(new byte[] {0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42});
                SessionMessage end = bad.next();
                while (!(end instanceof SessionMessage.SessionError)) {
                    end = bad.next();
                }
                SessionMessage.SessionError error = (SessionMessage.SessionError) end;
                assertEquals(0, error.channel());
                assertEquals(ErrorCode.MALFORMED_MESSAGE.value(), error.code());
                // The server closes the connection: the stream ends (not a read timeout, which would mean it is open).
                Exception closed = assertThrows(Exception.class, () -> {
                    while (true) {
                        bad.next();
                    }
                });
                assertFalse(closed instanceof java.net.SocketTimeoutException, "the connection was left open: " + closed);
                assertTrue(closed instanceof IOException || closed instanceof ProtocolException, closed.toString());
            }

            // The good neighbour's session is untouched: its next write arrives, and the bad neighbour's good delta stays.
            good.document("plant").map().counter("kwh").increment(100);
            BigInteger expected = BigInteger.valueOf(111);
            for (int i = 0; i < 500 && !expected.equals(server.document("plant").map().counter("kwh").value()); i++) {
                Thread.sleep(10);
            }
            assertEquals(expected, server.document("plant").map().counter("kwh").value());
            assertEquals(Connection.State.OPEN, goodConnection.state());
            assertTrue(goodConnection.events().isEmpty(), goodConnection.events().toString());
            for (int i = 0; i < 500 && !expected.equals(good.document("plant").map().counter("kwh").value()); i++) {
                Thread.sleep(10);
            }
            assertEquals(expected, good.document("plant").map().counter("kwh").value());
        }
    }

}
