/**
 * The {@code hyphae} command line ({@link dev.hyphae.tools.Hyphae}): one subcommand per task, each a thin
 * layer over a public entry point of another module. Nothing here is protocol logic.
 */
package dev.hyphae.tools;
