package dev.hyphae.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * {@code hyphae keygen}, {@code hyphae peer serve|connect} and {@code hyphae doc} on the peer's own class path: the
 * reference implementation, Bouncy Castle, flatbuffers-java and picocli. The launcher {@code tools/hyphae} starts
 * this class for those three commands, and {@code dev.hyphae.tools.Hyphae} for the others.
 *
 * <p>Exit status: 0 on success, 1 when the command ran and found a failure, 2 on a usage error.
 */
@Command(
        name = "hyphae",
        mixinStandardHelpOptions = true,
        versionProvider = PeerMain.Version.class,
        description = "Hyphae: a peer's key, a running peer, and the documents in its data folder.")
public final class PeerMain implements Runnable {

    /** The peer's subcommands, by name, in the order help lists them. */
    public static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(Subcommands.forArguments(new PeerMain(), SUBCOMMANDS, args).execute(args));
    }

    private static Map<String, Class<?>> subcommands() {
        Map<String, Class<?>> all = new LinkedHashMap<>();
        all.put("keygen", PeerCommand.Keygen.class);
        all.put("peer", PeerCommand.PeerGroup.class);
        all.put("doc", PeerCommand.Doc.class);
        return java.util.Collections.unmodifiableMap(all);
    }

    @Override
    public void run() {
        // No subcommand: say what there is.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reads the versions the build wrote into this jar's {@code version.properties}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = PeerMain.class.getResourceAsStream("version.properties")) {
                if (in == null) {
                    throw new IOException("version.properties is missing from the peer jar");
                }
                properties.load(in);
            }
            return new String[] {
                "hyphae " + properties.getProperty("hyphae.version"),
                "protocol version " + properties.getProperty("protocol.version")
                        + ", specification revision " + properties.getProperty("spec.revision"),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
            };
        }
    }
}
