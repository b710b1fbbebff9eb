package dev.hyphae.codec;

import dev.hyphae.ErrorCode;
import dev.hyphae.ProtocolException;
import dev.hyphae.data.Limits;
import dev.hyphae.data.ReplicaId;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The second phase of decoding a payload, <em>verification</em> (specification, "Encoding", sections "Decoding"
 * and "Verification"): walks every table, vector and field that the schema reaches from the root, with
 * {@link BufferVerifier}, applying the bounds of the table of verified fields. It reads nothing else: the
 * fields' values are for {@link PayloadDecoding}, which runs only once this has passed (HY-ENC-005).
 */
final class PayloadVerification {

    // The fields that verification checks as byte vectors, as the specification's table of verified fields groups
    // them, in the order of their ids.
    private static final List<Field> BATCH_BYTE_VECTORS = List.of(Schema.Batch.SIZES, Schema.Batch.DOTS,
            Schema.Batch.DOT_COUNTS, Schema.Batch.COUNTS, Schema.Batch.DECREMENTS, Schema.Batch.TIMESTAMPS, Schema.Batch.TYPES,
            Schema.Batch.KEY_INDEXES);
    // The retired field floats (id 2) is not among them: like a field of a later revision, it is neither verified nor
    // read (HY-ENC-088).
    private static final List<Field> VALUES_BYTE_VECTORS = List.of(Schema.Values.KINDS, Schema.Values.INTS,
            Schema.Values.STRINGS, Schema.Values.BYTES, Schema.Values.FLOAT_PLANES);

    private final BufferVerifier verifier;

    private PayloadVerification(ByteBuffer buffer) {
        this.verifier = new BufferVerifier(buffer, ErrorCode.MALFORMED_DELTA);
    }

    /** Verifies the whole of {@code buffer} as a {@code Payload}, or refuses it. */
    static void verify(ByteBuffer buffer) throws ProtocolException {
        PayloadVerification verification = new PayloadVerification(buffer);
        verification.verifyPayload(verification.verifier.root(Codec.FILE_IDENTIFIER, Schema.Payload.FIELDS));
    }

    private void verifyPayload(int payload) throws ProtocolException {
        verifier.vector(payload, Schema.Payload.REPLICAS, Limits.MAX_REPLICAS * ReplicaId.LENGTH);
        int context = verifier.tableField(payload, Schema.Payload.CONTEXT);
        if (context != 0) {
            verifier.vector(context, Schema.Context.VERSION_VECTOR, Limits.MAX_PAYLOAD_SIZE);
            verifier.vector(context, Schema.Context.CLOUD, Limits.MAX_PAYLOAD_SIZE);
        }
        int root = verifier.tableField(payload, Schema.Payload.ROOT);
        if (root == 0) {
            throw Malformed.verify("the payload has no root value");
        }
        verifyBatch(root, 1);
    }

    private void verifyBatch(int batch, int depth) throws ProtocolException {
        // Maps nest at most MAX_NESTING_DEPTH deep; the values of the deepest maps sit one level below.
        if (depth > Limits.MAX_NESTING_DEPTH + 1) {
            throw Malformed.verify("values nest deeper than MAX_NESTING_DEPTH");
        }
        verifier.scalar(batch, Schema.Batch.TYPE);
        verifier.scalar(batch, Schema.Batch.COUNT);
        for (Field column : BATCH_BYTE_VECTORS) {
            verifier.vector(batch, column, Limits.MAX_PAYLOAD_SIZE);
        }
        int values = verifier.tableField(batch, Schema.Batch.VALUES);
        if (values != 0) {
            for (Field column : VALUES_BYTE_VECTORS) {
                verifier.vector(values, column, Limits.MAX_PAYLOAD_SIZE);
            }
        }
        int children = verifier.vector(batch, Schema.Batch.CHILDREN, Limits.MAX_ELEMENTS);
        if (children != 0) {
            for (int i = 0; i < verifier.vectorLength(children); i++) {
                verifyBatch(verifier.tableElement(children, i, Schema.Batch.CHILDREN), depth + 1);
            }
        }
        int opaque = verifier.vector(batch, Schema.Batch.OPAQUE, Limits.MAX_ELEMENTS);
        if (opaque != 0) {
            for (int i = 0; i < verifier.vectorLength(opaque); i++) {
                verifier.vector(verifier.tableElement(opaque, i, Schema.Batch.OPAQUE), Schema.Opaque.DATA, Limits.MAX_PAYLOAD_SIZE);
            }
        }
    }
}
