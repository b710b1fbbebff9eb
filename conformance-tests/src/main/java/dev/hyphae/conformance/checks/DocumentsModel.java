package dev.hyphae.conformance.checks;

import dev.hyphae.model.CrdtType;
import dev.hyphae.model.ORMap;
import dev.hyphae.model.State;
import dev.hyphae.model.encoding.Malformed;
import dev.hyphae.model.encoding.PayloadDecoder;
import dev.hyphae.session.SessionMessage;

import java.util.HexFormat;
import java.util.List;

import static dev.hyphae.conformance.checks.PeerChecks.broken;

/** The model of a document, as the suite keeps it: the join of the payloads the peer sent. */
final class DocumentsModel {

    private DocumentsModel() {
    }

    static State empty() {
        return State.empty(CrdtType.OR_MAP.id());
    }

    /** Joins the payload of a Delta that the peer sent, uncompressed, as {@link #join(State, byte[], boolean, PeerConnection)} says. */
    static State join(State state, SessionMessage.Delta delta, PeerConnection c) {
        return join(state, delta.payload(), delta.compact(), c);
    }

    /**
     * Joins a payload that the peer sent, read against its session replica table {@code table} when it is in
     * session form or in the compact form. A payload that the model's decoder refuses fails on the sender's rule of
     * replica indexes (HY-SESS-071, HY-SESS-077) when the refusal is an index past the table, and otherwise on the
     * requirements that the refusal names.
     */
    static State join(State state, byte[] payload, boolean compact, PeerConnection c) {
        List<dev.hyphae.model.ReplicaId> table = c.peerTable;
        State decoded;
        try {
            // In session form, the key indexes of its maps name keys of the session key table (HY-SESS-099, HY-SESS-101).
            decoded = compact ? dev.hyphae.model.encoding.CompactDecoder.decode(payload, table)
                    : PayloadDecoder.decode(payload, table, c.peerKeys);
        } catch (Malformed e) {
            // A replica index past the table (HY-ENC-026 in session form, HY-ENC-061 in the compact form) breaks the
            // sender's rule of that form; any other refusal breaks what the refusal names.
            boolean pastTheTable = e.requirements().contains(compact ? "HY-ENC-061" : "HY-ENC-026");
            String rule = pastTheTable
                    ? "a sender names no replica index past the table of its direction once the ids that the same Delta declares"
                            + " are appended (" + (compact ? "HY-SESS-077" : "HY-SESS-071") + ")"
                    : "a peer sends only payloads that a decoder accepts, read against the session tables of its direction ("
                            + String.join(", ", e.requirements()) + ")";
            throw broken(rule, "the Opens and deltas of this check;"
                            + " the peer's session replica table, as its first Open and its Deltas made it, is " + table,
                    "a payload that a decoder accepts, read against that table", "a payload that a decoder refuses ("
                            + e.phase().specName() + ": " + e.getMessage() + "): " + HexFormat.of().formatHex(payload));
        }
        if (!(decoded.store() instanceof ORMap)) {
            throw broken("a receiver refuses a Delta whose payload's root CRDT type id is not 7, the ORMap (HY-SYNC-019): a peer that"
                            + " meets " + PeerChecks.theChecksRequirements() + " sends none", c.input(), "a payload whose root is an ORMap (7)",
                    "a payload whose root is of type " + decoded.store().typeId() + ": " + HexFormat.of().formatHex(payload));
        }
        return state.join(decoded);
    }
}
