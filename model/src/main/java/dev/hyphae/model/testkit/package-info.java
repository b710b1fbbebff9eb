/**
 * The test kit: jqwik arbitraries of model states, of mutations and of what the two sides of a handshake announce, shared by the conformance suite, the model's
 * own properties and the reference implementation's tests (which turn model states into their own through bytes or
 * the JSON view). One copy, so that what the suite generates and what the implementation's tests generate cannot
 * drift apart. It depends on the model alone.
 */
package dev.hyphae.model.testkit;
