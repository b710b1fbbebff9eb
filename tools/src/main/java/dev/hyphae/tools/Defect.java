package dev.hyphae.tools;

/**
 * The defects that {@code hyphae adapter --defect NAME} seeds into the reference adapter, one at a time, to show
 * that the conformance suite catches each of them. Each is a bug that a real implementation could have; none of
 * them exists in the reference implementation itself.
 */
enum Defect {
    /** An LWWRegister's query breaks a timestamp tie in favour of the smaller replica id, not the greater. */
    LWW_TIE_BREAK("lww-tie-break"),
    /** A GCounter's join adds the counts of a dot that both sides hold, instead of keeping one: join is not idempotent. */
    NON_IDEMPOTENT_MERGE("non-idempotent-merge"),
    /** An AWSet's join keeps every element's dots from both sides, ignoring what the other side's causal context has seen: removes are lost. */
    REMOVE_IGNORES_CONTEXT("remove-ignores-context"),
    /** The decoder reads past the end of a short buffer as zeros, as one over a pooled buffer larger than the payload might: truncated input is accepted. */
    ACCEPT_TRUNCATED("accept-truncated"),
    /** A malformed payload is refused with MALFORMED_MESSAGE (100) where a delta's payload needs MALFORMED_DELTA (101). */
    WRONG_ERROR_CODE("wrong-error-code"),
    /** The responder negotiates down to the lowest version it supports instead of the highest version in common. */
    DOWNGRADE("downgrade"),
    /** The initiator accepts a selection of a version it never offered: a responder can downgrade it. */
    ACCEPT_DOWNGRADE("accept-downgrade"),
    /** Compressed payloads of every channel are inflated on one stream, as if documents shared a compression context. */
    SHARED_STREAM("shared-stream"),
    /** Answers "unsupported" to every join of an ORMap state, although hello claims the type: a pass by omission. */
    UNSUPPORTED_CLAIMED_TYPE("unsupported-ormap-join"),

    // Codec: one class of invalid input accepted, a wrong code, a valid input refused, part of a state lost.

    /** The decoder does not check that a varint is minimal: a payload with an over-long varint is accepted (HY-ENC-019). */
    ACCEPT_NON_MINIMAL_VARINT("accept-non-minimal-varint"),
    /** Strings are not checked to be well-formed UTF-8: surrogates, overlong forms and code points past U+10FFFF are accepted (HY-DATA-012). */
    ACCEPT_INVALID_UTF8("accept-invalid-utf8"),
    /** The version vector is not checked to be in ascending order of replica id (HY-ENC-028). */
    ACCEPT_UNORDERED_VERSION_VECTOR("accept-unordered-version-vector"),
    /** A dot of a store that the payload's causal context does not contain is accepted (HY-DATA-019). */
    ACCEPT_DOT_OUTSIDE_CONTEXT("accept-dot-outside-context"),
    /** A dot that occurs twice in one store is accepted (HY-DATA-018). */
    ACCEPT_DOT_TWICE("accept-dot-twice"),
    /** A payload that holds more than MAX_ELEMENTS elements is accepted (HY-ENC-046). */
    ACCEPT_BEYOND_MAX_ELEMENTS("accept-beyond-max-elements"),
    /** A float64 map key is accepted (HY-DATA-016). */
    ACCEPT_FLOAT_MAP_KEY("accept-float-map-key"),
    /** A payload beyond a limit is refused with LIMIT_EXCEEDED (4), a session's code, not MALFORMED_DELTA (101) (HY-DATA-040). */
    LIMIT_AS_SESSION_ERROR("limit-as-session-error"),
    /** The nesting limit is checked with ">=" for ">": maps at depth MAX_NESTING_DEPTH, which are valid, are refused (HY-ENC-018). */
    NESTING_LIMIT_OFF_BY_ONE("nesting-limit-off-by-one"),
    /** Every NaN becomes the canonical quiet NaN as it is read: the sign and payload bits are lost (HY-DATA-011). */
    CANONICAL_NAN("canonical-nan"),
    /** ORMap entries of a CRDT type unknown to the implementation are dropped as they are read (HY-DATA-037). */
    DROP_UNKNOWN_ENTRIES("drop-unknown-entries"),
    /** As DROP_UNKNOWN_ENTRIES, but only in maps at depth 3 and deeper: the root map and its children keep them (HY-DATA-037). */
    DROP_DEEP_UNKNOWN_ENTRIES("drop-deep-unknown-entries"),

    // Replica semantics: joins, mutators, queries and the order of values.

    /** A GCounter increment writes the largest of the replica's entries plus the amount, not their sum (HY-DATA-021). */
    INCREMENT_LARGEST_ENTRY("increment-largest-entry"),
    /** An LWW write whose timestamp is not above every timestamp of the store is made, not refused (HY-DATA-029). */
    LWW_ACCEPTS_STALE_WRITE("lww-accepts-stale-write"),
    /** The LWW winner is found comparing timestamps as signed integers: a timestamp of 2^63 or more loses (HY-DATA-032). */
    LWW_SIGNED_TIMESTAMPS("lww-signed-timestamps"),
    /** An AWSet's join removes an element that one side removed, even when the other added it concurrently: remove wins (HY-DATA-020). */
    REMOVE_WINS_SET("remove-wins-set"),
    /** A PNCounter's join adds the parts of a dot that both sides hold, instead of keeping the greater (HY-DATA-020). */
    PNCOUNTER_JOIN_ADDS("pncounter-join-adds"),
    /** An MVRegister's join keeps only the siblings the other side has not seen, losing those that both hold (HY-DATA-020). */
    MV_JOIN_DROPS_COMMON_SIBLINGS("mv-join-drops-common-siblings"),
    /** An EWFlag's join disables the flag when either side disabled it, even against a concurrent enable (HY-DATA-020). */
    EWFLAG_DISABLE_WINS("ewflag-disable-wins"),
    /** 0.0 and -0.0 are one element of a set, as under a comparison of numbers rather than of bit patterns (HY-DATA-014). */
    SIGNED_ZEROS_EQUAL("signed-zeros-equal"),
    /** Strings are ordered by UTF-16 code units, not by their UTF-8 bytes: U+FF5E before U+1F344 (HY-DATA-015). */
    UTF16_STRING_ORDER("utf16-string-order"),
    /** From four elements on, an AWSet's query lists its elements in the order of a hash table (HY-DATA-034). */
    AWSET_UNORDERED_FROM_FOUR("awset-unordered-from-four"),
    /** A counter's value is summed in 64-bit arithmetic, which wraps around past 2^64-1 (HY-DATA-026). */
    COUNTER_VALUE_WRAPS("counter-value-wraps"),

    /**
     * Every refusal is reported in the phase apply, as by an implementation that checks a payload only once it has joined
     * it into a copy of the document: the right code, in a phase later than it should (HY-VEC-015). A "SHOULD": the
     * suite warns of it and still passes the vectors, which it decides on their codes (HY-VEC-016).
     */
    LATE_PHASE("late-phase"),

    /** Answers a query, then exits, as an implementation that frees its state twice after a query might: a crash after the answer. */
    EXIT_AFTER_QUERY("exit-after-query"),
    /** Never answers a query, as an implementation that deadlocks on one kind of request: a timeout, not a crash. */
    STALL_ON_QUERY("stall-on-query"),
    /**
     * The channel takes frames up to the largest that the protocol allows, not up to the size that this side announced
     * in its handshake (HY-FRAME-019).
     */
    IGNORE_FRAME_LIMIT("ignore-frame-limit"),

    // Handshake defects: each breaks one rule of the chapter "Handshake", as a responder or an initiator.

    /** The responder never looks at the critical flag: an offer that marks an unknown capability critical is accepted. */
    HS_IGNORE_CRITICAL("hs-ignore-critical"),
    /** The responder selects the first version of the offer that it supports, as if the offer were in order of preference. */
    HS_FIRST_COMMON_VERSION("hs-first-common-version"),
    /** The responder takes an offer's max_frame_size from 1 to 1023 as announced instead of refusing the offer. */
    HS_ACCEPT_SMALL_FRAMES("hs-accept-small-frames"),
    /** The responder answers an offer that it cannot verify with an error Selection instead of ending without a word. */
    HS_REPORT_MALFORMED("hs-report-malformed"),
    /** The initiator ends with whatever registered code a Selection reports, whatever its scope. */
    HS_ERROR_SCOPE_IGNORED("hs-error-scope-ignored"),
    /** The initiator takes an all-zero DH output, from a responder's low-order ephemeral key, as any other (HY-HS-016). */
    HS_INITIATOR_SKIPS_LOW_ORDER("hs-initiator-skips-low-order"),
    /** The responder's error Selection also announces max_frame_size, as its Selection of a version does (HY-HS-017). */
    HS_ERROR_SELECTION_WITH_FIELDS("hs-error-selection-with-fields"),
    /**
     * The responder reads an offer only as its own writer lays one out, as a reader that finds each field where its own
     * writer puts it does: an offer in another valid layout, such as one that leaves max_frame_size out, is refused as
     * malformed (HY-HS-018).
     */
    HS_OWN_LAYOUT_ONLY("hs-own-layout-only"),

    // Peer: seeded into the reference peer that `hyphae conformance --peer-defect NAME` starts (SeededPeer), each the
    // other reading of a decision of the network chapters.

    /** A fault ends the session with a Close of channel 0 that carries the code, not a SessionError (HY-SESS-140). */
    PEER_CLOSE_INSTEAD_OF_ERROR("peer-close-instead-of-error"),
    /** A SessionError whose code has session scope ends the session, whatever its channel and seq (HY-SESS-142). */
    PEER_ERROR_SCOPE_BY_CODE("peer-error-scope-by-code"),
    /** A delta refused for its payload gets its SessionError and no acknowledgement (HY-SYNC-071). */
    PEER_NO_ACK_AFTER_REFUSAL("peer-no-ack-after-refusal"),
    /** An answer to an Open that grants read only still asks for write (HY-SESS-147). */
    PEER_ANSWER_MODE_WRITE("peer-answer-mode-write"),
    /** An Open that names no prefix still names a held_replica, with held_seq 0 (HY-SESS-146). */
    PEER_HELD_REPLICA_WITHOUT_PREFIX("peer-held-replica-without-prefix"),
    /** Refused Opens count toward MAX_DOCUMENTS, and the session ends with LIMIT_EXCEEDED past it (HY-SESS-149). */
    PEER_REFUSALS_COUNT_TOWARD_LIMIT("peer-refusals-count-toward-limit"),
    /** The first write received on a document is sent back, as a state, with its acknowledgement (HY-SYNC-070). */
    PEER_ECHOES_WRITES("peer-echoes-writes"),
    /** A delta whose store is empty, only context, is taken as changing nothing: acknowledged, never passed on (HY-SYNC-072). */
    PEER_CONTEXT_ONLY_CHANGES_NOTHING("peer-context-only-changes-nothing"),
    /** The keepalive and idle timers start at the first message received, not at the end of the handshake (HY-SESS-152). */
    PEER_KEEPALIVE_FROM_FIRST_MESSAGE("peer-keepalive-from-first-message"),
    /** A message of an unknown type without a table is refused as malformed (HY-SESS-144). */
    PEER_TABLE_BEFORE_TYPE("peer-table-before-type"),
    /** A summary that claims more than MAX_REPLICAS counters, past the end of the message, is refused for the limit (HY-SESS-145). */
    PEER_SUMMARY_LIMIT_BEFORE_BOUNDS("peer-summary-limit-before-bounds"),
    /** A Delta on the channel of a closed document is dropped whole, with the replica ids it declares (HY-SESS-078). */
    PEER_DROPS_DECLARATIONS_ON_CLOSED_CHANNEL("peer-drops-declarations-on-closed-channel"),
    /** The responder sends a frame as soon as it has sent the second handshake message, before it reads the third (HY-FRAME-007). */
    PEER_FRAME_BEFORE_CONFIRMATION("peer-frame-before-confirmation"),
    /** The channel number of a document that the other peer closed is given to the next document opened (HY-SESS-023). */
    PEER_REUSES_CLOSED_CHANNEL("peer-reuses-closed-channel"),
    /** A document opened again after its close gets back the channel number it had before (HY-SESS-154). */
    PEER_REOPEN_REUSES_CHANNEL("peer-reopen-reuses-channel"),
    /** Acks name the peer's own channel number of the document, not the receiver's (HY-SESS-024). */
    PEER_ACK_ON_OWN_CHANNEL("peer-ack-on-own-channel"),
    /** A Close of a document is ignored: the document stays open, and an Open of it again ends the session (HY-SESS-054). */
    PEER_IGNORES_DOCUMENT_CLOSE("peer-ignores-document-close"),
    /** Granted read only, the peer answers with mode read and sends its deltas all the same (HY-SESS-035, HY-SESS-037). */
    PEER_DELTAS_AFTER_MODE_READ("peer-deltas-after-mode-read"),
    /** A Delta declares no replica ids, so that its payload names indexes past the receiver's table (HY-SESS-077). */
    PEER_UNDECLARED_REPLICAS("peer-undeclared-replicas"),
    /** A DIFFERENCE or a STATE bears to_seq 0 (HY-SESS-021). */
    PEER_STATE_TO_SEQ_ZERO("peer-state-to-seq-zero"),
    /** A DIFFERENCE or a STATE bears the seq of the log before its last entry (HY-SYNC-014). */
    PEER_STATE_TO_SEQ_BEHIND("peer-state-to-seq-behind"),
    /** Each Pong is followed by a vendor's message of type 200, which no capability of the session defines (HY-VER-018). */
    PEER_EXTENSION_MESSAGE("peer-extension-message"),
    /** An error of a code that the peer does not know is answered with a PROTOCOL_VIOLATION that ends the session (HY-VER-031). */
    PEER_ANSWERS_UNKNOWN_CODE("peer-answers-unknown-code"),
    /** An error of a code that the peer does not know ends the session, whatever its channel and seq (HY-VER-029). */
    PEER_UNKNOWN_CODE_ENDS_SESSION("peer-unknown-code-ends-session"),
    /** Entries of a CRDT type that the peer does not know are dropped from the deltas it receives (HY-VER-021). */
    PEER_DROPS_UNKNOWN_ENTRIES("peer-drops-unknown-entries"),
    /**
     * A payload received with a value of a Private Use CRDT type, at the root or nested, is sent on, as received, to a
     * neighbour that reads the document, where no capability defines that type, instead of closing the document on
     * that session (HY-VER-033, HY-VER-034).
     */
    PEER_FORWARDS_PRIVATE_USE("peer-forwards-private-use"),
    /** A refusal of the peer's own Open leaves its channel unknown: a message on it ends the session (HY-SESS-150). */
    PEER_REFUSAL_LEAVES_CHANNEL_UNKNOWN("peer-refusal-leaves-channel-unknown"),
    /** Deltas ignored on a closed channel count toward its window, and the session ends with LIMIT_EXCEEDED past it (HY-SESS-151). */
    PEER_COUNTS_IGNORED_DELTAS("peer-counts-ignored-deltas"),
    /** An offer of durable-acks with parameters is taken for a malformed offer, and the connection closed (HY-SESS-044). */
    PEER_REFUSES_CAPABILITY_PARAMETERS("peer-refuses-capability-parameters"),
    /** An offer of durable-acks with parameters is answered without durable-acks, which the peer selects otherwise (HY-SESS-044). */
    PEER_DECLINES_CAPABILITY_WITH_PARAMETERS("peer-declines-capability-with-parameters"),
    /**
     * A reader's Open of a document that the peer does not hold is closed (HY-SESS-060), and once the peer holds the
     * document it answers that closed Open after all, instead of opening the document anew (HY-SESS-053).
     */
    PEER_ANSWERS_ITS_CLOSED_OPEN("peer-answers-its-closed-open"),
    /** A reader's Open of a document that the peer does not hold is closed, and the peer never opens it once it holds it (HY-SESS-060). */
    PEER_NEVER_OPENS_AFTER_CLOSE("peer-never-opens-after-close"),
    /** An Open of a document past MAX_DOCUMENTS refuses that document alone, and the session carries on (HY-SESS-033). */
    PEER_REFUSES_DOCUMENT_PAST_LIMIT("peer-refuses-document-past-limit"),
    /**
     * At a session's start the peer opens of its own accord every document that it holds and the neighbour may read, up
     * to {@code MAX_DOCUMENTS}, not half of them (HY-SESS-155).
     */
    PEER_OPENS_PAST_HALF("peer-opens-past-half"),
    /**
     * A Close of a document whose code has session scope in the registry is taken for the end of the session, which the
     * peer then ends without a word (HY-REG-004).
     */
    PEER_CLOSE_CODE_ENDS_SESSION("peer-close-code-ends-session"),
    /**
     * Every acknowledgement is held back for a fixed timer of 1 second from the first delta that it covers, whatever the
     * window, as a group commit on a timer does: half the window unacknowledged does not send it at once (HY-SYNC-081).
     * The second is far more than ACK_DELAY, and far more than the exchange that catches it takes under load.
     */
    PEER_ACK_DELAY_IGNORES_WINDOW("peer-ack-delay-ignores-window"),
    /**
     * A Delta whose to_seq does not pass that of the Delta before it on its channel is taken for a copy of that one and
     * dropped without a word, instead of ending the session (HY-SESS-161).
     */
    PEER_DROPS_REPEATED_TO_SEQ("peer-drops-repeated-to-seq"),
    /** Each DIFFERENCE or STATE is sent twice, the copy with the same to_seq (HY-SESS-160). */
    PEER_REPEATS_STATE("peer-repeats-state"),

    // Replica semantics, caught by the mutation vectors: mutators that go wrong only on states larger than the suite's
    // generators draw (at most four siblings of an MVRegister, three dots of an AWSet element).

    /**
     * An MVRegister keeps four siblings inline and the others in an overflow list, which a write forgets: from five
     * siblings on, those past the fourth survive the write (HY-DATA-021).
     */
    MV_WRITE_FORGETS_FIFTH_SIBLING("mv-write-forgets-fifth-sibling"),
    /**
     * An AWSet keeps three dots of an element inline and the others in an overflow list, which a remove forgets: from four
     * dots on, the element survives its remove (HY-DATA-021).
     */
    AWSET_REMOVE_FORGETS_FOURTH_DOT("awset-remove-forgets-fourth-dot"),
    /**
     * The adapter has no answer for a view that one payload may not carry because it is beyond a limit: its encoder's
     * refusal escapes as a failure instead of the answer {@code null} (HY-CONF-067).
     */
    ENCODE_FAILS_BEYOND_LIMITS("encode-fails-beyond-limits"),
    /**
     * The encoder does not write key indexes: asked to encode against a session key table, the adapter answers
     * {@code null}, as if one payload in session form could not carry the state (HY-CONF-067). A valid vector with a key
     * table catches it only if its runner reads that answer as an answer, not as hexadecimal digits.
     */
    ENCODE_NULL_AGAINST_KEY_TABLE("encode-null-against-key-table"),
    /**
     * A GCounter increment is checked against the range on the largest of the replica's entries, not on their sum: with
     * several entries of its own, an increment that takes the sum past 2^64-1 is made, and the count wraps around
     * (HY-DATA-025). The invalid mutate case of such an increment catches it.
     */
    COUNTER_RANGE_OF_LARGEST_ENTRY("counter-range-of-largest-entry");

    private final String flag;

    Defect(String flag) {
        this.flag = flag;
    }

    /** The name on the command line. */
    String flag() {
        return flag;
    }

    /** The defect named {@code flag} on the command line. */
    static Defect of(String flag) {
        for (Defect d : values()) {
            if (d.flag.equals(flag)) {
                return d;
            }
        }
        throw new IllegalArgumentException("no defect '" + flag + "'; the defects are " + java.util.Arrays.stream(values()).map(Defect::flag).toList());
    }
}
