package dev.hyphae.codec;

/**
 * A state holds opaque versions that arrived in payloads whose replica tables are not a prefix one of the other,
 * so that no replica table can start with each of them as HY-ENC-053 requires: the data of one version or another
 * would name other replicas. A peer forwards, instead, the payloads that carried them (HY-DATA-037, HY-DATA-067).
 */
public final class ConflictingReplicaTablesException extends PayloadNotEncodableException {

    private static final long serialVersionUID = 1L;

    private final int typeId;

    ConflictingReplicaTablesException(int typeId) {
        super("an opaque version of unknown type " + typeId + " came in a payload whose replica table is not a prefix of "
                + "another's, nor they of it; forward the payloads that carried them instead", null);
        this.typeId = typeId;
    }

    /** The CRDT type id of the version that found the conflict. */
    public int typeId() {
        return typeId;
    }
}
