package dev.hyphae.codec;

/**
 * The limit of the encoding (specification, chapter "Encoding", table "Limit of the encoding"), with the name
 * and value the specification gives it. The limits of the data model, which the decoder checks too, are in
 * {@link dev.hyphae.data.Limits}. A test compares this class with the table.
 */
public final class EncodingLimits {

    /**
     * Most bytes that the string and bytes values of one payload, and the data of its opaque versions, may
     * decode to, all counted together: 16 MiB. Front coding lets a few bytes stand for a long prefix; this
     * bounds what a decoder allocates for them.
     */
    public static final int MAX_DECODED_BYTES = 16 * 1024 * 1024;

    private EncodingLimits() {
    }
}
