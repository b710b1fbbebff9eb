package dev.hyphae.cli;

import dev.hyphae.ProtocolException;
import dev.hyphae.handshake.AccessPolicy;
import dev.hyphae.handshake.TrustStore;
import dev.hyphae.noise.KeyPair;
import dev.hyphae.peer.Admission;
import dev.hyphae.peer.Backoff;
import dev.hyphae.peer.Connection;
import dev.hyphae.peer.Peer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code hyphae keygen}, {@code hyphae peer serve|connect} and {@code hyphae doc}: run a peer from the shell. */
public final class PeerCommand {

    private PeerCommand() {
    }

    /** Who the peer trusts, and with which rights: shared by every command that opens a peer. */
    static final class Trust {
        @Option(names = "--data", required = true, paramLabel = "DIR", description = "The peer's data folder (created if absent).")
        Path data;

        @Option(names = "--key", paramLabel = "FILE", description = "The peer's private key file, from `hyphae keygen`.")
        Path key;

        @Option(names = "--trust-peer", paramLabel = "KEY[:RIGHT[:DOC]]",
                description = "Trust the peer with this public key (64 hex digits); RIGHT is read or write (default write),"
                        + " DOC a document name, or a prefix of names followed by * (* alone: every document, the default). Repeatable.")
        List<String> peers = new ArrayList<>();

        @Option(names = "--trust-org", paramLabel = "KEY[:RIGHT[:DOC]]",
                description = "Trust every peer that this organisation key (Ed25519, 64 hex digits) certifies. Repeatable.")
        List<String> organisations = new ArrayList<>();

        @Option(names = "--no-deflate",
                description = "Neither offer nor select the capability deflate, which otherwise compresses the deltas of each"
                        + " document on its own. Use it where a document mixes values that an outsider chooses with secrets"
                        + " (specification, Security, Compression).")
        boolean noDeflate;

        /** The command this mixin is part of, to which a malformed key is reported as a usage error. */
        @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec command;

        Peer open() throws IOException {
            return open(Admission.Limits.DEFAULT);
        }

        Peer open(Admission.Limits admission) throws IOException {
            return open(admission, Peer.MAX_SESSIONS);
        }

        Peer open(Admission.Limits admission, int maxSessions) throws IOException {
            KeyPair pair = key == null ? KeyPair.generate(new java.security.SecureRandom()) : readKey(key);
            List<byte[]> peerKeys = new ArrayList<>();
            List<byte[]> orgKeys = new ArrayList<>();
            AccessPolicy policy = new AccessPolicy();
            grant(peers, peerKeys, policy);
            grant(organisations, orgKeys, policy);
            return Peer.open(new Peer.Config(data, pair, null, TrustStore.of(peerKeys, orgKeys), policy, !noDeflate, admission,
                    maxSessions));
        }

        private void grant(List<String> specs, List<byte[]> keys, AccessPolicy policy) {
            for (String spec : specs) {
                String[] parts = spec.split(":", 3);
                byte[] key = HexFormat.of().parseHex(parts[0]);
                if (key.length != 32) {
                    throw new CommandLine.ParameterException(command.commandLine(), "a key is 64 hex digits: " + parts[0]);
                }
                String right = parts.length > 1 ? parts[1] : "write";
                String document = parts.length > 2 ? parts[2] : AccessPolicy.EVERY_DOCUMENT;
                keys.add(key);
                switch (right) {
                    case "write" -> policy.grant(key, document, AccessPolicy.Right.WRITE);
                    case "read" -> policy.grant(key, document, AccessPolicy.Right.READ);
                    case "none" -> {
                        // Trusted to connect, no right on any document.
                    }
                    default -> throw new IllegalArgumentException("a right is read, write or none: " + right);
                }
            }
        }
    }

    /** Reads a private key file written by {@code hyphae keygen}. */
    public static KeyPair readKey(Path file) throws IOException {
        String hex = Files.readString(file, StandardCharsets.US_ASCII).trim();
        return KeyPair.fromPrivateKey(HexFormat.of().parseHex(hex));
    }

    /** Parses {@code HOST:PORT}. */
    public static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("an address is HOST:PORT: " + hostPort);
        }
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = "Create a peer's Noise static key pair: writes the private key to FILE and prints the public key.")
    static final class Keygen implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the private key (refuses to overwrite).")
        Path out;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (Files.exists(out)) {
                spec.commandLine().getErr().println("hyphae: " + out + " exists; not overwriting a key");
                return 1;
            }
            byte[] secret = new byte[32];
            new java.security.SecureRandom().nextBytes(secret);
            KeyPair pair = KeyPair.fromPrivateKey(secret);
            Files.writeString(out, HexFormat.of().formatHex(secret) + "\n", StandardCharsets.US_ASCII);
            try {
                Files.setPosixFilePermissions(out, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the file keeps its default permissions.
            }
            spec.commandLine().getOut().println(HexFormat.of().formatHex(pair.publicKey()));
            return 0;
        }
    }

    @Command(name = "peer", mixinStandardHelpOptions = true, description = "Run a peer.",
            subcommands = {Serve.class, Connect.class})
    static final class PeerGroup implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"Listen for neighbours and keep documents in sync until standard input ends, or with --no-stdin"
                    + " until signalled.",
                    "Standard input takes document commands, one per line: " + DocumentShell.USAGE})
    static final class Serve implements Callable<Integer> {
        @CommandLine.Mixin
        Trust trust;

        @CommandLine.Mixin
        CommandInput input;

        @Option(names = "--listen", required = true, paramLabel = "HOST:PORT", description = "The address to listen on.")
        String listen;

        @Option(names = "--connect", paramLabel = "HOST:PORT", description = "Also keep a link to this neighbour. Repeatable.")
        List<String> connect = new ArrayList<>();

        @Option(names = "--max-handshakes", paramLabel = "N", defaultValue = "" + Admission.MAX_UNAUTHENTICATED,
                description = "Most handshakes in progress at once; at the limit the stalest is dropped to admit a newcomer"
                        + " (default ${DEFAULT-VALUE}).")
        int maxHandshakes;

        @Option(names = "--max-handshakes-per-address", paramLabel = "N", defaultValue = "" + Admission.MAX_UNAUTHENTICATED_PER_SOURCE,
                description = "Most handshakes in progress from one source address (default ${DEFAULT-VALUE}).")
        int maxHandshakesPerAddress;

        @Option(names = "--handshake-deadline", paramLabel = "MILLIS", defaultValue = "" + Admission.HANDSHAKE_DEADLINE_MILLIS,
                description = "How long a whole handshake may take, from the connection (default ${DEFAULT-VALUE}).")
        long handshakeDeadline;

        @Option(names = "--max-sessions", paramLabel = "N", defaultValue = "" + Peer.MAX_SESSIONS,
                description = "Most sessions at once, accepted and connected together; a handshake that completes beyond it"
                        + " is answered with LIMIT_EXCEEDED (default ${DEFAULT-VALUE}).")
        int maxSessions;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Admission.Limits limits;
            try {
                limits = new Admission.Limits(maxHandshakes, maxHandshakesPerAddress, handshakeDeadline);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            if (maxSessions < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--max-sessions is at least 1: " + maxSessions);
            }
            try (Peer peer = trust.open(limits, maxSessions)) {
                peer.recoveryReports().forEach(line -> err.println("hyphae: recovery: " + line));
                InetSocketAddress bound = peer.listen(address(listen));
                out.println("listening on " + bound.getHostString() + ":" + bound.getPort());
                out.flush();
                for (String neighbour : connect) {
                    startKeeper(peer, address(neighbour), err);
                }
                input.run(peer, out, err);
            }
            return 0;
        }
    }

    /** Keeps a link to {@code address} on a thread of its own (see {@link #keepConnected}). */
    static void startKeeper(Peer peer, InetSocketAddress address, PrintWriter err) {
        Thread keeper = new Thread(() -> keepConnected(peer, address, err), "hyphae-keeper");
        keeper.setDaemon(true);
        keeper.start();
    }

    /**
     * Keeps a link to {@code address}, reconnecting after a pause that grows exponentially with jitter, up to a few
     * seconds, and starts short again after a session that worked, or that ended in order having brought something
     * ({@link Backoff}).
     */
    static void keepConnected(Peer peer, InetSocketAddress address, PrintWriter err) {
        keepConnected(peer, address, err, new Backoff(new java.util.SplittableRandom(), () -> System.nanoTime() / 1_000_000),
                new Keeping() {
                });
    }

    /**
     * What the keeper does between connections: told of each connection once it has ended, and waits out each pause.
     * Tests give their own, to read the schedule without waiting it out.
     */
    interface Keeping {
        /** The connection has ended; the pause before the next one follows. */
        default void ended(Connection link) {
        }

        /** Waits {@code millis} before the next attempt; an interruption stops the keeper. */
        default void pause(long millis) throws InterruptedException {
            Thread.sleep(millis);
        }
    }

    /** {@link #keepConnected(Peer, InetSocketAddress, PrintWriter)} with the schedule and the waiting given. */
    static void keepConnected(Peer peer, InetSocketAddress address, PrintWriter err, Backoff backoff, Keeping keeping) {
        while (true) {
            try {
                Connection link = peer.connect(address, List.of());
                backoff.connected();
                link.awaitEnd(Long.MAX_VALUE);
                if (link.endedInOrder()) {
                    // HY-SESS-157: documents may wait for the next session, which is due at once if this one brought
                    // something (HY-SESS-158), and after the growing pauses of failures if not (HY-SESS-159).
                    backoff.endedInOrder(link.brought());
                }
                keeping.ended(link);
            } catch (IOException | ProtocolException e) {
                err.println("hyphae: cannot reach " + address + ": " + e.getMessage());
                err.flush();
            } catch (InterruptedException e) {
                return;
            } catch (IllegalStateException e) {
                return;
            }
            try {
                keeping.pause(backoff.nextPause());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Command(name = "connect", mixinStandardHelpOptions = true,
            description = {"Connect to a neighbour and keep documents in sync.",
                    "With --once: sync, over as many sessions as it takes, until every document is in step, and exit (0 in step,"
                            + " 1 otherwise, 2 for more --doc than one session opens).",
                    "Without: stay connected (reconnecting) until standard input ends, or with --no-stdin until signalled;"
                            + " standard input takes document commands: " + DocumentShell.USAGE})
    static final class Connect implements Callable<Integer> {
        @CommandLine.Mixin
        Trust trust;

        @CommandLine.Mixin
        CommandInput input;

        @Parameters(index = "0", paramLabel = "HOST:PORT", description = "The neighbour's address.")
        String neighbour;

        @Option(names = "--doc", paramLabel = "NAME", description = "Also open this document (one the neighbour holds). Repeatable.")
        List<String> documents = new ArrayList<>();

        @Option(names = "--once", description = "Sync once and exit.")
        boolean once;

        @Option(names = "--timeout", defaultValue = "30", paramLabel = "SECONDS", description = "With --once: give up after this long (default ${DEFAULT-VALUE}).")
        int timeout;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (Peer peer = trust.open()) {
                peer.recoveryReports().forEach(line -> err.println("hyphae: recovery: " + line));
                if (!once) {
                    startKeeper(peer, address(neighbour), err);
                    input.run(peer, out, err);
                    return 0;
                }
                int half = Peer.documentsOpenedPerSession();
                if (documents.size() > half) {
                    // HY-SESS-155: a session takes at most this many Opens of this side's own; the rest would be
                    // silently left out.
                    err.println("hyphae: error: --doc names " + documents.size() + " documents, more than the " + half
                            + " that one session opens (HY-SESS-155); sync them in several runs");
                    return 2;
                }
                long deadline = System.currentTimeMillis() + timeout * 1000L;
                // Sessions one after the other: a side with more documents than one session holds ends a session in
                // order once everything on it is in step (HY-SESS-157), and the next brings the documents that
                // waited (HY-SESS-156). Each session must bring something, as the keeper counts it (HY-SESS-158: an
                // entry acknowledged, or one received that was new), or the run fails.
                for (int sessions = 1; ; sessions++) {
                    Connection link = peer.connect(address(neighbour), documents);
                    // In step: every document of this peer in step (open both ways with nothing in flight, or not on
                    // the session and acknowledged whole), three times in a row a moment apart, and nothing received
                    // for three seconds: well beyond the second and a half that the neighbour takes to end a session
                    // in order for documents of its own that wait (HY-SESS-157), which this side cannot know of.
                    int steady = 0;
                    while (System.currentTimeMillis() < deadline && link.state() == Connection.State.OPEN) {
                        boolean idle = System.currentTimeMillis() - link.lastReceivedMillis() >= 3000 && link.idle();
                        steady = idle ? steady + 1 : 0;
                        if (steady >= 3) {
                            link.close();
                            link.awaitEnd(5000);
                            out.println("in step: " + String.join(" ", peer.documents()));
                            link.events().forEach(e -> err.println("hyphae: " + e));
                            return 0;
                        }
                        Thread.sleep(100);
                    }
                    link.awaitEnd(5000);
                    if (System.currentTimeMillis() >= deadline || !link.endedInOrder() || !link.brought()) {
                        String why = link.failure() != null ? ": " + link.failure()
                                : System.currentTimeMillis() >= deadline ? ": no more time (--timeout)"
                                : link.endedInOrder() ? ": session " + sessions + " ended in order but brought nothing"
                                : ": the session ended";
                        err.println("hyphae: not in step" + why);
                        link.events().forEach(e -> err.println("hyphae: " + e));
                        return 1;
                    }
                    link.events().forEach(e -> err.println("hyphae: " + e));
                }
            }
        }
    }

    @Command(name = "doc", mixinStandardHelpOptions = true,
            description = {"Read or write documents in a peer's data folder, while no peer runs on it.",
                    "get and docs open the folder read-only, so a folder this user may not write can be read.",
                    "Exit status: 0 done, 1 a write that storage refused (an error line says why), 2 a usage error.",
                    DocumentShell.USAGE})
    static final class Doc implements Callable<Integer> {
        @Option(names = "--data", required = true, paramLabel = "DIR", description = "The peer's data folder.")
        Path data;

        @Parameters(paramLabel = "COMMAND", description = "A document command, for example: set plant firmware 1.4.2")
        List<String> words = new ArrayList<>();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Peer.Config config = new Peer.Config(data, KeyPair.generate(new java.security.SecureRandom()), null,
                    TrustStore.of(List.of(), List.of()), new AccessPolicy());
            Peer opened;
            try {
                opened = DocumentShell.readsOnly(words) ? Peer.openReadOnly(config) : Peer.open(config);
            } catch (IOException e) {
                err.println("hyphae: error: cannot open " + data + ": " + e.getMessage());
                return DocumentShell.FAILED;
            }
            try (Peer peer = opened) {
                peer.recoveryReports().forEach(line -> err.println("hyphae: recovery: " + line));
                return DocumentShell.run(peer, words, out, err);
            }
        }
    }
}
