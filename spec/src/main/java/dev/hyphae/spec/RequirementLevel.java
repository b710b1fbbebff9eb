package dev.hyphae.spec;

import java.util.Collection;
import java.util.Locale;

/**
 * The strength of a requirement: the strongest BCP 14 keyword in its sentence (RFC 2119, RFC 8174).
 */
public enum RequirementLevel {
    /** MUST, MUST NOT, REQUIRED, SHALL, SHALL NOT. */
    MUST,
    /** SHOULD, SHOULD NOT, RECOMMENDED, NOT RECOMMENDED. */
    SHOULD,
    /** MAY, OPTIONAL. */
    MAY;

    /** The level a single keyword expresses. */
    static RequirementLevel ofKeyword(String keyword) {
        switch (keyword) {
            case "MUST":
            case "MUST NOT":
            case "REQUIRED":
            case "SHALL":
            case "SHALL NOT":
                return MUST;
            case "SHOULD":
            case "SHOULD NOT":
            case "RECOMMENDED":
            case "NOT RECOMMENDED":
                return SHOULD;
            case "MAY":
            case "OPTIONAL":
                return MAY;
            default:
                throw new IllegalArgumentException("not a BCP 14 keyword: " + keyword);
        }
    }

    /** The strongest level among the given keywords, which must not be empty. */
    static RequirementLevel strongest(Collection<String> keywords) {
        return keywords.stream().map(RequirementLevel::ofKeyword)
                .min(Enum::compareTo)
                .orElseThrow(() -> new IllegalArgumentException("no keywords"));
    }

    /** Lowercase name, as used in the JSON report. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
