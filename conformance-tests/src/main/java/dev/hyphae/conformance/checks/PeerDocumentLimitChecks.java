package dev.hyphae.conformance.checks;

import dev.hyphae.ErrorCode;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.PeerTarget;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Unsupported;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.session.SessionLimits;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import dev.hyphae.handshake.AccessPolicy.Right;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.hyphae.conformance.checks.PeerChecks.GRANTS_WRITE;
import static dev.hyphae.conformance.checks.PeerChecks.RANDOM;
import static dev.hyphae.conformance.checks.PeerChecks.acknowledges;
import static dev.hyphae.conformance.checks.PeerChecks.answersOpen;
import static dev.hyphae.conformance.checks.PeerChecks.broken;
import static dev.hyphae.conformance.checks.PeerChecks.expectSessionError;
import static dev.hyphae.conformance.checks.PeerChecks.increment;
import static dev.hyphae.conformance.checks.PeerChecks.openOf;

/**
 * The Peer profile's checks of the limit of documents on a session. They run after every other check of the profile
 * ({@link Order}; the peer phase orders its classes by that annotation): they leave the peer holding some
 * {@code MAX_DOCUMENTS} documents, which every later session would meet, since a peer may open on every session the
 * documents that it holds and that the neighbour may read. They are always the same documents, named from one pool,
 * so that a peer checked again and again holds no more of them than one run leaves. The check of the peer's own Opens
 * runs last, when the pool is there already and costs it only Opens that the peer answers at once.
 */
@ExtendWith(PeerCheckLifecycle.class)
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
        try (PeerConnection c = PeerConnection.open()) {
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
                        throw c.broken("a peer that grants the suite write on a document (HY-CONF-045) answers its Open of it, when it is"
                                        + " not on the session, with an Open of the same document (HY-SESS-028), and refuses an Open for the"
                                        + " document limit only when MAX_DOCUMENTS (" + SessionLimits.MAX_DOCUMENTS + ") documents are on the"
                                        + " session (HY-SESS-033)", "an Open of " + document + ", with " + onSession.size()
                                        + " documents on the session", e);
                    }
                    onSession.add(document);
                }
            }
            if (onSession.size() > SessionLimits.MAX_DOCUMENTS) {
                throw c.broken("a peer sends no Open of a document that is not on the session when MAX_DOCUMENTS ("
                                + SessionLimits.MAX_DOCUMENTS + ") documents are on it (HY-SESS-033)",
                        "no Open of the peer's own accord once the suite's Opens and the peer's had brought the session to MAX_DOCUMENTS",
                        "Opens of the peer's own accord that brought the session to " + onSession.size() + " documents");
            }
            c.send(openOf(channel, notOn(onSession, new String[0]), me));
            expectSessionError(c, ErrorCode.LIMIT_EXCEEDED, "a receiver ends the session with LIMIT_EXCEEDED when it receives an Open of a document not on the session while MAX_DOCUMENTS documents are on it (HY-SESS-033)", "an Open of a document not on the session when MAX_DOCUMENTS ("
                    + SessionLimits.MAX_DOCUMENTS + ") documents were on it (HY-SESS-033)");
        }
    }

    /**
     * A peer opens of its own accord at most half of {@code MAX_DOCUMENTS} documents on a session (HY-SESS-155), so
     * that the neighbour's Opens always find room. The suite first makes sure that the peer holds more documents that
     * the suite may read than that half: the first {@link #HELD_FOR_OWN_OPENS} of the pool. In set-up sessions, it
     * opens each of them that the peer did not open of its own accord, and writes one small delta to it, which the
     * peer acknowledges: a peer need not keep a document to which nothing was ever written. Its own Opens in those
     * sessions stay within its half. Then, on a session in which the suite opens nothing, it counts the documents that
     * the peer opens of its own accord (a reopen of one already on the session counts once, HY-SESS-060), up to the
     * Pong of a second Ping: a peer opens what it holds when the session starts, before it answers anything. The suite
     * answers every Open of the peer whenever it comes (HY-SESS-028), granting read only so that no delta follows, and
     * ends every session in order; a peer that ends a set-up session in order (HY-SESS-157) is met again in a new one.
     * If the peer, on the counting session, opens fewer than half a session's documents, the limit was not reached,
     * and the check is reported as not exercised rather than passed.
     */
    @Test
    @Order(2)
    @Requirement({"HY-SESS-155", "HY-SESS-028"})
    void aPeerOpensOfItsOwnAccordAtMostHalfTheDocumentsOfASession() throws Exception {
        ReplicaId me = ReplicaId.random(RANDOM);
        Set<String> held = new HashSet<>();
        int sessions = 0;
        while (held.size() < HELD_FOR_OWN_OPENS) {
            if (++sessions > HELD_FOR_OWN_OPENS / BATCH + 8) {
                throw new Unsupported("not exercised: the set-up sessions brought only " + held.size() + " of the "
                        + HELD_FOR_OWN_OPENS + " documents that the check needs the peer to hold (HY-SESS-155)");
            }
            try (PeerConnection c = PeerConnection.open()) {
                setUp(c, me, held);
            }
        }
        try (PeerConnection c = PeerConnection.open()) {
            PeerOpens own = new PeerOpens(c, me);
            boolean ended = false;
            for (long nonce = 0x1550100; nonce < 0x1550102 && !ended; nonce++) {
                long ping = nonce;
                c.send(new SessionMessage.Ping(ping));
                ended = endsSession(c.next(x -> x.equals(new SessionMessage.Pong(ping)) || endsSession(x), "Pong"));
                own.answer();
            }
            if (!ended) {
                c.send(new SessionMessage.Close(0, ErrorCode.NO_ERROR.value(), "the suite has counted the peer's Opens"));
            }
            int opened = own.documents.size();
            if (opened > SessionLimits.MAX_DOCUMENTS / 2) {
                throw broken("a peer opens of its own accord at most half of the documents that a session holds, MAX_DOCUMENTS / 2 ("
                                + SessionLimits.MAX_DOCUMENTS / 2 + "), so that the neighbour's own Opens find room whatever crosses them"
                                + " (HY-SESS-155)", "a session in which the suite opens nothing, with a peer that holds at least "
                                + HELD_FOR_OWN_OPENS + " documents that the suite may read; " + c.input(),
                        "at most " + SessionLimits.MAX_DOCUMENTS / 2 + " Opens of the peer's own accord",
                        "Opens of " + opened + " documents of the peer's own accord");
            }
            if (opened < SessionLimits.MAX_DOCUMENTS / 2) {
                throw new Unsupported("not exercised: on a session in which the suite opened nothing, the peer, holding at least "
                        + HELD_FOR_OWN_OPENS + " documents that the suite may read, opened " + opened + " of its own accord, fewer than"
                        + " MAX_DOCUMENTS / 2 (" + SessionLimits.MAX_DOCUMENTS / 2 + "), so its limit of HY-SESS-155 was not reached");
            }
        }
    }

    /**
     * One set-up session: the pool documents that the peer opens of its own accord it holds; of the first
     * {@link #HELD_FOR_OWN_OPENS} of the others, the suite opens as many as its half of the session allows and writes
     * one delta to each, and those the peer acknowledges it holds. Returns early, with what it has, if the peer ends
     * the session in order.
     */
    private static void setUp(PeerConnection c, ReplicaId me, Set<String> held) throws Exception {
        PeerOpens own = new PeerOpens(c, me);
        try {
            setUp(c, own, held);
        } finally {
            held.addAll(own.pool());
        }
    }

    private static void setUp(PeerConnection c, PeerOpens own, Set<String> held) throws Exception {
        ReplicaId me = own.me;
        c.send(new SessionMessage.Ping(0x1550000));
        if (endsSession(c.next(m -> m.equals(new SessionMessage.Pong(0x1550000)) || endsSession(m), "Pong"))) {
            return;
        }
        own.answer();
        held.addAll(own.pool());
        long channel = 100;
        int opened = 0;
        int next = 0;
        while (opened < SessionLimits.MAX_DOCUMENTS / 2) {
            List<String> batch = new ArrayList<>();
            for (; next < HELD_FOR_OWN_OPENS && opened + batch.size() < SessionLimits.MAX_DOCUMENTS / 2 && batch.size() < BATCH; next++) {
                String document = POOL + next;
                if (!held.contains(document) && !own.documents.contains(document)) {
                    batch.add(document);
                }
            }
            if (batch.isEmpty()) {
                break;
            }
            long first = channel;
            for (String document : batch) {
                own.suiteOpened.add(document);
                c.send(openOf(channel++, document, me));
            }
            for (int i = 0; i < batch.size(); i++) {
                long ch = first + i;
                String document = batch.get(i);
                SessionMessage answer = c.next(m -> m instanceof SessionMessage.Open o && answersOpen(o, ch, document)
                        || m instanceof SessionMessage.SessionError e && (e.channel() == ch || e.channel() == 0) || endsSession(m),
                        "answer to the Open of " + document);
                own.answer();
                if (endsSession(answer)) {
                    return;
                }
                if (answer instanceof SessionMessage.SessionError e) {
                    throw c.broken(GRANTS_WRITE, "an Open of " + document + " with granted 2 (write)", e);
                }
                c.send(new SessionMessage.Delta(((SessionMessage.Open) answer).channel(), SessionMessage.Kind.STATE, 0, 1,
                        increment(me, 1)));
            }
            // The acknowledgements may have come while the suite read the answers: those already received count.
            Set<Long> unacknowledged = new HashSet<>();
            for (int i = 0; i < batch.size(); i++) {
                unacknowledged.add(first + i);
            }
            for (SessionMessage m : c.received) {
                unacknowledged.removeIf(ch -> acknowledges(m, ch, 1));
            }
            while (!unacknowledged.isEmpty()) {
                SessionMessage m = c.next(x -> unacknowledged.stream().anyMatch(ch -> acknowledges(x, ch, 1)) || endsSession(x)
                        || x instanceof SessionMessage.SessionError e && (unacknowledged.contains(e.channel()) || e.channel() == 0),
                        "acknowledgement of the deltas on the suite's channels " + unacknowledged);
                own.answer();
                if (endsSession(m)) {
                    return;
                }
                if (m instanceof SessionMessage.SessionError e) {
                    throw c.broken(GRANTS_WRITE + ", and so accepts the suite's valid deltas of such documents", "acknowledgements of the"
                            + " STATE 0..1 of one increment sent on each of the suite's channels " + unacknowledged, e);
                }
                unacknowledged.removeIf(ch -> acknowledges(m, ch, 1));
            }
            held.addAll(batch);
            opened += batch.size();
        }
        c.send(new SessionMessage.Close(0, ErrorCode.NO_ERROR.value(), "the suite has opened what it needs"));
    }

    /** Whether the peer ended the session in order, with a Close of the session (HY-SESS-157). */
    private static boolean endsSession(SessionMessage m) {
        return m instanceof SessionMessage.Close x && x.channel() == 0;
    }

    /**
     * The peer's own Opens on one session, each answered as it comes with an Open that grants read only and says that
     * no delta follows (HY-SESS-147), and the documents that they name, each once.
     */
    private static final class PeerOpens {
        private final PeerConnection c;
        final ReplicaId me;
        /** The documents that the peer opened of its own accord on the session. */
        final Set<String> documents = new HashSet<>();
        /** The documents that the suite opened on the session: an Open of the peer that names one answers or crosses it. */
        final Set<String> suiteOpened = new HashSet<>();
        private long channel = 1_000_000;
        private int seen;

        PeerOpens(PeerConnection c, ReplicaId me) {
            this.c = c;
            this.me = me;
        }

        /** Answers the peer's Opens received since the last call. */
        void answer() throws Exception {
            for (; seen < c.received.size(); seen++) {
                if (c.received.get(seen) instanceof SessionMessage.Open o && o.answers() == 0 && o.document() != null
                        && !suiteOpened.contains(o.document())) {
                    documents.add(o.document());
                    c.send(new SessionMessage.Open(channel++, null, Right.READ, Right.READ, me, null, null, 0, 16, o.channel()));
                }
            }
        }

        /** The documents of the pool that the check needs held, among those the peer opened: it holds them. */
        List<String> pool() {
            List<String> inPool = new ArrayList<>();
            for (int i = 0; i < HELD_FOR_OWN_OPENS; i++) {
                if (documents.contains(POOL + i)) {
                    inPool.add(POOL + i);
                }
            }
            return inPool;
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
