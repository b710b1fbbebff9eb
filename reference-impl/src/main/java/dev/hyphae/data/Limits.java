package dev.hyphae.data;

/**
 * The limits of the data model (specification, chapter "Data model", table "Limits of the data model"), with
 * the names and values the specification gives them. A decoder refuses input beyond any of them before it
 * allocates for it; a mutator whose result would exceed one is refused. A test compares this class with the
 * table; the encoding's own limit is {@code dev.hyphae.codec.EncodingLimits}.
 */
public final class Limits {

    /** Largest encoded payload, in bytes: 4 MiB. */
    public static final int MAX_PAYLOAD_SIZE = 4 * 1024 * 1024;

    /** Deepest nesting of ORMaps, counting the root value as depth 1. */
    public static final int MAX_NESTING_DEPTH = 16;

    /** Most dots, entries, keys and values in one payload, all counted together. */
    public static final int MAX_ELEMENTS = 262_144;

    /** Longest string value or string key, in bytes of UTF-8. */
    public static final int MAX_STRING_LENGTH = 65_535;

    /** Longest bytes value or bytes key, in bytes. */
    public static final int MAX_BYTES_LENGTH = 1024 * 1024;

    /** Most distinct replica ids in one payload's replica table, and entries of one version vector. */
    public static final int MAX_REPLICAS = 16_384;

    /** Most dots in one dot cloud. */
    public static final int MAX_CLOUD_DOTS = 65_536;

    private Limits() {
    }
}
