package dev.hyphae.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The peer's command line as {@code PeerMain} builds it. */
class SubcommandsTest {

    /** Every command and subcommand prints the versions of {@code hyphae --version}, not an empty line. */
    @Test
    void everySubcommandPrintsTheVersions() {
        String top = run("--version");
        assertTrue(top.startsWith("hyphae "), top);
        for (List<String> args : List.of(List.of("keygen", "--version"), List.of("peer", "--version"), List.of("peer", "serve", "--version"),
                List.of("peer", "connect", "-V"), List.of("doc", "--version"))) {
            assertEquals(top, run(args.toArray(String[]::new)), String.join(" ", args));
        }
    }

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        int status = Subcommands.forArguments(new PeerMain(), PeerMain.SUBCOMMANDS, args).setOut(new PrintWriter(out, true)).execute(args);
        assertEquals(0, status, String.join(" ", args));
        return out.toString();
    }
}
