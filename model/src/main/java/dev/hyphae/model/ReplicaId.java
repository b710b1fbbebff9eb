package dev.hyphae.model;

import java.util.regex.Pattern;

/**
 * A replica id: 16 bytes, here as their 32 lower-case hexadecimal digits ("Replica ids"). Two hex strings of one
 * length compare as their bytes do as unsigned byte strings, which is the order of replica ids (HY-CONV-002).
 * The all-zero replica id is not a valid replica id, so the model holds none.
 *
 * @param hex the 32 lower-case hexadecimal digits of the id
 */
public record ReplicaId(String hex) implements Comparable<ReplicaId> {

    private static final Pattern HEX = Pattern.compile("[0-9a-f]{32}");

    public ReplicaId {
        if (!HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("a replica id is 32 lower-case hex digits: " + hex);
        }
        if (hex.chars().allMatch(c -> c == '0')) {
            throw new IllegalArgumentException("the all-zero replica id is reserved");
        }
    }

    @Override
    public int compareTo(ReplicaId other) {
        return hex.compareTo(other.hex);
    }

    @Override
    public String toString() {
        return hex;
    }
}
