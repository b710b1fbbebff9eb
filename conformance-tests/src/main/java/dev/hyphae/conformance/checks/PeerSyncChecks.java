package dev.hyphae.conformance.checks;

import dev.hyphae.ErrorCode;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Sut;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.math.BigInteger;

import static dev.hyphae.conformance.checks.PeerChecks.RANDOM;
import static dev.hyphae.conformance.checks.PeerChecks.acknowledges;
import static dev.hyphae.conformance.checks.PeerChecks.broken;
import static dev.hyphae.conformance.checks.PeerChecks.freshDocument;
import static dev.hyphae.conformance.checks.PeerChecks.openDocument;
import static dev.hyphae.conformance.checks.PeerChecks.value;

/**
 * The Peer profile's checks of chapter "Sync" that a peer shows only in what it sends: the positions that its deltas
 * bear. The client they drive is {@link PeerConnection}.
 */
@Checks(Profile.PEER)
class PeerSyncChecks {

    /** How many entries the suite's writer adds to the peer's log of the document. */
    private static final int WRITES = 3;

    @BeforeEach
    void claimed(TestInfo check) {
        Sut.requireProfile(Profile.PEER);
        PeerChecks.judging(check);
    }

    @AfterEach
    void ended() {
        PeerChecks.judged();
    }

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
}
