package dev.hyphae.conformance.checks;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Unsupported;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.model.CrdtType;
import dev.hyphae.model.Mutation;
import dev.hyphae.model.Mutators;
import dev.hyphae.model.State;
import dev.hyphae.model.Value;
import dev.hyphae.model.encoding.PayloadEncoder;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.math.BigInteger;
import java.util.List;

import static dev.hyphae.conformance.checks.PeerChecks.RANDOM;
import static dev.hyphae.conformance.checks.PeerChecks.acknowledges;
import static dev.hyphae.conformance.checks.PeerChecks.broken;
import static dev.hyphae.conformance.checks.PeerChecks.freshDocument;
import static dev.hyphae.conformance.checks.PeerChecks.openDocument;
import static dev.hyphae.conformance.checks.PeerChecks.value;
import static dev.hyphae.conformance.checks.PeerChecks.writeInASessionOfItsOwn;

/**
 * The Peer profile's checks of chapter "Sync" that a peer shows only in what it sends: the positions that its deltas
 * bear, and when it acknowledges. The client they drive is {@link PeerConnection}.
 */
@ExtendWith(PeerCheckLifecycle.class)
@Checks(Profile.PEER)
class PeerSyncChecks {

    /** How many entries the suite's writer adds to the peer's log of the document. */
    private static final int WRITES = 3;
    /**
     * How many times the suite sends deltas to make up for a peer's early acknowledgement, which took what is
     * unacknowledged below half the window ({@link #halfTheWindowUnacknowledgedIsAcknowledgedBeforeTheNextPingIsAnswered}).
     */
    private static final int ROUNDS = 8;

    /**
     * The suite writes a fresh document in {@value #WRITES} deltas of successive dots, each of which changes the peer's
     * state and so adds an entry to its log (HY-SYNC-002); a later session, as a fresh replica that states an empty
     * summary, is given the document by a DIFFERENCE or a STATE, the first delta on the channel (HY-SYNC-011). The empty
     * summary names no prefix of the peer's log, so the peer may instead resume from 0 with an INTERVAL (HY-SYNC-029),
     * which the rules that the checks below judge do not bind: such a peer leaves them unsupported. Returns that first
     * delta and the state that its payload holds.
     */
    private static FirstDelta firstDeltaOfADocumentOfThreeWrites() throws Exception {
        String document = freshDocument();
        ReplicaId writer = ReplicaId.random(RANDOM);
        dev.hyphae.model.ReplicaId model = new dev.hyphae.model.ReplicaId(writer.toHex());
        try (PeerConnection w = PeerConnection.openWriting()) {
            SessionMessage.Open answer = openDocument(w, document, writer);
            State state = DocumentsModel.empty();
            for (int seq = 1; seq <= WRITES; seq++) {
                State delta = Mutators.delta(state, model, new Mutation.Update(Value.of("kwh"), CrdtType.PNCOUNTER.id(), new Mutation.Increment(1)));
                state = state.join(delta);
                w.send(new SessionMessage.Delta(answer.channel(), seq == 1 ? SessionMessage.Kind.STATE : SessionMessage.Kind.INTERVAL, seq - 1,
                        seq, PayloadEncoder.encode(delta)));
            }
            w.next(m -> acknowledges(m, 7, WRITES), "acknowledgement of the " + WRITES + " writes");
            w.send(new SessionMessage.Close(0, ErrorCode.NO_ERROR.value(), "done"));
        }
        try (PeerConnection r = PeerConnection.open()) {
            SessionMessage.Open answer = openDocument(r, document, ReplicaId.random(RANDOM));
            SessionMessage.Delta first = (SessionMessage.Delta) r.next(m -> m instanceof SessionMessage.Delta d && d.channel() == 7,
                    "the first delta of " + document);
            if (first.kind() == SessionMessage.Kind.INTERVAL) {
                throw new Unsupported("the peer resumed from position 0 with an INTERVAL, as it may when the receiver's Open names no"
                        + " prefix of its log (HY-SYNC-029); the rule checked here binds only a DIFFERENCE or a STATE");
            }
            State state = DocumentsModel.join(DocumentsModel.empty(), first, r);
            r.send(new SessionMessage.Ack(answer.channel(), first.toSeq()));
            return new FirstDelta(first, state);
        }
    }

    private record FirstDelta(SessionMessage.Delta delta, State state) {
    }

    /**
     * The to_seq of the peer's deltas on one channel grows (HY-SESS-160). The suite's reader, a fresh replica, opens a
     * document that an earlier session wrote and acknowledges each delta that the peer sends it; while the reader's
     * session lasts, two more sessions of the suite write the document, and the peer passes each write on. Once the
     * reader holds every write, and the Pong of a Ping has come, no delta on the reader's channel bears a to_seq that does
     * not pass the one before it.
     */
    @Test
    @Requirement("HY-SESS-160")
    void theToSeqOfThePeersDeltasOnAChannelGrows() throws Exception {
        String document = freshDocument();
        writeInASessionOfItsOwn(document, ReplicaId.random(RANDOM), 1);
        try (PeerConnection r = PeerConnection.open()) {
            SessionMessage.Open answer = openDocument(r, document, ReplicaId.random(RANDOM));
            State state = readUntil(r, answer, DocumentsModel.empty(), 1);
            writeInASessionOfItsOwn(document, ReplicaId.random(RANDOM), 2);
            state = readUntil(r, answer, state, 3);
            writeInASessionOfItsOwn(document, ReplicaId.random(RANDOM), 4);
            readUntil(r, answer, state, 7);
            r.send(new SessionMessage.Ping(0x160));
            r.next(m -> m.equals(new SessionMessage.Pong(0x160)), "Pong once every write had come");
            List<SessionMessage.Delta> deltas = r.receivedOf(SessionMessage.Delta.class).stream().filter(d -> d.channel() == 7).toList();
            for (int i = 1; i < deltas.size(); i++) {
                if (Long.compareUnsigned(deltas.get(i).toSeq(), deltas.get(i - 1).toSeq()) <= 0) {   // seqs are unsigned
                    throw broken("a peer sends on a channel no Delta whose to_seq does not pass the to_seq of a Delta that it sent before on"
                            + " that channel (HY-SESS-160)", "an Open of " + document + ", which an earlier session wrote, by a fresh"
                            + " replica that acknowledges each delta; two more writes of it, each in a session of its own, while this"
                            + " one lasts; a Ping", "deltas on channel 7 whose to_seq grow", deltas.stream().map(d -> d.kind() + " "
                            + d.fromSeq() + ".." + d.toSeq()).toList());
                }
            }
        }
    }

    /**
     * Reads the peer's deltas on the reader's channel 7, joining and acknowledging each, until the counter reaches
     * {@code total}; returns the state joined.
     */
    private static State readUntil(PeerConnection r, SessionMessage.Open answer, State state, long total) throws Exception {
        while (!value(state).equals(BigInteger.valueOf(total))) {
            SessionMessage m = r.poll(x -> x instanceof SessionMessage.Delta d && d.channel() == 7, "delta of the document");
            if (m == null) {
                throw broken("a peer sends the receiver deltas that cover every entry of its log (HY-SYNC-004)", "writes of a document"
                        + " whose counter they bring to " + total + ", and an Open of it by a fresh replica", "deltas that bring the"
                        + " counter to " + total, "deltas that bring it to " + value(state) + ", then nothing within "
                        + PeerChecks.READ_TIMEOUT_MILLIS + " ms");
            }
            SessionMessage.Delta delta = (SessionMessage.Delta) m;
            state = DocumentsModel.join(state, delta, r);
            r.send(new SessionMessage.Ack(answer.channel(), delta.toSeq()));
        }
        return state;
    }

    private static final String INPUT = "in one session, an Open of a fresh document and " + WRITES + " writes of it, STATE 0..1 then"
            + " INTERVALs 1..2 and 2..3, each an increment of the counter \"kwh\" by a new dot, acknowledged; in a later session, an Open"
            + " of it by a fresh replica with an empty summary";

    @Test
    @Requirement("HY-SESS-021")
    void theDeltaThatStartsASyncDoesNotBearSeqZero() throws Exception {
        SessionMessage.Delta first = firstDeltaOfADocumentOfThreeWrites().delta();
        if (first.toSeq() == 0) {
            throw broken("a peer sends no Delta of kind DIFFERENCE or STATE whose to_seq is 0 (HY-SESS-021)", INPUT,
                    "a first Delta whose to_seq is not 0", first);
        }
    }

    /**
     * Each write changed the peer's state and so added an entry to its log (HY-SYNC-002), and nothing else was written to
     * it: the first delta, computed from that log, bears its seq.
     */
    @Test
    @Requirement({"HY-SYNC-014", "HY-SYNC-002"})
    void theDeltaThatStartsASyncBearsTheSeqOfTheLog() throws Exception {
        SessionMessage.Delta first = firstDeltaOfADocumentOfThreeWrites().delta();
        if (first.toSeq() != WRITES) {
            throw broken("a peer appends to its log an entry for each delta that changes its state (HY-SYNC-002), and sets the to_seq of"
                    + " a DIFFERENCE or a STATE to the seq of its log when it computes the payload (HY-SYNC-014)", INPUT,
                    "a first Delta whose to_seq is " + WRITES, first);
        }
    }

    /** The payload of the first delta, a state or a difference from an empty summary, holds every write. */
    @Test
    @Requirement({"HY-SYNC-015", "HY-SYNC-016"})
    void theDeltaThatStartsASyncHoldsEveryWrite() throws Exception {
        FirstDelta first = firstDeltaOfADocumentOfThreeWrites();
        if (!value(first.state()).equals(BigInteger.valueOf(WRITES))) {
            throw broken("the payload of a STATE is the sender's state (HY-SYNC-015), and that of a DIFFERENCE from an empty summary joins"
                    + " into any state as the sender's state does (HY-SYNC-016)", INPUT, "a first Delta whose payload holds the counter "
                    + WRITES, first.delta().kind() + " " + first.delta().fromSeq() + ".." + first.delta().toSeq() + " whose counter is "
                    + value(first.state()));
        }
    }

    /**
     * Once half the window of the peer's own Open, rounded up, is unacknowledged on a channel, the peer no longer holds
     * back the acknowledgement (HY-SYNC-081): judged by the order of what it sends, never by the clock.
     *
     * <p>The suite opens a fresh document with write and sends half = ceil(window / 2) STATE deltas of a counter that
     * grows by one each, each to_seq one higher, all of which the peer accepts, then a Ping, and reads until its Pong;
     * then it sends a second Ping, and the acknowledgement of all of them (an Ack of the suite's channel with seq half,
     * or a Delta whose ack is half, HY-SESS-083) must arrive before the second Pong. Why the second Ping: the deltas and
     * the first Ping may reach the peer in one burst, which it processes whole, answering the Ping as it goes, and only
     * then is no message waiting; the acknowledgement may then follow the first Pong, as it may follow any message of
     * that burst. The second Ping is sent only once the first Pong has arrived, so there is a moment between the two at
     * which the peer has processed every delta and no message of the session is waiting: with half the window
     * unacknowledged, HY-SYNC-081 makes the acknowledgement due then, before the second Ping can be processed and
     * answered. A peer that still holds it back for ACK_DELAY, or for any time, answers the second Ping first. The suite
     * takes the messages of a session to be processed in the order in which they arrive, the order in which HY-SYNC-023
     * speaks of messages that are waiting.
     *
     * <p>The connection offers no {@code durable-acks}, so the peer, as responder, cannot announce it (HY-VER-026) and
     * its acknowledgement does not wait for stable storage (HY-SESS-043): under that capability HY-SYNC-081 lets the
     * acknowledgement wait for a write to storage as well, which a peer may run while it answers later Pings, and the
     * order of the messages would not judge it. The suite sends no acknowledgement on this connection and keeps to the
     * window: what it has sent and not seen acknowledged never exceeds half the peer's window (HY-SESS-039).
     *
     * <p>A peer may acknowledge part of the deltas early, leaving fewer than half of them unacknowledged, and then hold
     * back the rest as HY-SYNC-023 allows. The suite counts what the peer acknowledged up to the first Pong (every
     * acknowledgement that the peer sent before it processed the last delta comes before that Pong), and where fewer
     * than half remain, sends that many more deltas and a Ping again, for at most {@value #ROUNDS} rounds, so that the
     * second Ping always follows a moment at which the peer's count is half.
     */
    @Test
    @Requirement("HY-SYNC-081")
    void halfTheWindowUnacknowledgedIsAcknowledgedBeforeTheNextPingIsAnswered() throws Exception {
        String document = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        dev.hyphae.model.ReplicaId model = new dev.hyphae.model.ReplicaId(me.toHex());
        try (PeerConnection c = PeerConnection.open()) {
            SessionMessage.Open answer = openDocument(c, document, me);
            int half = (answer.window() + 1) / 2;
            String input = "on a connection that offers no durable-acks, an Open of the fresh document " + document + ", answered with"
                    + " window " + answer.window() + "; STATE deltas 0..1, 0..2 and so on, each of the counter \"kwh\" incremented by one"
                    + " more, until " + half + " (ceil(window / 2)) are unacknowledged";
            State state = DocumentsModel.empty();
            Acknowledged acked = new Acknowledged();
            long sent = 0;
            for (int round = 1; ; round++) {
                while (sent - acked.seq < half) {
                    state = state.join(Mutators.delta(state, model, new Mutation.Update(Value.of("kwh"), CrdtType.PNCOUNTER.id(),
                            new Mutation.Increment(1))));
                    sent++;
                    c.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.STATE, 0, sent, PayloadEncoder.encode(state)));
                }
                input += (round == 1 ? "" : "; acknowledged up to " + acked.seq + ", then deltas up to to_seq " + sent)
                        + ", then a Ping, nonce " + Long.toHexString(0x0810L + round) + ", read until its Pong";
                untilPong(c, 0x0810L + round, sent, acked);
                if (acked.seq == sent) {
                    return;   // every delta acknowledged before the Pong: the peer held nothing back
                }
                if (sent - acked.seq >= half) {
                    break;
                }
                if (round == ROUNDS) {
                    throw new Unsupported("in each of " + ROUNDS + " rounds, the peer acknowledged part of the deltas before it answered the"
                            + " Ping that followed them, leaving fewer than half its window (" + half + ") unacknowledged, as HY-SYNC-023"
                            + " allows: HY-SYNC-081 never bound it");
                }
            }
            long nonce = 0x0810L + ROUNDS + 1;
            input += ", acknowledged up to " + acked.seq + "; then a second Ping, nonce " + Long.toHexString(nonce);
            int before = c.received.size();
            untilPong(c, nonce, sent, acked);
            if (acked.seq != sent) {
                throw broken("a receiver does not hold back the Ack of a delta once the deltas on its channel that it has neither"
                                + " acknowledged nor refused number at least half the window of its own Open, rounded up: it sends it as soon"
                                + " as it has processed the delta and no further message of the session is waiting (HY-SYNC-081)", input,
                        "an Ack of channel 7 with seq " + sent + ", or a Delta of channel 7 whose ack is " + sent
                                + ", before the Pong of the second Ping",
                        "acknowledged up to " + acked.seq + " when that Pong came; after the Pong of the Ping before it, the peer sent "
                                + c.received.subList(before, c.received.size()));
            }
        }
    }

    /** The highest seq that the peer has acknowledged on the suite's channel. */
    private static final class Acknowledged {
        long seq;
    }

    /**
     * Reads until the Pong of a Ping of {@code nonce} that it sends, raising {@code acked} with every acknowledgement of
     * the suite's channel 7 on the way. A refusal of one of the suite's valid deltas, or an error that ends the session,
     * stops the check; so does an acknowledgement past the last delta sent, {@code sent}.
     */
    private static void untilPong(PeerConnection c, long nonce, long sent, Acknowledged acked) throws IOException, ProtocolException {
        c.send(new SessionMessage.Ping(nonce));
        while (true) {
            SessionMessage m = c.next(x -> x.equals(new SessionMessage.Pong(nonce)) || x instanceof SessionMessage.Ack a && a.channel() == 7
                    || x instanceof SessionMessage.Delta d && d.channel() == 7 && d.ack() != 0
                    || x instanceof SessionMessage.SessionError e && (e.channel() == 7 || e.channel() == 0), "Pong of the Ping, nonce " + Long.toHexString(nonce));
            if (m instanceof SessionMessage.Pong) {
                return;
            }
            if (m instanceof SessionMessage.SessionError e) {
                throw new AssertionError("the peer refused one of the suite's STATE deltas, each a valid payload of a document on which it"
                        + " granted the suite write, or ended the session, with " + e + ": HY-SYNC-081 is judged on deltas that the peer"
                        + " accepts; it sent " + c.received);
            }
            long seq = m instanceof SessionMessage.Ack a ? a.seq() : ((SessionMessage.Delta) m).ack();
            if (seq > sent) {
                throw new AssertionError("the peer acknowledged seq " + seq + " on the suite's channel, past the last delta that the suite"
                        + " sent, whose to_seq is " + sent + ": an Ack's seq is held(r), the to_seq of a delta it accepted (HY-SYNC-022): " + m);
            }
            acked.seq = Math.max(acked.seq, seq);
        }
    }
}
