package dev.hyphae.session;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The documents of one session, by name and by the channel number this side chose for each (specification,
 * chapter "Session", section "Channel numbers"). A number is never reused on the session: a document closed and
 * opened again gets a new one, and messages on the old one are ignored.
 */
final class ChannelTable {

    private final Map<String, Channel> byDocument = new TreeMap<>();
    private final Map<Long, Channel> byLocal = new HashMap<>();
    private long nextChannel = 1;

    /** The channel of {@code document} on the session, or null. */
    Channel get(String document) {
        return byDocument.get(document);
    }

    /** The channel with this side's number {@code local}, open or closed, or null. */
    Channel byLocal(long local) {
        return byLocal.get(local);
    }

    /** How many documents are on the session. */
    int size() {
        return byDocument.size();
    }

    /** The channels of the documents on the session, in the order of their names. */
    Collection<Channel> all() {
        return List.copyOf(byDocument.values());
    }

    /** Puts {@code document} on the session, under the next number. */
    Channel add(String document, DocumentSync sync) {
        Channel c = new Channel(document, nextChannel++, sync);
        byDocument.put(document, c);
        byLocal.put(c.local, c);
        return c;
    }

    /** Whether any document, on the session or closed on it since, brought something on it ({@link Channel#brought}). */
    boolean brought() {
        for (Channel c : byLocal.values()) {
            if (c.brought) {
                return true;
            }
        }
        return false;
    }

    /** Takes a closed document off the session, so that it can be opened again under a new number. */
    void forget(Channel closed) {
        byDocument.remove(closed.document, closed);
    }

    /**
     * The channel that a message of the peer names, or null if this side closed it (HY-SESS-026: such messages are
     * ignored); a violation if it names a number never opened (HY-SESS-025) or one the peer has not opened yet.
     */
    Channel named(long local) throws ProtocolException {
        Channel c = byLocal.get(local);
        if (c == null) {
            throw ProtocolException.sessionError(ErrorCode.PROTOCOL_VIOLATION, "channel %d was never opened", local);
        }
        if (c.closed) {
            return null;
        }
        if (c.remote == null) {
            throw ProtocolException.sessionError(ErrorCode.PROTOCOL_VIOLATION, "a message on channel %d before the peer's Open", local);
        }
        return c;
    }
}
