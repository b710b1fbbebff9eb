/**
 * The {@code hyphae} command line ({@link dev.hyphae.tools.Hyphae}): one subcommand per task. The protocol
 * itself lives in the reference implementation; what lives here is tooling around it: the vector generator
 * and verifier, the byte-by-byte annotator of the specification's examples, the Noise vector runner and the
 * benchmarks.
 */
package dev.hyphae.tools;
