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
import dev.hyphae.handshake.AccessPolicy.Right;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.hyphae.conformance.checks.PeerChecks.RANDOM;
import static dev.hyphae.conformance.checks.PeerChecks.answersOpen;
import static dev.hyphae.conformance.checks.PeerChecks.expectSessionError;
import static dev.hyphae.conformance.checks.PeerChecks.openOf;

/**
 * The Peer profile's checks of the limit of documents on a session. They run after every other check of the profile
 * ({@link Order}; the peer phase orders its classes by that annotation): they leave the peer holding some
 * {@code MAX_DOCUMENTS} documents, which every later session would meet, since a peer may open on every session the
 * documents that it holds and that the neighbour may read. They are always the same documents, named from one pool,
 * so that a peer checked again and again holds no more of them than one run leaves. The check of the peer's own Opens
 * runs last, when the pool is there already and costs it only Opens that the peer answers at once.
 */
@Checks(Profile.PEER)
@Order(Integer.MAX_VALUE)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PeerDocumentLimitChecks {

    /** How many Opens the suite sends before it reads their answers: a bounded amount of the peer's writing is left unread. */
    private static final int BATCH = 128;
    /** The documents that the check opens are named with this prefix and a number below {@code 2 * MAX_DOCUMENTS}. */
    private static final String POOL = PeerTarget.DOCUMENT_PREFIX + "limit-";
    /** How many documents of the pool the check of the peer's own Opens needs the peer to hold: more than half a session. */
    private static final int HELD_FOR_OWN_OPENS = SessionLimits.MAX_DOCUMENTS / 2 + 16;

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
    @Order(1)
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
     * A peer opens of its own accord at most half of {@code MAX_DOCUMENTS} documents on a session (HY-SESS-155), so
     * that the neighbour's Opens always find room. The suite first makes sure that the peer holds more documents that
     * the suite may read than that half: the first {@link #HELD_FOR_OWN_OPENS} of the pool, which the check above has
     * left (a run of this check alone opens them, in sessions that keep the suite's own Opens within its half). Then,
     * on a session in which the suite opens nothing, it counts the peer's Opens that answer none, up to a Ping's Pong:
     * a peer opens what it holds when the session starts, before it answers anything. The suite answers each of them
     * (HY-SESS-028), granting read only so that no delta follows, and ends every session in order.
     */
    @Test
    @Order(2)
    @Requirement("HY-SESS-155")
    void aPeerOpensOfItsOwnAccordAtMostHalfTheDocumentsOfASession() throws Exception {
        ReplicaId me = ReplicaId.random(RANDOM);
        int next = 0;
        while (next < HELD_FOR_OWN_OPENS) {
            try (Connection c = Connection.open()) {
                Set<String> onSession = new HashSet<>(answerOwnOpens(c, me, 0x1550000));
                long channel = 100;
                int own = 0;
                while (next < HELD_FOR_OWN_OPENS && own < SessionLimits.MAX_DOCUMENTS / 2) {
                    List<String> batch = new ArrayList<>();
                    while (next < HELD_FOR_OWN_OPENS && own + batch.size() < SessionLimits.MAX_DOCUMENTS / 2 && batch.size() < BATCH) {
                        String document = POOL + next++;
                        if (!onSession.contains(document)) {
                            batch.add(document);
                        }
                    }
                    long first = channel;
                    for (String document : batch) {
                        c.send(openOf(channel++, document, me));
                    }
                    for (int i = 0; i < batch.size(); i++) {
                        long ch = first + i;
                        String document = batch.get(i);
                        SessionMessage answer = c.next(m -> m instanceof SessionMessage.Open o && answersOpen(o, ch, document)
                                || m instanceof SessionMessage.SessionError e && (e.channel() == ch || e.channel() == 0),
                                "answer to the Open of " + document);
                        if (answer instanceof SessionMessage.SessionError e) {
                            throw new AssertionError("the peer answered the Open of " + document + ", which the suite may write, with "
                                    + e + " (HY-SESS-028)");
                        }
                    }
                    own += batch.size();
                }
                c.send(new SessionMessage.Close(0, ErrorCode.NO_ERROR.value(), "the suite has opened what it needs"));
            }
        }
        try (Connection c = Connection.open()) {
            List<String> opened = answerOwnOpens(c, me, 0x1550100);
            c.send(new SessionMessage.Close(0, ErrorCode.NO_ERROR.value(), "the suite has counted the peer's Opens"));
            if (opened.size() > SessionLimits.MAX_DOCUMENTS / 2) {
                throw new AssertionError("on a session in which the suite opened nothing, the peer, holding at least " + HELD_FOR_OWN_OPENS
                        + " documents that the suite may read, sent " + opened.size() + " Opens that answer none, more than MAX_DOCUMENTS / 2 ("
                        + SessionLimits.MAX_DOCUMENTS / 2 + "): a peer opens of its own accord at most half of the documents that a session"
                        + " holds, so that the neighbour's own Opens find room whatever crosses them (HY-SESS-155)");
            }
        }
    }

    /**
     * The documents that the peer has opened of its own accord on {@code c} so far, up to the Pong of a Ping with
     * {@code nonce}, each answered with an Open that grants read only and says that no delta follows (HY-SESS-147).
     */
    private static List<String> answerOwnOpens(Connection c, ReplicaId me, long nonce) throws Exception {
        c.send(new SessionMessage.Ping(nonce));
        c.next(m -> m.equals(new SessionMessage.Pong(nonce)), "Pong");
        List<String> opened = new ArrayList<>();
        long channel = 1_000_000;
        for (SessionMessage m : c.received) {
            if (m instanceof SessionMessage.Open o && o.answers() == 0 && o.document() != null) {
                opened.add(o.document());
                c.send(new SessionMessage.Open(channel++, null, Right.READ, Right.READ, me, null, null, 0, 16, o.channel()));
            }
        }
        c.received.clear();
        return opened;
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
