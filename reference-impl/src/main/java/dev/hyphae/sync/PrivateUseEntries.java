package dev.hyphae.sync;

import dev.hyphae.ErrorCode;
import dev.hyphae.crdt.Crdt;
import dev.hyphae.crdt.EntryKey;
import dev.hyphae.crdt.ORMap;
import dev.hyphae.session.DocumentClosedException;

import java.util.Map;

/**
 * The check of section "Private Use values" of chapter "Versioning and extensibility" on what a peer sends: a delta
 * whose payload holds an entry of a CRDT type of the Private Use range is not sent in a session where no capability
 * defines that type (HY-VER-034); the document closes on that session instead (HY-VER-035).
 *
 * <p>No capability that this implementation knows defines a Private Use CRDT type, so the check holds in every session.
 * It walks the decoded state of the delta about to be sent, which the sender has at hand, and only the maps: a value
 * of any other type, known or not, holds no entry of its own here.
 */
final class PrivateUseEntries {

    /** The first CRDT type id of the Private Use range, 0x8000 to 0xFFFF (chapter "Registries"). */
    static final int FIRST_PRIVATE_USE_TYPE = 0x8000;

    private PrivateUseEntries() {
    }

    /** Whether {@code typeId}, a CRDT type id, is of the Private Use range. */
    static boolean isPrivateUse(int typeId) {
        return typeId >= FIRST_PRIVATE_USE_TYPE;
    }

    /**
     * Refuses to send {@code sent}, the store of a delta, when it holds, at any depth of its maps, an entry of a Private
     * Use type: the delta cannot be sent on this session without it, and leaving out its entry would take its dots
     * out of the context too, which soon needs more cloud than a payload may carry; withholding the delta alone would
     * stall the channel, whose intervals follow on one from another.
     *
     * @throws DocumentClosedException with {@code UNSUPPORTED_CAPABILITY}: the document needs a capability that this
     *                                 session did not negotiate, so it closes on this session, and only on it
     */
    static void refuseToSend(ORMap sent) throws DocumentClosedException {
        EntryKey key = firstPrivateUse(sent);
        if (key != null) {
            throw new DocumentClosedException(ErrorCode.UNSUPPORTED_CAPABILITY, "the document holds an entry of Private Use CRDT type "
                    + key.typeId() + ", which no capability of this session defines (HY-VER-034, HY-VER-035)");
        }
    }

    /** The first key of an entry of a Private Use type in {@code map}, at any depth of its maps, or null. */
    static EntryKey firstPrivateUse(ORMap map) {
        for (Map.Entry<EntryKey, Crdt> e : map.entries().entrySet()) {
            if (isPrivateUse(e.getKey().typeId())) {
                return e.getKey();
            }
            if (e.getValue() instanceof ORMap nested) {
                EntryKey inside = firstPrivateUse(nested);
                if (inside != null) {
                    return inside;
                }
            }
        }
        return null;
    }
}
