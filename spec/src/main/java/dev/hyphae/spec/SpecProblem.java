package dev.hyphae.spec;

/**
 * A defect in the specification sources or in a citation of them, which fails the build.
 *
 * @param source  where it is, as {@code path:line} relative to the repository root
 * @param message what is wrong, naming the requirement id or the sentence concerned
 */
public record SpecProblem(String source, String message) {
    @Override
    public String toString() {
        return source + ": " + message;
    }
}
