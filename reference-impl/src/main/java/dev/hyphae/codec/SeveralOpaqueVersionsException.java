package dev.hyphae.codec;

/**
 * A store of a CRDT type that the encoder does not know holds more than one opaque version, which HY-ENC-051
 * forbids encoding: the versions' data cannot be joined without knowing the type. A peer that holds such a
 * store forwards, instead, the payloads that carried its versions (HY-DATA-037).
 */
public final class SeveralOpaqueVersionsException extends PayloadNotEncodableException {

    private static final long serialVersionUID = 1L;

    private final int typeId;
    private final int versions;

    SeveralOpaqueVersionsException(int typeId, int versions) {
        super("a value of unknown type " + typeId + " holds " + versions
                + " versions; forward the payloads that carried them instead", null);
        this.typeId = typeId;
        this.versions = versions;
    }

    /** The CRDT type id that the encoder does not know. */
    public int typeId() {
        return typeId;
    }

    /** The number of opaque versions the store holds, two or more. */
    public int versions() {
        return versions;
    }
}
