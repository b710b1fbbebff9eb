package dev.hyphae.sync;

import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.session.Session;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One session between two replicas, A and B, in memory: each side's messages are encoded and queued for the other in
 * order, as over TCP, until the test delivers them; and kept as sent, for the test to read. No threads and no clock:
 * time is 0 throughout. The two peers' identities are fixed, and each may write every document. For one thread.
 */
final class SessionPair {

    final Session a;
    final Session b;
    /** What each side sent, in order. */
    final List<SessionMessage> fromA = new ArrayList<>();
    final List<SessionMessage> fromB = new ArrayList<>();
    private final Deque<byte[]> toA = new ArrayDeque<>();
    private final Deque<byte[]> toB = new ArrayDeque<>();

    /** A session between {@code replicaA} and {@code replicaB}, not yet started, with the default options. */
    SessionPair(Replica replicaA, Replica replicaB) {
        TrustStore.Identity ida = identity(1);
        TrustStore.Identity idb = identity(2);
        AccessPolicy policy = new AccessPolicy()
                .grant(ida.staticKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE)
                .grant(idb.staticKey(), AccessPolicy.EVERY_DOCUMENT, AccessPolicy.Right.WRITE);
        a = replicaA.newSession(idb, policy, Session.Options.DEFAULT, outbox(toB, fromA));
        b = replicaB.newSession(ida, policy, Session.Options.DEFAULT, outbox(toA, fromB));
    }

    /**
     * A session between the two, started with A opening {@code document} (and B what it holds), run until nothing is
     * in flight; fails if either side ended it.
     */
    static SessionPair meet(Replica replicaA, Replica replicaB, String document) throws IOException {
        SessionPair pair = new SessionPair(replicaA, replicaB);
        pair.a.start(0, List.of(document));
        pair.b.start(0, List.of());
        pair.run();
        assertTrue(!pair.a.ended() && !pair.b.ended(), "the session ended: " + pair.a.events() + " " + pair.b.events());
        return pair;
    }

    /** Delivers what is in flight, each way in turn, until nothing is. */
    void run() {
        while (!toA.isEmpty() || !toB.isEmpty()) {
            deliverToB();
            deliverToA();
        }
    }

    /** Hands B everything that A has sent and B has not yet received, then lets B flush. */
    void deliverToB() {
        deliver(toB, b);
    }

    /** Hands A everything that B has sent and A has not yet received, then lets A flush. */
    void deliverToA() {
        deliver(toA, a);
    }

    /** Drops the session at both ends, as when the connection is lost. */
    void abandon() {
        a.abandon();
        b.abandon();
    }

    private static void deliver(Deque<byte[]> queue, Session to) {
        byte[] m;
        while ((m = queue.pollFirst()) != null) {
            to.receive(m, 0);
        }
        to.flush();
    }

    private static Session.Outbox outbox(Deque<byte[]> queue, List<SessionMessage> log) {
        return new Session.Outbox() {
            @Override
            public void send(SessionMessage message) {
                log.add(message);
                queue.addLast(SessionCodec.encode(message));
            }

            @Override
            public void end() {
            }
        };
    }

    private static TrustStore.Identity identity(int first) {
        byte[] key = new byte[32];
        key[0] = (byte) first;
        return new TrustStore.Identity(key, null, null);
    }
}
