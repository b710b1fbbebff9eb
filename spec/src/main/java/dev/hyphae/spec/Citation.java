package dev.hyphae.spec;

/**
 * A place outside the specification that names a requirement id.
 *
 * @param id     the id as written
 * @param kind   what kind of place cites it
 * @param source {@code path:line} relative to the repository root
 */
public record Citation(String id, Kind kind, String source) {

    /** What a citation is evidence of. Only tests and vectors count as coverage. */
    public enum Kind {
        /** A test annotated with {@link Requirement}. */
        TEST,
        /** A vector file whose {@code requirements} array lists the id. */
        VECTOR,
        /** Implementation code that quotes the id in a comment; not coverage, but it must exist. */
        CODE,
        /** A cross-reference to the id from the specification text itself. */
        SPEC
    }
}
