/**
 * The Noise Protocol Framework (revision 34) for Hyphae's handshake: {@link dev.hyphae.noise.CipherState},
 * {@code SymmetricState} and {@link dev.hyphae.noise.HandshakeState}, named and built as
 * the Noise specification names them, on Bouncy Castle's X25519, ChaCha20-Poly1305, SHA-256 and BLAKE2.
 *
 * <p>Only what Hyphae uses: patterns NN and XX, DH 25519, cipher ChaChaPoly. Hyphae's own payloads,
 * prologue and framing are built on top, elsewhere. Depends on nothing else in the project: a failure is a
 * {@link dev.hyphae.noise.NoiseException}, which the handshake and the framing map to Hyphae's error codes.
 */
package dev.hyphae.noise;
