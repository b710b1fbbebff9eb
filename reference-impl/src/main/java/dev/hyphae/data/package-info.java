/**
 * The data model's building blocks (specification, chapter "Data model"): replica ids, dots, causal
 * contexts, values and the named limits. Depends on nothing else in the project.
 */
package dev.hyphae.data;
