/**
 * Tooling of the Hyphae specification: requirement extraction, citation scanning, the coverage report,
 * HTML rendering, and the {@link dev.hyphae.spec.Requirement} annotation that tests cite requirements with.
 *
 * <p>The entry points are {@link dev.hyphae.spec.SpecBuild} (everything the build does) and the
 * annotation. This package depends on nothing of the protocol's implementation: every other module may
 * depend on it, for the annotation, and it must never depend on them.
 */
package dev.hyphae.spec;
