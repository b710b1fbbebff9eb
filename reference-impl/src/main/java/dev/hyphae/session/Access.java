package dev.hyphae.session;

/**
 * An access to one document, as an Open asks for it ({@code mode}) or grants it ({@code granted}). Write
 * includes read.
 */
public enum Access {
    /** No access: the document's content is never sent, and nothing is accepted. */
    NONE(0),
    /** The document's content may be sent to the peer; nothing it sends is accepted. */
    READ(1),
    /** Read, and the peer's deltas are accepted. */
    WRITE(2);

    private final int value;

    Access(int value) {
        this.value = value;
    }

    /** The value on the wire. */
    public int value() {
        return value;
    }

    /** Whether this access includes {@code other}. */
    public boolean includes(Access other) {
        return value >= other.value;
    }

    /** The access with wire value {@code value}, or null if there is none. */
    static Access of(int value) {
        for (Access access : values()) {
            if (access.value == value) {
                return access;
            }
        }
        return null;
    }
}
