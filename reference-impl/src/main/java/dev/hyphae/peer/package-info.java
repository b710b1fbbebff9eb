/**
 * The embedding API and the TCP peer. An application sees {@link dev.hyphae.peer.Peer} (a replica folder, listening
 * and connecting), {@link dev.hyphae.peer.Document} and its typed handles ({@link dev.hyphae.peer.MapHandle} and the
 * handles of its values), and {@link dev.hyphae.peer.Connection}, the handle of one connection to a neighbour with its
 * state and {@code close()}. Behind them this package wires the layers for each connection: handshake, framed
 * channel, session, sync, store, with the threads, timers and sockets that the layers beneath do without.
 *
 * <p>Depends on every package beneath it; nothing in the reference implementation depends on it.
 */
package dev.hyphae.peer;
