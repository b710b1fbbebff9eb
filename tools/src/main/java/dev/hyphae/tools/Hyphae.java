package dev.hyphae.tools;

import dev.hyphae.cli.PeerMain;
import dev.hyphae.cli.Subcommands;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
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
        description = "Hyphae: a wire protocol for replicated data. Peers, the conformance suite, specification tools, vectors and benchmarks.")
public final class Hyphae implements Runnable {

    /**
     * The subcommands, by name, in the order help lists them. Not in the annotation: {@link Subcommands} builds the
     * model of the one that runs (see there why).
     */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(Subcommands.forArguments(new Hyphae(), SUBCOMMANDS, args).execute(args));
    }

    /** The command line with every subcommand, for tests that run it in-process. */
    public static CommandLine commandLine() {
        return Subcommands.forArguments(new Hyphae(), SUBCOMMANDS);
    }

    private static Map<String, Class<?>> subcommands() {
        Map<String, Class<?>> all = new LinkedHashMap<>();
        all.put("spec", SpecCommand.class);
        all.put("vectors", VectorsCommand.class);
        all.put("bench", BenchCommand.class);
        all.put("adapter", AdapterCommand.class);
        all.put("conformance", ConformanceCommand.class);
        all.put("inspect", InspectCommand.class);
        all.putAll(PeerMain.SUBCOMMANDS);
        all.put("help", CommandLine.HelpCommand.class);
        return Collections.unmodifiableMap(all);
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
                "hyphae " + properties.getProperty("hyphae.version"),
                "protocol version " + properties.getProperty("protocol.version")
                        + ", specification revision " + properties.getProperty("spec.revision"),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
            };
        }
    }
}
