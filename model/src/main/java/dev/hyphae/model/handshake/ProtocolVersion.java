package dev.hyphae.model.handshake;

/**
 * A protocol version, major.minor, each from 0 to 255 (section "Protocol versions"): 1.1 is higher than 1.0, and
 * 2.0 is higher than both.
 */
public record ProtocolVersion(int major, int minor) implements Comparable<ProtocolVersion> {

    /** The version that this revision of the specification defines. */
    public static final ProtocolVersion V1_0 = new ProtocolVersion(1, 0);

    public ProtocolVersion {
        if (major < 0 || major > 255 || minor < 0 || minor > 255) {
            throw new IllegalArgumentException("a version's major and minor are each 0 to 255, not " + major + "." + minor);
        }
    }

    /** The version written as "major.minor", for example "1.0". */
    public static ProtocolVersion parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("a version is written major.minor, not " + text);
        }
        return new ProtocolVersion(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }

    /** Version a.b is higher than c.d if a is greater than c, or if a equals c and b is greater than d. */
    @Override
    public int compareTo(ProtocolVersion other) {
        return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
