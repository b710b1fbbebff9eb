package dev.hyphae.tools;

import dev.hyphae.ProtocolException;
import dev.hyphae.codec.Codec;
import dev.hyphae.codec.ExternalTables;
import dev.hyphae.crdt.CausalState;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.data.ReplicaId;
import dev.hyphae.session.DeltaCompression;
import dev.hyphae.session.SessionCodec;
import dev.hyphae.session.SessionMessage;
import dev.hyphae.session.SessionTables;

import java.util.ArrayList;
import java.util.List;

/**
 * The receiving half of a session reduced to its tables (specification, chapter "Session", sections "Session replica
 * tables" and "Session key tables"): the Delta messages that one side receives after the first Open of its peer, each
 * taken in the order of steps in which a session takes it. First the message is decoded; then what it declares joins
 * the tables of the peer's direction, whatever becomes of its payload (HY-SESS-063, HY-SESS-094); then its payload is
 * inflated, on a session that has not negotiated compression; then the payload is read against the tables as they now
 * stand (HY-SESS-069, HY-SESS-076, HY-SESS-099). A refusal of the payload refuses that delta and the session goes on
 * (HY-SESS-070, HY-SESS-100); any other refusal ends the session.
 *
 * <p>It answers the adapter's request {@code receiveDeltas} and replays the vectors of the area {@code session}.
 */
final class DeltaReceiver {

    /** What the receiver did with the payload of one Delta that it took: the state it decodes to, or its refusal. */
    record Taken(CausalState<Crdt> state, ProtocolException refused) {
    }

    /** The Deltas taken, in order, and the refusal that ended the session after the last of them, or null. */
    record Outcome(List<Taken> taken, ProtocolException ended) {
    }

    private DeltaReceiver() {
    }

    /**
     * Receives {@code messages}, the bytes of session messages, on a session whose peer named {@code opener} in its first
     * Open (HY-SESS-110).
     *
     * @throws IllegalArgumentException for a message that decodes to something other than a Delta: the request is wrong
     */
    static Outcome receive(ReplicaId opener, List<byte[]> messages) {
        SessionTables tables = new SessionTables();
        tables.openReceived(opener);
        List<Taken> taken = new ArrayList<>();
        try (DeltaCompression compression = new DeltaCompression(false)) {
            for (byte[] bytes : messages) {
                try {
                    if (!(SessionCodec.decode(bytes) instanceof SessionMessage.Delta delta)) {
                        throw new IllegalArgumentException("a message of receiveDeltas that is not a Delta");
                    }
                    tables.received(delta);
                    taken.add(read(compression.inflate(delta, channel -> true), tables));
                } catch (ProtocolException ended) {
                    return new Outcome(taken, ended);
                }
            }
        }
        return new Outcome(taken, null);
    }

    private static Taken read(SessionMessage.Delta delta, SessionTables tables) {
        try {
            CausalState<Crdt> state = delta.compact()
                    ? Codec.decodeCompact(delta.payload(), tables.received())
                    : Codec.decode(delta.payload(), new ExternalTables(tables.received(), tables.receivedKeys())).state();
            return new Taken(state, null);
        } catch (ProtocolException refused) {
            return new Taken(null, refused);
        }
    }
}
