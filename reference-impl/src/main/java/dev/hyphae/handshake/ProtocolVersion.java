package dev.hyphae.handshake;

/**
 * A protocol version, major.minor, each 0 to 255 (specification, "Versioning and Extensibility", section
 * "Protocol versions"). Ordered by major, then minor.
 */
public record ProtocolVersion(int major, int minor) implements Comparable<ProtocolVersion> {

    /** The version this implementation defines. */
    public static final ProtocolVersion V1_0 = new ProtocolVersion(1, 0);

    public ProtocolVersion {
        if (major < 0 || major > 255 || minor < 0 || minor > 255) {
            throw new IllegalArgumentException("a version number is 0 to 255: " + major + "." + minor);
        }
    }

    @Override
    public int compareTo(ProtocolVersion other) {
        return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
