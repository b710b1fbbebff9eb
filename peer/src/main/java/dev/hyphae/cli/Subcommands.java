package dev.hyphae.cli;

import picocli.CommandLine;

import java.util.Map;

/**
 * A command line that builds the model of the one subcommand it runs.
 *
 * <p>picocli builds the model of every subcommand that a command's annotation lists, with every option of each, as
 * soon as the command line is created: for {@code hyphae} that loaded the classes of the specification renderer,
 * the conformance suite and the vector generator to run a peer, and did not fit in a 16 MiB heap. Here the top
 * command lists none; the subcommand named by the first argument is added alone, and only when the first argument
 * names none (help, a version, a usage error) are they all added, so that help lists them and an error can suggest
 * one.
 *
 * <p>Every subcommand answers {@code --version} with the top command's versions: picocli gives each command its own
 * version, and a subcommand that declares none would print nothing.
 */
public final class Subcommands {

    private Subcommands() {
    }

    /**
     * The command line of {@code top} with the subcommands of {@code all} (name to command class, in the order help
     * lists them) that {@code args} needs.
     */
    public static CommandLine forArguments(Object top, Map<String, Class<?>> all, String... args) {
        CommandLine commandLine = new CommandLine(top);
        String first = args.length > 0 ? args[0] : "";
        Class<?> chosen = all.get(first);
        // `help NAME` needs NAME among the subcommands, hence everything.
        if (chosen != null && chosen != CommandLine.HelpCommand.class) {
            commandLine.addSubcommand(first, chosen);
        } else {
            all.forEach(commandLine::addSubcommand);
        }
        shareVersion(commandLine, commandLine.getCommandSpec().versionProvider());
        return commandLine;
    }

    /** Gives {@code version} to every subcommand under {@code parent} that has no version of its own. */
    private static void shareVersion(CommandLine parent, CommandLine.IVersionProvider version) {
        for (CommandLine sub : parent.getSubcommands().values()) {
            CommandLine.Model.CommandSpec spec = sub.getCommandSpec();
            if (spec.versionProvider() == null && spec.version().length == 0) {
                spec.versionProvider(version);
            }
            shareVersion(sub, version);
        }
    }
}
