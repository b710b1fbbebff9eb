package dev.hyphae.conformance.checks;

import dev.hyphae.ErrorCode;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.model.CausalContext;
import dev.hyphae.model.Dot;
import dev.hyphae.model.EntryKey;
import dev.hyphae.model.ORMap;
import dev.hyphae.model.State;
import dev.hyphae.model.Store;
import dev.hyphae.model.Unknown;
import dev.hyphae.model.Value;
import dev.hyphae.model.encoding.PayloadEncoder;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static dev.hyphae.conformance.checks.PeerChecks.RANDOM;
import static dev.hyphae.conformance.checks.PeerChecks.acknowledges;
import static dev.hyphae.conformance.checks.PeerChecks.broken;
import static dev.hyphae.conformance.checks.PeerChecks.freshDocument;
import static dev.hyphae.conformance.checks.PeerChecks.openDocument;

/**
 * The Peer profile's checks of section "Private Use values" of chapter "Versioning and extensibility": a value of a
 * Private Use CRDT type never reaches a neighbour with which no capability defines that type; the peer may close the
 * document on that session instead, and the session's other documents go on. The suite's handshake offers no
 * capability, so none defines a Private Use type in any of its sessions. The client it drives is
 * {@link PeerConnection}.
 */
@ExtendWith(PeerCheckLifecycle.class)
@Checks(Profile.PEER)
class PeerPrivateUseChecks {

    /** A CRDT type id of the Private Use range (0x8000 to 0xFFFF), which no capability of the suite's sessions defines. */
    private static final int PRIVATE_USE_TYPE = 0x8001;
    /** A CRDT type id of the Standard range that version 1 does not assign: it travels without a capability (HY-SYNC-080). */
    private static final int UNKNOWN_TYPE = 0x3001;
    /** The CRDT type id of the ORMap (chapter "Registries"). */
    private static final int OR_MAP = 7;
    /** The suite's channels of the three documents, on both connections. */
    private static final long ROOT = 7;
    private static final long NESTED = 8;
    private static final long STANDARD = 9;

    /**
     * What the peer sent a reader of three documents that the suite wrote: one with a value of a Private Use type at its
     * root, one with such a value in a nested ORMap, one with a value of an unknown Standard type alone. Writing them, the
     * suite breaks HY-VER-033 on purpose, as a neighbour that does would: the peer may not refuse a payload for a type
     * that it does not know (HY-VER-020). Another connection then opens the three, and reads until the third document's
     * value has arrived or nothing more comes within the read timeout.
     *
     * @param privateUse the first delta that held a value of the Private Use type, and the state it made, or null
     * @param closes     the peer's Closes of the three documents, by the suite's channel
     * @param standard   whether the third document's value arrived
     */
    private record Reading(Map<Long, String> documents, String privateUse, Map<Long, SessionMessage.Close> closes, boolean standard,
            List<SessionMessage> received) {
    }

    private static final String INPUT = "in one session, three fresh documents written, each in a STATE: the first with a value of"
            + " Private Use type " + PRIVATE_USE_TYPE + " at its root, the second with one in a nested ORMap, the third with a value of"
            + " the unknown Standard type " + UNKNOWN_TYPE + "; in a later session that no capability defines, an Open of the three,"
            + " on channels " + ROOT + ", " + NESTED + " and " + STANDARD;

    private static Reading read() throws Exception {
        ReplicaId writer = ReplicaId.random(RANDOM);
        dev.hyphae.model.ReplicaId model = new dev.hyphae.model.ReplicaId(writer.toHex());
        Dot dot = new Dot(model, 1);
        Unknown privateUse = new Unknown(PRIVATE_USE_TYPE, new TreeSet<>(List.of(new Unknown.Version(List.of(dot), "5ec4e7"))));
        Unknown standard = new Unknown(UNKNOWN_TYPE, new TreeSet<>(List.of(new Unknown.Version(List.of(dot), "c0ffee00ba5e"))));
        EntryKey privateKey = new EntryKey(Value.of("vendor-private"), PRIVATE_USE_TYPE);
        EntryKey standardKey = new EntryKey(Value.of("vendor-reading"), UNKNOWN_TYPE);
        Map<Long, State> written = new TreeMap<>();
        written.put(ROOT, new State(ORMap.of(Map.of(privateKey, privateUse)), CausalContext.of(List.of(dot))));
        written.put(NESTED, new State(ORMap.of(Map.of(new EntryKey(Value.of("room"), OR_MAP), ORMap.of(Map.of(privateKey, privateUse)))),
                CausalContext.of(List.of(dot))));
        written.put(STANDARD, new State(ORMap.of(Map.of(standardKey, standard)), CausalContext.of(List.of(dot))));
        Map<Long, String> documents = new TreeMap<>();
        try (PeerConnection w = PeerConnection.openWriting()) {
            for (Map.Entry<Long, State> e : written.entrySet()) {
                String document = freshDocument();
                documents.put(e.getKey(), document);
                SessionMessage.Open answer = openDocument(w, e.getKey(), document, writer);
                w.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.STATE, 0, 1, PayloadEncoder.encode(e.getValue())));
                long channel = e.getKey();
                // The peer may close the document on this session too, where it would send the value back (HY-VER-035).
                SessionMessage m = w.next(x -> acknowledges(x, channel, 1) || x instanceof SessionMessage.SessionError
                                || x instanceof SessionMessage.Close c && c.channel() == channel && channel != STANDARD
                                && c.code() == ErrorCode.UNSUPPORTED_CAPABILITY.value(),
                        "acknowledgement of a write of " + e.getValue().store());
                if (m instanceof SessionMessage.SessionError error) {
                    throw w.broken("a receiver accepts a payload that holds a value of a CRDT type that it does not know (HY-VER-020):"
                            + " without that, what the peer sends of it cannot be seen", "an acknowledgement of channel " + channel
                            + " with seq 1, for the STATE that holds " + e.getValue().store(), error);
                }
            }
            w.send(new SessionMessage.Close(0, ErrorCode.NO_ERROR.value(), "done"));
        }
        try (PeerConnection r = PeerConnection.open()) {
            Map<Long, State> read = new TreeMap<>();
            Map<Long, Long> peerChannels = new TreeMap<>();
            Map<Long, SessionMessage.Close> closes = new TreeMap<>();
            String privateSeen = null;
            ReplicaId reader = ReplicaId.random(RANDOM);   // one replica id in every Open of a session (HY-SESS-032)
            // All three Opens go at once: the peer's answers, or its own Opens of the documents, come in its order, and
            // a document's deltas and Close can come before another's answer; one loop reads them all.
            for (Map.Entry<Long, String> e : documents.entrySet()) {
                r.send(PeerChecks.openOf(e.getKey(), e.getValue(), reader));
                read.put(e.getKey(), DocumentsModel.empty());
            }
            while (!read.get(STANDARD).context().contains(dot)) {
                SessionMessage m = r.poll(x -> x instanceof SessionMessage.Delta d && documents.containsKey(d.channel())
                                || x instanceof SessionMessage.Close c && documents.containsKey(c.channel())
                                || x instanceof SessionMessage.Open o && answered(o, documents) != null,
                        "a delta, a Close or an Open of the three documents");
                if (m == null) {
                    break;
                }
                if (m instanceof SessionMessage.Open o) {
                    peerChannels.putIfAbsent(answered(o, documents), o.channel());
                } else if (m instanceof SessionMessage.Close c) {
                    closes.put(c.channel(), c);
                } else {
                    SessionMessage.Delta delta = (SessionMessage.Delta) m;
                    State state = DocumentsModel.join(read.get(delta.channel()), delta, r);
                    read.put(delta.channel(), state);
                    r.send(new SessionMessage.Ack(peerChannels.get(delta.channel()), delta.toSeq()));
                    if (privateSeen == null && holdsType((ORMap) state.store(), PRIVATE_USE_TYPE)) {
                        privateSeen = "a " + delta.kind() + " " + delta.fromSeq() + ".." + delta.toSeq() + " of "
                                + documents.get(delta.channel()) + " that holds a value of that type: " + state.store();
                    }
                }
            }
            return new Reading(documents, privateSeen, closes, read.get(STANDARD).context().contains(dot), List.copyOf(r.received));
        }
    }

    /** No delta that the peer sends the reader holds the Private Use value, at any depth. */
    @Test
    @Requirement({"HY-VER-034", "HY-VER-033"})
    void aValueOfAPrivateUseTypeIsNotSentWhereNoCapabilityDefinesIt() throws Exception {
        Reading reading = read();
        if (reading.privateUse() != null) {
            throw broken("HY-VER-034: a peer sends, in a session, no Delta whose payload holds an entry of a Private Use CRDT type that no"
                            + " capability negotiated in that session defines, at any depth (HY-VER-033)", INPUT,
                    "no delta that holds a value of type " + PRIVATE_USE_TYPE, reading.privateUse());
        }
    }

    /**
     * A peer that cannot send a document for its Private Use value closes it with UNSUPPORTED_CAPABILITY, and carries on
     * with the session's other documents: the third document, which holds no such value, is not closed, and its value
     * arrives on that session.
     */
    @Test
    @Requirement("HY-VER-035")
    void aDocumentThatCannotBeSentIsClosedAndTheOthersGoOn() throws Exception {
        Reading reading = read();
        String rule = "a peer that cannot send a delta of a document because of HY-VER-034 closes that document on the session with a"
                + " Close whose code is UNSUPPORTED_CAPABILITY (203), and carries on with the session's other documents (HY-VER-035)";
        String expected = "no Close of channel " + STANDARD + ", a Close of channel " + ROOT + " or " + NESTED + " only with code 203, and"
                + " the value of channel " + STANDARD + "'s document";
        for (SessionMessage.Close c : reading.closes().values()) {
            if (c.channel() == STANDARD || c.code() != ErrorCode.UNSUPPORTED_CAPABILITY.value()) {
                throw broken(rule, INPUT, expected, c);
            }
        }
        if (!reading.standard()) {
            throw broken(rule, INPUT, expected, "no delta holding it within " + PeerChecks.READ_TIMEOUT_MILLIS + " ms; the peer sent "
                    + reading.received());
        }
    }

    /** The suite's channel of the document of {@code documents} that the peer's Open {@code o} answers or opens, or null. */
    private static Long answered(SessionMessage.Open o, Map<Long, String> documents) {
        for (Map.Entry<Long, String> e : documents.entrySet()) {
            if (PeerChecks.answersOpen(o, e.getKey(), e.getValue())) {
                return e.getKey();
            }
        }
        return null;
    }

    /** Whether {@code map} holds, at any depth, an entry of CRDT type {@code type}. */
    private static boolean holdsType(ORMap map, int type) {
        for (Map.Entry<EntryKey, Store> e : map.entries().entrySet()) {
            if (e.getKey().typeId() == type || e.getValue() instanceof ORMap nested && holdsType(nested, type)) {
                return true;
            }
        }
        return false;
    }
}
