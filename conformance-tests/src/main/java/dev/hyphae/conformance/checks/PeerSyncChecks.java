package dev.hyphae.conformance.checks;

import dev.hyphae.ErrorCode;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.Unsupported;
import dev.hyphae.conformance.checks.PeerChecks.Connection;
import dev.hyphae.conformance.checks.PeerChecks.DocumentsModel;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.model.CrdtType;
import dev.hyphae.model.Mutation;
import dev.hyphae.model.Mutators;
import dev.hyphae.model.State;
import dev.hyphae.model.Value;
import dev.hyphae.model.encoding.PayloadEncoder;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static dev.hyphae.conformance.checks.PeerChecks.RANDOM;
import static dev.hyphae.conformance.checks.PeerChecks.acknowledges;
import static dev.hyphae.conformance.checks.PeerChecks.freshDocument;
import static dev.hyphae.conformance.checks.PeerChecks.openDocument;
import static dev.hyphae.conformance.checks.PeerChecks.value;

/**
 * The Peer profile's checks of chapter "Sync" that a peer shows only in what it sends: the positions that its deltas
 * bear. The client they drive is {@link PeerChecks.Connection}.
 */
@Checks(Profile.PEER)
class PeerSyncChecks {

    /** How many entries the suite's writer adds to the peer's log of the document. */
    private static final int WRITES = 3;

    @BeforeEach
    void claimed() {
        Sut.requireProfile(Profile.PEER);
    }

    /**
     * The suite writes a fresh document in {@value #WRITES} deltas of successive dots, each of which changes the peer's
     * state and so adds an entry to its log (HY-SYNC-002); a later session, as a fresh replica that states an empty
     * summary, is given the document by a DIFFERENCE or a STATE (HY-SYNC-011) whose {@code to_seq} is the peer's
     * {@code seq} when it computed the payload, {@value #WRITES} (HY-SYNC-014), never 0 (HY-SESS-021), and whose payload
     * holds every write (HY-SYNC-015, HY-SYNC-016). The empty summary names no prefix of the peer's log, so the peer may
     * instead resume from 0 with an INTERVAL (HY-SYNC-029), which HY-SYNC-014 does not bind: such a peer leaves this
     * check unsupported.
     */
    @Test
    @Requirement({"HY-SYNC-014", "HY-SESS-021", "HY-SYNC-002", "HY-SYNC-011", "HY-SYNC-015", "HY-SYNC-016"})
    void theDeltaThatStartsASyncBearsTheSeqOfTheLog() throws Exception {
        String document = freshDocument();
        ReplicaId writer = ReplicaId.random(RANDOM);
        dev.hyphae.model.ReplicaId model = new dev.hyphae.model.ReplicaId(writer.toHex());
        try (Connection w = Connection.openWriting()) {
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
        try (Connection r = Connection.open()) {
            SessionMessage.Open answer = openDocument(r, document, ReplicaId.random(RANDOM));
            SessionMessage.Delta first = (SessionMessage.Delta) r.next(m -> m instanceof SessionMessage.Delta d && d.channel() == 7,
                    "the first delta of " + document);
            if (first.kind() == SessionMessage.Kind.INTERVAL) {
                throw new Unsupported("the peer resumed from position 0 with an INTERVAL, as it may when the receiver's Open names no"
                        + " prefix of its log (HY-SYNC-029); HY-SYNC-014 binds only a DIFFERENCE or a STATE");
            }
            if (first.toSeq() == 0) {
                throw new AssertionError("the peer's " + first.kind() + " of " + document + " bears to_seq 0, which a DIFFERENCE or a STATE"
                        + " never bears (HY-SESS-021), though the log has " + WRITES + " entries (HY-SYNC-014)");
            }
            if (first.toSeq() != WRITES) {
                throw new AssertionError("the peer's log of " + document + " has " + WRITES + " entries, one for each write that changed"
                        + " its state (HY-SYNC-002), and nothing else was written to it; its " + first.kind() + " bears to_seq "
                        + first.toSeq() + ", not the seq of its log when it computed the payload, " + WRITES + " (HY-SYNC-014)");
            }
            State state = DocumentsModel.join(DocumentsModel.empty(), first, r);
            if (!value(state).equals(BigInteger.valueOf(WRITES))) {
                throw new AssertionError("the peer's " + first.kind() + " of " + document + " holds a counter of " + value(state) + ", not the "
                        + WRITES + " writes that its to_seq covers (HY-SYNC-015, HY-SYNC-016)");
            }
            r.send(new SessionMessage.Ack(answer.channel(), first.toSeq()));
        }
    }
}
