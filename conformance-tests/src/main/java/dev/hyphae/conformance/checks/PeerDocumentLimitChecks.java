package dev.hyphae.conformance.checks;

import dev.hyphae.ErrorCode;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.PeerTarget;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.checks.PeerChecks.Connection;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.session.SessionLimits;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static dev.hyphae.conformance.checks.PeerChecks.RANDOM;
import static dev.hyphae.conformance.checks.PeerChecks.answersOpen;
import static dev.hyphae.conformance.checks.PeerChecks.expectSessionError;
import static dev.hyphae.conformance.checks.PeerChecks.openOf;

/**
 * The Peer profile's check of the limit of documents on a session. It runs after every other check of the profile
 * ({@link Order}; the peer phase orders its classes by that annotation): it leaves the peer holding some
 * {@code MAX_DOCUMENTS} documents, which every later session would meet, since a peer may open on every session the
 * documents that it holds and that the neighbour may read. They are always the same documents, named from one pool,
 * so that a peer checked again and again holds no more of them than one run leaves.
 */
@Checks(Profile.PEER)
@Order(Integer.MAX_VALUE)
class PeerDocumentLimitChecks {

    /** How many Opens the suite sends before it reads their answers: a bounded amount of the peer's writing is left unread. */
    private static final int BATCH = 128;
    /** The documents that the check opens are named with this prefix and a number below {@code 2 * MAX_DOCUMENTS}. */
    private static final String POOL = PeerTarget.DOCUMENT_PREFIX + "limit-";

    @BeforeEach
    void claimed() {
        Sut.requireProfile(Profile.PEER);
    }

    /**
     * The suite opens documents that are not on the session, which the peer answers, until {@code MAX_DOCUMENTS} documents are on the session,
     * counting those that the peer opened of its own accord; then one more, whose Open ends the session with
     * LIMIT_EXCEEDED (HY-SESS-033). The suite plays an attacker on purpose: it opens far more than the half that
     * HY-SESS-155 leaves it, and then one document past the limit, which HY-SESS-033 forbids its sender. A Ping after
     * each batch of Opens is answered once the peer has acted on them, so that the suite counts every document that
     * the peer opened meanwhile.
     */
    @Test
    @Requirement({"HY-SESS-033", "HY-SESS-028"})
    void anOpenPastMaxDocumentsEndsTheSession() throws Exception {
        ReplicaId me = ReplicaId.random(RANDOM);
        try (Connection c = Connection.open()) {
            Set<String> onSession = new HashSet<>();
            long channel = 100;
            long nonce = 0x330000;
            while (true) {
                c.send(new SessionMessage.Ping(++nonce));
                long barrier = nonce;
                c.next(m -> m.equals(new SessionMessage.Pong(barrier)), "Pong after the suite's Opens");
                for (SessionMessage m : c.received) {
                    if (m instanceof SessionMessage.Open o && o.answers() == 0 && o.document() != null) {
                        onSession.add(o.document());
                    }
                }
                // Counted: a failure then shows what came after, not a thousand answers.
                c.received.clear();
                int room = SessionLimits.MAX_DOCUMENTS - onSession.size();
                if (room <= 0) {
                    break;
                }
                int batch = Math.min(room, BATCH);
                long first = channel;
                String[] documents = new String[batch];
                for (int i = 0; i < batch; i++) {
                    documents[i] = notOn(onSession, documents);
                    c.send(openOf(channel++, documents[i], me));
                }
                for (int i = 0; i < batch; i++) {
                    long ch = first + i;
                    String document = documents[i];
                    SessionMessage answer = c.next(m -> m instanceof SessionMessage.Open o && answersOpen(o, ch, document)
                            || m instanceof SessionMessage.SessionError e && (e.channel() == ch || e.channel() == 0),
                            "answer to the Open of " + document);
                    if (answer instanceof SessionMessage.SessionError e) {
                        throw new AssertionError("the peer answered the Open of " + document + " with " + e + " when " + onSession.size()
                                + " documents were on the session, fewer than MAX_DOCUMENTS (" + SessionLimits.MAX_DOCUMENTS
                                + "): it answers an Open of a document that is not on the session (HY-SESS-028, HY-SESS-033)");
                    }
                    onSession.add(document);
                }
            }
            if (onSession.size() > SessionLimits.MAX_DOCUMENTS) {
                throw new AssertionError("the peer opened documents of its own accord while the suite's Opens brought the session to "
                        + "MAX_DOCUMENTS, " + onSession.size() + " documents in all: a peer sends no Open of a document that is not on the"
                        + " session when MAX_DOCUMENTS documents are on it (HY-SESS-033)");
            }
            c.send(openOf(channel, notOn(onSession, new String[0]), me));
            expectSessionError(c, ErrorCode.LIMIT_EXCEEDED, "an Open of a document not on the session when MAX_DOCUMENTS ("
                    + SessionLimits.MAX_DOCUMENTS + ") documents were on it (HY-SESS-033)");
        }
    }

    /**
     * The first document of the pool that is neither on the session nor among {@code batch}: one that the peer may hold
     * from an earlier run, but has not opened on this session.
     */
    private static String notOn(Set<String> onSession, String[] batch) {
        java.util.List<String> taken = java.util.Arrays.asList(batch);
        for (int i = 0; ; i++) {
            String name = POOL + i;
            if (!onSession.contains(name) && !taken.contains(name)) {
                return name;
            }
        }
    }
}
