/**
 * The peer's command line ({@link dev.hyphae.cli.PeerMain}): {@code hyphae keygen}, {@code hyphae peer} and
 * {@code hyphae doc}, built as a small artifact whose class path is the reference implementation and its two
 * libraries, with picocli to parse options. Nothing here may depend on the tools, the model or the conformance
 * suite: the launcher runs these commands on this module's class path alone.
 */
package dev.hyphae.cli;
