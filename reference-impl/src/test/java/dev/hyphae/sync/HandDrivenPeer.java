package dev.hyphae.sync;

import dev.hyphae.data.ReplicaId;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.AccessPolicy.Right;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.session.Session;
import dev.hyphae.session.SessionMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A neighbour of a replica driven message by message: a session of the replica's with it, which the test hands what
 * the neighbour would send, and whose messages to the neighbour are kept for the test to read. The neighbour may write
 * every document.
 */
final class HandDrivenPeer {

    /** What the replica sent to the neighbour, in order. */
    final List<SessionMessage> received = new ArrayList<>();
    final Session session;
    /** The replica id in the neighbour's Opens. */
    final ReplicaId id;

    /** A neighbour of {@code replica} whose static key is 31 zero bytes after {@code keyByte}. */
    HandDrivenPeer(Replica replica, int keyByte, ReplicaId id) {
        byte[] key = new byte[32];
        key[0] = (byte) keyByte;
        this.id = id;
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

    /**
     * Opens {@code document} as channel {@code channel}, as a neighbour that holds nothing of the replica's log;
     * returns the replica's channel of the document, that of its Open that answers this one (HY-SESS-090).
     *
     * <p>Only the answer is looked for, not any Open of the same document: the session is never started, so the
     * replica opens nothing of its own accord, and an Open of its own of the document, had it sent one, would be
     * another channel. (The answer leaves the document's name out, so a match on the name never found it.)
     */
    long open(long channel, String document) {
        session.receive(new SessionMessage.Open(channel, document, Right.WRITE, Right.WRITE, id, new TreeMap<>(), null, 0, 8), 0);
        return received.stream()
                .filter(m -> m instanceof SessionMessage.Open o && o.answers() == channel)
                .map(m -> ((SessionMessage.Open) m).channel())
                .findFirst().orElseThrow(() -> new AssertionError("no answer to the Open of " + document + ": " + received));
    }

    /** Sends the entries of its log as intervals, one entry each, and lets the replica flush. */
    void sendEntries(long channel, byte[]... payloads) {
        for (int i = 0; i < payloads.length; i++) {
            session.receive(new SessionMessage.Delta(channel, SessionMessage.Kind.INTERVAL, i, i + 1, payloads[i]), 0);
        }
        session.flush();
    }
}
