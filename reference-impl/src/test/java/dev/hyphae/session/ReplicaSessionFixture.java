package dev.hyphae.session;

import dev.hyphae.ProtocolException;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.sync.Replica;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The set-up of tests that drive one replica's sessions message by message, as the peer would: a replica on real
 * files, opened afresh for each test, and sessions with one peer whose messages are collected in {@link #sent}, each
 * through the wire codec both ways, as over a real transport. The peer's side is the test's: it hands the session
 * what the peer would send, and reads what the session sent.
 */
abstract class ReplicaSessionFixture {

    /** The peer's static key. */
    static final byte[] PEER_KEY = new byte[32];
    /** The replica id in the peer's Opens. */
    static final ReplicaId PEER = ReplicaId.fromHex("0000000000000000000000000000abcd");
    static final Session.Options OPTIONS = new Session.Options(8, 15_000, 60_000, 4);

    static {
        PEER_KEY[0] = 9;
    }

    @TempDir
    Path dir;
    Replica replica;
    /** What the sessions sent, in order, as the peer decodes it. */
    List<SessionMessage> sent;
    /** What the sessions are told when they ask whether the peer is behind in reading. */
    boolean congested;

    @BeforeEach
    void openReplica() throws IOException {
        replica = Replica.open(dir.resolve("r"), new SecureRandom());
        sent = new ArrayList<>();
    }

    @AfterEach
    void closeReplica() throws IOException {
        replica.close();
    }

    /** Closes the replica and opens it again on its files, as after a restart. */
    void reopen() throws IOException {
        replica.close();
        replica = Replica.open(dir.resolve("r"), new SecureRandom());
    }

    /** A session in which the peer may write every document. */
    Session session() {
        return session(grant(Right.WRITE), OPTIONS);
    }

    Session session(AccessPolicy policy, Session.Options options) {
        return replica.newSession(new TrustStore.Identity(PEER_KEY, null, null), policy, options, new Session.Outbox() {
            @Override
            public void send(SessionMessage message) {
                try {
                    sent.add(SessionCodec.decode(SessionCodec.encode(message)));
                } catch (ProtocolException e) {
                    throw new AssertionError("the session sent a message that its own codec refuses: " + message, e);
                }
            }

            @Override
            public void end() {
            }

            @Override
            public boolean congested() {
                return congested;
            }
        });
    }

    /** The peer may do {@code right} on every document. */
    static AccessPolicy grant(Right right) {
        return new AccessPolicy().grant(PEER_KEY, AccessPolicy.EVERY_DOCUMENT, right);
    }
}
