// Generated from spec/schema/*.fbs by SchemaGenerator (reference-impl/src/test); do not edit.
// Regenerate: ./mvnw -pl reference-impl -am test -Dtest=SchemaTest -Dsurefire.failIfNoSpecifiedTests=false -Dhyphae.regenerate=true

package dev.hyphae.codec;

/**
 * The tables of the normative schema, {@code spec/schema/*.fbs}: for each, the number of fields it declares
 * and, for each field, its id and what verification needs to know of it. Generated from the schema; the build
 * fails if this file differs from what the schema gives, or from the code flatc generates.
 */
public final class Schema {

    private Schema() {
    }

    // ---- handshake.fbs ---------------------------------------------------------------------------------------

    /** {@code table Capability} of {@code handshake.fbs}. */
    public static final class Capability {

        /** The number of fields the table declares; a vtable's later entries belong to later versions. */
        public static final int FIELDS = 3;
        /** {@code id: ushort (id: 0)} */
        public static final Field ID = Field.scalar("Capability", "id", 0, 2);
        /** {@code parameters: [ubyte] (id: 1)} */
        public static final Field PARAMETERS = Field.vector("Capability", "parameters", 1, 1);
        /** {@code critical: bool (id: 2)} */
        public static final Field CRITICAL = Field.scalar("Capability", "critical", 2, 1);

        private Capability() {
        }
    }

    /** {@code table Offer} of {@code handshake.fbs}. */
    public static final class Offer {

        /** The number of fields the table declares; a vtable's later entries belong to later versions. */
        public static final int FIELDS = 3;
        /** {@code versions: [ProtocolVersion] (id: 0)} */
        public static final Field VERSIONS = Field.vector("Offer", "versions", 0, 2);
        /** {@code capabilities: [Capability] (id: 1)} */
        public static final Field CAPABILITIES = Field.vectorOfTables("Offer", "capabilities", 1, Capability.FIELDS);
        /** {@code max_frame_size: ushort (id: 2)} */
        public static final Field MAX_FRAME_SIZE = Field.scalar("Offer", "max_frame_size", 2, 2);

        private Offer() {
        }
    }

    /** {@code table Certificate} of {@code handshake.fbs}. */
    public static final class Certificate {

        /** The number of fields the table declares; a vtable's later entries belong to later versions. */
        public static final int FIELDS = 6;
        /** {@code organisation_key: [ubyte] (id: 0)} */
        public static final Field ORGANISATION_KEY = Field.vector("Certificate", "organisation_key", 0, 1);
        /** {@code subject_key: [ubyte] (id: 1)} */
        public static final Field SUBJECT_KEY = Field.vector("Certificate", "subject_key", 1, 1);
        /** {@code organisation: string (id: 2)} */
        public static final Field ORGANISATION = Field.string("Certificate", "organisation", 2);
        /** {@code not_before: ulong (id: 3)} */
        public static final Field NOT_BEFORE = Field.scalar("Certificate", "not_before", 3, 8);
        /** {@code not_after: ulong (id: 4)} */
        public static final Field NOT_AFTER = Field.scalar("Certificate", "not_after", 4, 8);
        /** {@code signature: [ubyte] (id: 5)} */
        public static final Field SIGNATURE = Field.vector("Certificate", "signature", 5, 1);

        private Certificate() {
        }
    }

    /** {@code table Selection} of {@code handshake.fbs}. */
    public static final class Selection {

        /** The number of fields the table declares; a vtable's later entries belong to later versions. */
        public static final int FIELDS = 5;
        /** {@code version: ProtocolVersion (id: 0)} */
        public static final Field VERSION = Field.struct("Selection", "version", 0, 2, 1);
        /** {@code capabilities: [Capability] (id: 1)} */
        public static final Field CAPABILITIES = Field.vectorOfTables("Selection", "capabilities", 1, Capability.FIELDS);
        /** {@code error: ushort (id: 2)} */
        public static final Field ERROR = Field.scalar("Selection", "error", 2, 2);
        /** {@code certificate: Certificate (id: 3)} */
        public static final Field CERTIFICATE = Field.table("Selection", "certificate", 3, Certificate.FIELDS);
        /** {@code max_frame_size: ushort (id: 4)} */
        public static final Field MAX_FRAME_SIZE = Field.scalar("Selection", "max_frame_size", 4, 2);

        private Selection() {
        }
    }

    /** {@code table Confirmation} of {@code handshake.fbs}. */
    public static final class Confirmation {

        /** The number of fields the table declares; a vtable's later entries belong to later versions. */
        public static final int FIELDS = 2;
        /** {@code error: ushort (id: 0)} */
        public static final Field ERROR = Field.scalar("Confirmation", "error", 0, 2);
        /** {@code certificate: Certificate (id: 1)} */
        public static final Field CERTIFICATE = Field.table("Confirmation", "certificate", 1, Certificate.FIELDS);

        private Confirmation() {
        }
    }

    /** {@code table HandshakePayload} of {@code handshake.fbs}. */
    public static final class HandshakePayload {

        /** The number of fields the table declares; a vtable's later entries belong to later versions. */
        public static final int FIELDS = 3;
        /** {@code offer: Offer (id: 0)} */
        public static final Field OFFER = Field.table("HandshakePayload", "offer", 0, Offer.FIELDS);
        /** {@code selection: Selection (id: 1)} */
        public static final Field SELECTION = Field.table("HandshakePayload", "selection", 1, Selection.FIELDS);
        /** {@code confirmation: Confirmation (id: 2)} */
        public static final Field CONFIRMATION = Field.table("HandshakePayload", "confirmation", 2, Confirmation.FIELDS);

        private HandshakePayload() {
        }
    }

    // ---- payload.fbs -----------------------------------------------------------------------------------------

    /** {@code table Payload} of {@code payload.fbs}. */
    public static final class Payload {

        /** The number of fields the table declares; a vtable's later entries belong to later versions. */
        public static final int FIELDS = 3;
        /** {@code replicas: [ubyte] (id: 0)} */
        public static final Field REPLICAS = Field.vector("Payload", "replicas", 0, 1);
        /** {@code context: Context (id: 1)} */
        public static final Field CONTEXT = Field.table("Payload", "context", 1, Context.FIELDS);
        /** {@code root: Batch (id: 2)} */
        public static final Field ROOT = Field.table("Payload", "root", 2, Batch.FIELDS);

        private Payload() {
        }
    }

    /** {@code table Context} of {@code payload.fbs}. */
    public static final class Context {

        /** The number of fields the table declares; a vtable's later entries belong to later versions. */
        public static final int FIELDS = 2;
        /** {@code version_vector: [ubyte] (id: 0)} */
        public static final Field VERSION_VECTOR = Field.vector("Context", "version_vector", 0, 1);
        /** {@code cloud: [ubyte] (id: 1)} */
        public static final Field CLOUD = Field.vector("Context", "cloud", 1, 1);

        private Context() {
        }
    }

    /** {@code table Batch} of {@code payload.fbs}. */
    public static final class Batch {

        /** The number of fields the table declares; a vtable's later entries belong to later versions. */
        public static final int FIELDS = 13;
        /** {@code type: ushort (id: 0)} */
        public static final Field TYPE = Field.scalar("Batch", "type", 0, 2);
        /** {@code count: uint (id: 1)} */
        public static final Field COUNT = Field.scalar("Batch", "count", 1, 4);
        /** {@code sizes: [ubyte] (id: 2)} */
        public static final Field SIZES = Field.vector("Batch", "sizes", 2, 1);
        /** {@code dots: [ubyte] (id: 3)} */
        public static final Field DOTS = Field.vector("Batch", "dots", 3, 1);
        /** {@code dot_counts: [ubyte] (id: 4)} */
        public static final Field DOT_COUNTS = Field.vector("Batch", "dot_counts", 4, 1);
        /** {@code counts: [ubyte] (id: 5)} */
        public static final Field COUNTS = Field.vector("Batch", "counts", 5, 1);
        /** {@code decrements: [ubyte] (id: 6)} */
        public static final Field DECREMENTS = Field.vector("Batch", "decrements", 6, 1);
        /** {@code timestamps: [ubyte] (id: 7)} */
        public static final Field TIMESTAMPS = Field.vector("Batch", "timestamps", 7, 1);
        /** {@code values: Values (id: 8)} */
        public static final Field VALUES = Field.table("Batch", "values", 8, Values.FIELDS);
        /** {@code types: [ubyte] (id: 9)} */
        public static final Field TYPES = Field.vector("Batch", "types", 9, 1);
        /** {@code children: [Batch] (id: 10)} */
        public static final Field CHILDREN = Field.vectorOfTables("Batch", "children", 10, Batch.FIELDS);
        /** {@code opaque: [Opaque] (id: 11)} */
        public static final Field OPAQUE = Field.vectorOfTables("Batch", "opaque", 11, Opaque.FIELDS);
        /** {@code key_indexes: [ubyte] (id: 12)} */
        public static final Field KEY_INDEXES = Field.vector("Batch", "key_indexes", 12, 1);

        private Batch() {
        }
    }

    /** {@code table Opaque} of {@code payload.fbs}. */
    public static final class Opaque {

        /** The number of fields the table declares; a vtable's later entries belong to later versions. */
        public static final int FIELDS = 1;
        /** {@code data: [ubyte] (id: 0)} */
        public static final Field DATA = Field.vector("Opaque", "data", 0, 1);

        private Opaque() {
        }
    }

    /** {@code table Values} of {@code payload.fbs}. */
    public static final class Values {

        /** The number of fields the table declares; a vtable's later entries belong to later versions. */
        public static final int FIELDS = 6;
        /** {@code kinds: [ubyte] (id: 0)} */
        public static final Field KINDS = Field.vector("Values", "kinds", 0, 1);
        /** {@code ints: [ubyte] (id: 1)} */
        public static final Field INTS = Field.vector("Values", "ints", 1, 1);
        /** {@code strings: [ubyte] (id: 3)} */
        public static final Field STRINGS = Field.vector("Values", "strings", 3, 1);
        /** {@code bytes: [ubyte] (id: 4)} */
        public static final Field BYTES = Field.vector("Values", "bytes", 4, 1);
        /** {@code float_planes: [ubyte] (id: 5)} */
        public static final Field FLOAT_PLANES = Field.vector("Values", "float_planes", 5, 1);

        private Values() {
        }
    }

    // ---- session.fbs -----------------------------------------------------------------------------------------

    /** {@code table VersionVector} of {@code session.fbs}. */
    public static final class VersionVector {

        /** The number of fields the table declares; a vtable's later entries belong to later versions. */
        public static final int FIELDS = 2;
        /** {@code replicas: [ubyte] (id: 0)} */
        public static final Field REPLICAS = Field.vector("VersionVector", "replicas", 0, 1);
        /** {@code counters: [ulong] (id: 1)} */
        public static final Field COUNTERS = Field.vector("VersionVector", "counters", 1, 8);

        private VersionVector() {
        }
    }

    /** {@code table Open} of {@code session.fbs}. */
    public static final class Open {

        /** The number of fields the table declares; a vtable's later entries belong to later versions. */
        public static final int FIELDS = 10;
        /** {@code channel: uint = 1 (id: 0)} */
        public static final Field CHANNEL = Field.scalar("Open", "channel", 0, 4);
        /** {@code document: string (id: 1)} */
        public static final Field DOCUMENT = Field.string("Open", "document", 1);
        /** {@code mode: ubyte (id: 2)} */
        public static final Field MODE = Field.scalar("Open", "mode", 2, 1);
        /** {@code granted: ubyte (id: 3)} */
        public static final Field GRANTED = Field.scalar("Open", "granted", 3, 1);
        /** {@code replica: [ubyte] (id: 4)} */
        public static final Field REPLICA = Field.vector("Open", "replica", 4, 1);
        /** {@code summary: VersionVector (id: 5)} */
        public static final Field SUMMARY = Field.table("Open", "summary", 5, VersionVector.FIELDS);
        /** {@code held_replica: [ubyte] (id: 6)} */
        public static final Field HELD_REPLICA = Field.vector("Open", "held_replica", 6, 1);
        /** {@code held_seq: ulong (id: 7)} */
        public static final Field HELD_SEQ = Field.scalar("Open", "held_seq", 7, 8);
        /** {@code window: ushort = 32 (id: 8)} */
        public static final Field WINDOW = Field.scalar("Open", "window", 8, 2);
        /** {@code answers: uint (id: 9)} */
        public static final Field ANSWERS = Field.scalar("Open", "answers", 9, 4);

        private Open() {
        }
    }

    /** {@code table Delta} of {@code session.fbs}. */
    public static final class Delta {

        /** The number of fields the table declares; a vtable's later entries belong to later versions. */
        public static final int FIELDS = 10;
        /** {@code channel: uint = 1 (id: 0)} */
        public static final Field CHANNEL = Field.scalar("Delta", "channel", 0, 4);
        /** {@code kind: ubyte = 1 (id: 1)} */
        public static final Field KIND = Field.scalar("Delta", "kind", 1, 1);
        /** {@code from_seq: ulong (id: 2)} */
        public static final Field FROM_SEQ = Field.scalar("Delta", "from_seq", 2, 8);
        /** {@code to_seq: ulong (id: 3)} */
        public static final Field TO_SEQ = Field.scalar("Delta", "to_seq", 3, 8);
        /** {@code payload: [ubyte] (id: 4)} */
        public static final Field PAYLOAD = Field.vector("Delta", "payload", 4, 1);
        /** {@code compression: ubyte (id: 5)} */
        public static final Field COMPRESSION = Field.scalar("Delta", "compression", 5, 1);
        /** {@code replicas: [ubyte] (id: 6)} */
        public static final Field REPLICAS = Field.vector("Delta", "replicas", 6, 1);
        /** {@code compact: [ubyte] (id: 7)} */
        public static final Field COMPACT = Field.vector("Delta", "compact", 7, 1);
        /** {@code ack: ulong (id: 8)} */
        public static final Field ACK = Field.scalar("Delta", "ack", 8, 8);
        /** {@code keys: [ubyte] (id: 9)} */
        public static final Field KEYS = Field.vector("Delta", "keys", 9, 1);

        private Delta() {
        }
    }

    /** {@code table Ack} of {@code session.fbs}. */
    public static final class Ack {

        /** The number of fields the table declares; a vtable's later entries belong to later versions. */
        public static final int FIELDS = 2;
        /** {@code channel: uint = 1 (id: 0)} */
        public static final Field CHANNEL = Field.scalar("Ack", "channel", 0, 4);
        /** {@code seq: ulong (id: 1)} */
        public static final Field SEQ = Field.scalar("Ack", "seq", 1, 8);

        private Ack() {
        }
    }

    /** {@code table SessionError} of {@code session.fbs}. */
    public static final class SessionError {

        /** The number of fields the table declares; a vtable's later entries belong to later versions. */
        public static final int FIELDS = 4;
        /** {@code channel: uint (id: 0)} */
        public static final Field CHANNEL = Field.scalar("SessionError", "channel", 0, 4);
        /** {@code seq: ulong (id: 1)} */
        public static final Field SEQ = Field.scalar("SessionError", "seq", 1, 8);
        /** {@code code: ushort (id: 2)} */
        public static final Field CODE = Field.scalar("SessionError", "code", 2, 2);
        /** {@code detail: string (id: 3)} */
        public static final Field DETAIL = Field.string("SessionError", "detail", 3);

        private SessionError() {
        }
    }

    /** {@code table SummaryRequest} of {@code session.fbs}. */
    public static final class SummaryRequest {

        /** The number of fields the table declares; a vtable's later entries belong to later versions. */
        public static final int FIELDS = 1;
        /** {@code channel: uint (id: 0)} */
        public static final Field CHANNEL = Field.scalar("SummaryRequest", "channel", 0, 4);

        private SummaryRequest() {
        }
    }

    /** {@code table Summary} of {@code session.fbs}. */
    public static final class Summary {

        /** The number of fields the table declares; a vtable's later entries belong to later versions. */
        public static final int FIELDS = 2;
        /** {@code channel: uint (id: 0)} */
        public static final Field CHANNEL = Field.scalar("Summary", "channel", 0, 4);
        /** {@code summary: VersionVector (id: 1)} */
        public static final Field SUMMARY = Field.table("Summary", "summary", 1, VersionVector.FIELDS);

        private Summary() {
        }
    }

    /** {@code table Ping} of {@code session.fbs}. */
    public static final class Ping {

        /** The number of fields the table declares; a vtable's later entries belong to later versions. */
        public static final int FIELDS = 1;
        /** {@code nonce: ulong (id: 0)} */
        public static final Field NONCE = Field.scalar("Ping", "nonce", 0, 8);

        private Ping() {
        }
    }

    /** {@code table Pong} of {@code session.fbs}. */
    public static final class Pong {

        /** The number of fields the table declares; a vtable's later entries belong to later versions. */
        public static final int FIELDS = 1;
        /** {@code nonce: ulong (id: 0)} */
        public static final Field NONCE = Field.scalar("Pong", "nonce", 0, 8);

        private Pong() {
        }
    }

    /** {@code table Close} of {@code session.fbs}. */
    public static final class Close {

        /** The number of fields the table declares; a vtable's later entries belong to later versions. */
        public static final int FIELDS = 3;
        /** {@code channel: uint (id: 0)} */
        public static final Field CHANNEL = Field.scalar("Close", "channel", 0, 4);
        /** {@code code: ushort (id: 1)} */
        public static final Field CODE = Field.scalar("Close", "code", 1, 2);
        /** {@code detail: string (id: 2)} */
        public static final Field DETAIL = Field.string("Close", "detail", 2);

        private Close() {
        }
    }

    /** {@code table SessionMessage} of {@code session.fbs}. */
    public static final class SessionMessage {

        /** The number of fields the table declares; a vtable's later entries belong to later versions. */
        public static final int FIELDS = 2;
        /** The type of the union after it (a union takes two ids). */
        public static final Field MESSAGE_TYPE = Field.scalar("SessionMessage", "message_type", 0, 1);
        /** {@code message: Message (id: 1)} */
        public static final Field MESSAGE = Field.union("SessionMessage", "message", 1);

        private SessionMessage() {
        }
    }
}
