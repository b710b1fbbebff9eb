/**
 * The checks of the conformance suite: JUnit Jupiter tests and jqwik properties that ship in the suite's jar and
 * run against the adapter of the run in progress ({@link dev.hyphae.conformance.Suite}). Each class names its
 * profile with {@link dev.hyphae.conformance.Checks}; each check cites the requirement ids it checks with
 * {@link dev.hyphae.spec.Requirement}, which the build's citation scanner reads as it reads tests.
 *
 * <p>Checks ask the implementation under test only through {@link dev.hyphae.conformance.Sut}, and ask the
 * reference implementation only for what a conforming implementation answers.
 */
package dev.hyphae.conformance.checks;
