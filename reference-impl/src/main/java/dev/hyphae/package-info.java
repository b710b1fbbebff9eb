/**
 * The Hyphae reference implementation: the types every layer shares.
 *
 * <p>{@link dev.hyphae.ErrorCode} is the specification's error registry and
 * {@link dev.hyphae.ProtocolException} the one exception that carries it. Later packages add the codecs,
 * the CRDTs, the handshake, the sync protocol and the peer, each named after its chapter of the
 * specification. This module depends on no other module of the project; only its tests depend on
 * {@code hyphae-spec}, for the {@code @Requirement} annotation.
 */
package dev.hyphae;
