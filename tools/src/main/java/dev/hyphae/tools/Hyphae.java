package dev.hyphae.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The {@code hyphae} command line. Started by the launcher script {@code tools/hyphae}.
 *
 * <p>Exit status: 0 on success, 1 when the command ran and found a failure, 2 on a usage error.
 */
@Command(
        name = "hyphae",
        mixinStandardHelpOptions = true,
        versionProvider = Hyphae.Version.class,
        description = "Hyphae: a wire protocol for replicated data. Peers, the conformance suite, specification tools, vectors and benchmarks.",
        subcommands = {SpecCommand.class, VectorsCommand.class, BenchCommand.class, AdapterCommand.class,
                ConformanceCommand.class, InspectCommand.class, PeerCommand.Keygen.class, PeerCommand.PeerGroup.class, PeerCommand.Doc.class,
                CommandLine.HelpCommand.class})
public final class Hyphae implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, for the launcher and for tests that run it in-process. */
    public static CommandLine commandLine() {
        return new CommandLine(new Hyphae());
    }

    @Override
    public void run() {
        // No subcommand: say what there is.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The versions the build wrote into {@code version.properties}. */
    static Properties versions() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Hyphae.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IOException("version.properties is missing from the tools jar");
            }
            properties.load(in);
        }
        return properties;
    }

    /** Reads the versions the build wrote into {@code version.properties}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = versions();
            return new String[] {
                "hyphae " + properties.getProperty("tools.version"),
                "protocol version " + properties.getProperty("protocol.version")
                        + ", specification revision " + properties.getProperty("spec.revision"),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
            };
        }
    }
}
