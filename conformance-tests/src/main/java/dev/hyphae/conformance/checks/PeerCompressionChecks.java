package dev.hyphae.conformance.checks;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.handshake.Negotiation;
import dev.hyphae.handshake.ProtocolVersion;
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
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static dev.hyphae.conformance.checks.PeerChecks.DEFLATE;
import static dev.hyphae.conformance.checks.PeerChecks.RANDOM;
import static dev.hyphae.conformance.checks.PeerChecks.READ_TIMEOUT_MILLIS;
import static dev.hyphae.conformance.checks.PeerChecks.acknowledges;
import static dev.hyphae.conformance.checks.PeerChecks.broken;
import static dev.hyphae.conformance.checks.PeerChecks.freshDocument;
import static dev.hyphae.conformance.checks.PeerChecks.increment;
import static dev.hyphae.conformance.checks.PeerChecks.openDocument;
import static dev.hyphae.conformance.checks.PeerChecks.target;
import static dev.hyphae.conformance.checks.PeerChecks.value;

/**
 * The Peer profile's checks of the capability deflate (chapter "Compression"): compressed deltas that the peer reads,
 * those that it writes, and none where the capability is not in force. The client they drive is
 * {@link PeerConnection}.
 */
@ExtendWith(PeerCheckLifecycle.class)
@Checks(Profile.PEER)
class PeerCompressionChecks {

    /**
     * With deflate negotiated, the suite writes a document in two compressed deltas on one stream, the second continuing
     * it; a later session, without compression, is given the two writes back. A peer that does not select deflate leaves
     * this check unsupported.
     */
    @Test
    @Requirement({"HY-COMP-005", "HY-COMP-012"})
    void compressedDeltasAreInflatedOnTheirStreamAndApplied() throws Exception {
        String document = freshDocument();
        ReplicaId me = ReplicaId.random(RANDOM);
        State first = Mutators.delta(DocumentsModel.empty(), new dev.hyphae.model.ReplicaId(me.toHex()),
                new Mutation.Update(Value.of("kwh"), CrdtType.PNCOUNTER.id(), new Mutation.Increment(5)));
        State second = Mutators.delta(first, new dev.hyphae.model.ReplicaId(me.toHex()),
                new Mutation.Update(Value.of("kwh"), CrdtType.PNCOUNTER.id(), new Mutation.Increment(7)));
        String rule = "a receiver inflates a payload of compression 2 on a new stream of its channel and one of compression 1 on the"
                + " stream as it stands (HY-COMP-005), and checks and applies the inflated payload as an uncompressed one (HY-COMP-012)";
        String input = "with deflate in force, an Open of " + document + ", a STATE to seq 1 of an increment of 5, compression 2, then an"
                + " INTERVAL from 1 to 2 of an increment of 7, compression 1, on the same stream; in a later session without compression,"
                + " an Open of it by a fresh replica";
        try (PeerConnection c = openDeflating()) {
            SessionMessage.Open answer = openDocument(c, document, me);
            try (DeflateStreams.Sender stream = new DeflateStreams.Sender(java.util.zip.Deflater.DEFAULT_COMPRESSION)) {
                c.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.STATE, 0, 1, stream.compress(PayloadEncoder.encode(first)), List.of(), false, 2));
                c.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.INTERVAL, 1, 2, stream.compress(PayloadEncoder.encode(second)), List.of(), false, 1));
            }
            SessionMessage m = c.poll(x -> x instanceof SessionMessage.Ack a && a.channel() == 7 && a.seq() == 2
                    || x instanceof SessionMessage.SessionError e && (e.channel() == 7 || e.channel() == 0), "Ack of the two compressed deltas");
            if (!(m instanceof SessionMessage.Ack)) {
                throw broken(rule, input, "an Ack of channel 7 with seq 2, and no refusal", m == null ? "nothing within "
                        + READ_TIMEOUT_MILLIS + " ms; before, " + c.received : m);
            }
            c.send(new SessionMessage.Close(0, ErrorCode.NO_ERROR.value(), "done"));
        }
        try (PeerConnection c = PeerConnection.open()) {
            SessionMessage.Open answer = openDocument(c, document, ReplicaId.random(RANDOM));
            State state = DocumentsModel.empty();
            while (!value(state).equals(BigInteger.valueOf(12))) {
                SessionMessage m = c.poll(x -> x instanceof SessionMessage.Delta d && d.channel() == 7, "delta of " + document);
                if (m == null) {
                    throw broken(rule, input, "deltas of " + document + " that bring the counter to 12", "deltas that bring it to "
                            + value(state) + ", then nothing within " + READ_TIMEOUT_MILLIS + " ms");
                }
                state = DocumentsModel.join(state, (SessionMessage.Delta) m, c);
                c.send(new SessionMessage.Ack(answer.channel(), ((SessionMessage.Delta) m).toSeq()));
            }
        }
    }

    /**
     * A document of {@value #READINGS} counters, written without compression, is given back on a session with deflate in
     * force: every compressed delta of the peer's inflates on the suite's stream of the channel, as raw DEFLATE data that
     * ends with a sync flush whose last four bytes are removed, and bears a compression of 1 only where the channel has
     * a stream (HY-COMP-006). A peer that does not select deflate, or that compresses none of these deltas, which it may,
     * leaves this check unsupported.
     */
    @Test
    @Requirement({"HY-COMP-004", "HY-COMP-006"})
    void thePeersCompressedDeltasInflateOnTheReceiversStream() throws Exception {
        String document = freshDocument();
        State written = writeReadings(document);
        String rule = "a sender writes each compressed payload as raw DEFLATE data without a preset dictionary and with no final block,"
                + " ending with a sync flush whose last four bytes 00 00 FF FF it removes (HY-COMP-004)";
        String input = "in an earlier session, a write of " + READINGS + " counters to " + document + "; in this one, with deflate in"
                + " force, an Open of it by a fresh replica";
        try (PeerConnection c = openDeflating(); DeflateStreams.Receiver stream = new DeflateStreams.Receiver()) {
            SessionMessage.Open answer = openDocument(c, document, ReplicaId.random(RANDOM));
            State state = DocumentsModel.empty();
            boolean streaming = false;
            boolean compressed = false;
            while (!state.store().equals(written.store())) {
                SessionMessage m = c.poll(x -> x instanceof SessionMessage.Delta d && d.channel() == 7, "delta of " + document);
                if (m == null) {
                    throw broken("a peer sends the receiver deltas that cover every entry of its log (HY-SYNC-004)", input,
                            "deltas that bring " + document + " to the " + READINGS + " counters written", "deltas that bring it to "
                            + state.store() + ", then nothing within " + READ_TIMEOUT_MILLIS + " ms");
                }
                SessionMessage.Delta delta = (SessionMessage.Delta) m;
                byte[] payload = delta.payload();
                if (delta.compression() == 2) {
                    stream.restart();
                    streaming = true;
                }
                if (delta.compression() == 1 && !streaming || delta.compression() > 2) {
                    throw broken("a peer sends no Delta whose compression a receiver must refuse, neither 0, 1 nor 2, or 1 where the channel"
                            + " has no stream (HY-COMP-006)",
                            input, "deltas of compression 0, 1 or 2, each allowed by its stream", delta);
                }
                if (delta.compression() == 0) {
                    streaming = false;
                } else {
                    compressed = true;
                    try {
                        payload = stream.inflate(payload);
                    } catch (java.util.zip.DataFormatException e) {
                        throw broken(rule, input, "a payload that inflates on the channel's stream once 00 00 FF FF is appended",
                                "the " + delta.kind() + " " + delta.fromSeq() + ".." + delta.toSeq() + " of compression " + delta.compression()
                                        + ", which does not inflate (" + e.getMessage() + "): " + HexFormat.of().formatHex(delta.payload()));
                    }
                }
                state = DocumentsModel.join(state, payload, delta.compact(), c);
                c.send(new SessionMessage.Ack(answer.channel(), delta.toSeq()));
            }
            if (!compressed) {
                throw new dev.hyphae.conformance.Unsupported("the peer compressed none of the deltas of a document of " + READINGS
                        + " counters, as it may; HY-COMP-004 binds only the payloads that it compresses");
            }
        }
    }

    /**
     * On a session on which deflate is not in force, the peer sends no compressed delta: a document of {@value #READINGS}
     * counters, whose payloads would compress well, is given back uncompressed.
     */
    @Test
    @Requirement("HY-COMP-001")
    void noDeltaIsCompressedOnASessionWithoutDeflate() throws Exception {
        String document = freshDocument();
        State written = writeReadings(document);
        try (PeerConnection c = PeerConnection.open()) {
            SessionMessage.Open answer = openDocument(c, document, ReplicaId.random(RANDOM));
            State state = DocumentsModel.empty();
            while (!state.store().equals(written.store())) {
                SessionMessage.Delta delta = (SessionMessage.Delta) c.next(x -> x instanceof SessionMessage.Delta d && d.channel() == 7,
                        "delta of " + document + " holding the " + READINGS + " counters written (HY-SYNC-004)");
                if (delta.compression() != 0) {
                    throw broken("a peer sends no Delta whose compression is not 0 on a session on which compression is not in force: the"
                                    + " responder's Selection does not list deflate (HY-COMP-001)",
                            "in an earlier session, a write of " + READINGS + " counters to " + document + "; in this one, whose offer lists"
                                    + " no capability, an Open of it by a fresh replica", "deltas of compression 0", delta);
                }
                state = DocumentsModel.join(state, delta, c);
                c.send(new SessionMessage.Ack(answer.channel(), delta.toSeq()));
            }
        }
    }

    /** How many counters a document of {@link #writeReadings} holds: enough for its payloads to compress well. */
    static final int READINGS = 64;

    /**
     * Writes {@value #READINGS} counters, "meter-reading-000" and on, to {@code document} in one STATE, in a session of its
     * own, and returns that state once the peer has acknowledged it.
     */
    static State writeReadings(String document) throws Exception {
        ReplicaId me = ReplicaId.random(RANDOM);
        dev.hyphae.model.ReplicaId writer = new dev.hyphae.model.ReplicaId(me.toHex());
        State written = DocumentsModel.empty();
        for (int i = 0; i < READINGS; i++) {
            written = written.join(Mutators.delta(written, writer, new Mutation.Update(Value.of(String.format("meter-reading-%03d", i)),
                    CrdtType.PNCOUNTER.id(), new Mutation.Increment(i + 1))));
        }
        try (PeerConnection w = PeerConnection.openWriting()) {
            SessionMessage.Open answer = openDocument(w, document, me);
            w.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.STATE, 0, 1, PayloadEncoder.encode(written)));
            w.next(m -> acknowledges(m, 7, 1), "acknowledgement of entry 1");
            w.send(new SessionMessage.Close(0, ErrorCode.NO_ERROR.value(), "done"));
        }
        return written;
    }

    /** A connection that offers deflate; a peer that does not select it leaves the check unsupported. */
    static PeerConnection openDeflating() throws IOException, ProtocolException {
        PeerConnection c = PeerConnection.open(target().suiteKey(), null,
                new Negotiation.Offer(List.of(ProtocolVersion.V1_0), new TreeSet<>(Set.of(DEFLATE))));
        if (!c.result.capabilities().contains(DEFLATE)) {
            c.close();
            throw new dev.hyphae.conformance.Unsupported("the peer does not select the capability deflate");
        }
        return c;
    }
}
