package dev.hyphae.model;

/** The limits of the data model that bound one payload (table "Limits of the data model"). */
public final class Limits {

    public static final int MAX_PAYLOAD_SIZE = 4_194_304;
    public static final int MAX_NESTING_DEPTH = 16;
    public static final int MAX_ELEMENTS = 262_144;
    public static final int MAX_STRING_LENGTH = 65_535;
    public static final int MAX_BYTES_LENGTH = 1_048_576;
    public static final int MAX_REPLICAS = 16_384;
    public static final int MAX_CLOUD_DOTS = 65_536;

    private Limits() {
    }
}
