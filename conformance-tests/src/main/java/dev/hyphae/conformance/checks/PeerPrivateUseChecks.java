package dev.hyphae.conformance.checks;

import dev.hyphae.ErrorCode;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.Sut;
import dev.hyphae.conformance.checks.PeerChecks.Connection;
import dev.hyphae.conformance.checks.PeerChecks.DocumentsModel;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static dev.hyphae.conformance.checks.PeerChecks.RANDOM;
import static dev.hyphae.conformance.checks.PeerChecks.acknowledges;
import static dev.hyphae.conformance.checks.PeerChecks.freshDocument;
import static dev.hyphae.conformance.checks.PeerChecks.openDocument;

/**
 * The Peer profile's check of section "Private Use values" of chapter "Versioning and extensibility": a value of a
 * Private Use CRDT type never reaches a neighbour with which no capability defines that type, and the rest of the delta
 * that held it still does. The suite's handshake offers no capability, so none defines a Private Use type in any of its
 * sessions. The client it drives is {@link PeerChecks.Connection}.
 */
@Checks(Profile.PEER)
class PeerPrivateUseChecks {

    /** A CRDT type id of the Private Use range (0x8000 to 0xFFFF), which no capability of the suite's sessions defines. */
    private static final int PRIVATE_USE_TYPE = 0x8001;
    /** A CRDT type id of the Standard range that version 1 does not assign: it travels without a capability (HY-SYNC-080). */
    private static final int UNKNOWN_TYPE = 0x3001;

    @BeforeEach
    void claimed() {
        Sut.requireProfile(Profile.PEER);
    }

    /**
     * The suite writes, in one delta, a value of a Private Use type (dot 1) beside a value of an unknown Standard type
     * (dot 2). Writing it, the suite breaks HY-VER-033 on purpose, as a neighbour that does would: the peer may not refuse
     * the payload for a type that it does not know (HY-VER-020). Another connection of the suite then reads the document:
     * no payload that the peer sends it holds the Private Use value, at any depth, or covers its dot in its context
     * (HY-VER-033, HY-VER-034, HY-VER-035), and the value of the Standard type still arrives (HY-VER-034: the rest of
     * the delta is not withheld), its type id, dot and data as written (HY-VER-021).
     */
    @Test
    @Requirement({"HY-VER-033", "HY-VER-034", "HY-VER-035", "HY-VER-021"})
    void aValueOfAPrivateUseTypeIsLeftOutWhereNoCapabilityDefinesIt() throws Exception {
        String document = freshDocument();
        ReplicaId writer = ReplicaId.random(RANDOM);
        dev.hyphae.model.ReplicaId model = new dev.hyphae.model.ReplicaId(writer.toHex());
        Dot privateDot = new Dot(model, 1);
        Dot standardDot = new Dot(model, 2);
        EntryKey privateKey = new EntryKey(Value.of("vendor-private"), PRIVATE_USE_TYPE);
        EntryKey standardKey = new EntryKey(Value.of("vendor-reading"), UNKNOWN_TYPE);
        Unknown standard = new Unknown(UNKNOWN_TYPE, new TreeSet<>(List.of(new Unknown.Version(List.of(standardDot), "c0ffee00ba5e"))));
        Unknown privateUse = new Unknown(PRIVATE_USE_TYPE, new TreeSet<>(List.of(new Unknown.Version(List.of(privateDot), "5ec4e7"))));
        State written = new State(ORMap.of(Map.of(privateKey, privateUse, standardKey, standard)),
                CausalContext.of(List.of(privateDot, standardDot)));
        try (Connection w = Connection.openWriting()) {
            SessionMessage.Open answer = openDocument(w, document, writer);
            w.send(new SessionMessage.Delta(answer.channel(), SessionMessage.Kind.STATE, 0, 1, PayloadEncoder.encode(written)));
            SessionMessage m = w.next(x -> acknowledges(x, 7, 1) || x instanceof SessionMessage.SessionError,
                    "acknowledgement of a write of a value of Private Use type " + PRIVATE_USE_TYPE);
            if (m instanceof SessionMessage.SessionError e) {
                throw new AssertionError("the peer refused a payload holding values of CRDT types that it does not know, "
                        + PRIVATE_USE_TYPE + " and " + UNKNOWN_TYPE + " (HY-VER-020): " + e);
            }
            w.send(new SessionMessage.Close(0, ErrorCode.NO_ERROR.value(), "done"));
        }
        try (Connection r = Connection.open()) {
            SessionMessage.Open read = openDocument(r, document, ReplicaId.random(RANDOM));
            State state = DocumentsModel.empty();
            while (!state.context().contains(standardDot)) {
                SessionMessage.Delta delta = (SessionMessage.Delta) r.next(x -> x instanceof SessionMessage.Delta d && d.channel() == 7,
                        "a delta of " + document + " holding the value of unknown type " + UNKNOWN_TYPE
                                + " written with the value of Private Use type " + PRIVATE_USE_TYPE + " (HY-VER-034)");
                state = DocumentsModel.join(state, delta, r);
                r.send(new SessionMessage.Ack(read.channel(), delta.toSeq()));
                if (holdsType((ORMap) state.store(), PRIVATE_USE_TYPE)) {
                    throw new AssertionError("the peer sent, in a session where no capability defines the Private Use type "
                            + PRIVATE_USE_TYPE + ", a delta " + delta.kind() + " " + delta.fromSeq() + ".." + delta.toSeq()
                            + " that holds a value of that type: " + state.store() + " (HY-VER-033, HY-VER-034)");
                }
                if (state.context().contains(privateDot)) {
                    throw new AssertionError("the peer left the value of Private Use type " + PRIVATE_USE_TYPE + " out of a delta but"
                            + " its context covers the value's dot " + privateDot + ": " + state.context() + "; a neighbour that"
                            + " holds the value would take it as removed (HY-VER-035)");
                }
            }
            Store forwarded = ((ORMap) state.store()).entries().get(standardKey);
            if (!standard.equals(forwarded)) {
                throw new AssertionError("the suite wrote under " + standardKey + " the value " + standard + " beside a value of Private"
                        + " Use type; the peer's deltas, whose context covers its dot, hold " + forwarded + " there: only the"
                        + " Private Use value is left out, not the rest of the delta (HY-VER-034), and a value of unknown type is"
                        + " forwarded as its opaque versions were received (HY-VER-021)");
            }
        }
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
