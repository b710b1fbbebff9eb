/**
 * The session layer (specification, chapter "Session"): the messages of {@code spec/schema/session.fbs}
 * ({@link dev.hyphae.session.SessionMessage}) and their codec ({@link dev.hyphae.session.SessionCodec}), the
 * chapter's constants ({@link dev.hyphae.session.SessionLimits}), and the session's state machine
 * ({@link dev.hyphae.session.Session}): documents opened and closed on channels, rights, the window, acknowledgements,
 * errors and their scopes, keepalive and idle timeout; and the session's two replica tables
 * ({@link dev.hyphae.session.SessionTables}), which the sync layer encodes and decodes payloads against. Negotiated
 * compression of Delta payloads (chapter "Encoding", section "Compression") is
 * {@link dev.hyphae.session.DeltaCompression}, with its constants in {@link dev.hyphae.session.CompressionLimits}: the
 * session compresses every Delta it sends and inflates every Delta it takes, and nothing else of it knows that
 * payloads can be compressed.
 *
 * <p>The state machine has no threads or clocks of its own: its caller hands it the messages, the time and the
 * moments to flush, which is how the same class runs over TCP and in the simulated network of the tests. What to
 * send of a document and what a received delta does belong to the sync layer beneath, which the session reaches
 * only through the two interfaces it defines for it, {@link dev.hyphae.session.SyncLayer} and
 * {@link dev.hyphae.session.DocumentSync}: a received delta goes down to the sync layer once, and the position to
 * acknowledge comes back once.
 *
 * <p>Depends on {@code dev.hyphae.data}, {@code dev.hyphae.handshake} (identities and rights), the buffer verifier
 * and the generated field table {@code Schema} of {@code dev.hyphae.codec}, the generated {@code hyphae.v1} classes,
 * and one constant of {@code dev.hyphae.framing}, {@code MAX_MESSAGE_SIZE}, which bounds a Delta's payload. Must not
 * depend on {@code dev.hyphae.sync}, {@code dev.hyphae.store}, {@code dev.hyphae.crdt}, {@code dev.hyphae.peer}, or
 * on anything else of the framing: it never looks into a document's state, a file or a socket.
 */
package dev.hyphae.session;
