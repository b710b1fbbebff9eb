/**
 * The Hyphae conformance suite (specification, chapter "Conformance"): the runner, the client of the adapter
 * protocol, the verdicts and the reports. {@link dev.hyphae.conformance.ConformanceRunner} is the entry point.
 *
 * <p>The implementation under test is reached only through {@link dev.hyphae.conformance.Adapter}, a separate
 * process; nothing here calls into it. The reference implementation is used only as the model, in
 * {@code dev.hyphae.conformance.model}.
 */
package dev.hyphae.conformance;
