package dev.hyphae.tools;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line answers --version and --help, and refuses what it does not know with status 2. */
class HyphaeTest {

    private static String[] run(String... args) {
        CommandLine commandLine = Hyphae.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int status = commandLine.execute(args);
        return new String[] {Integer.toString(status), out.toString(), err.toString()};
    }

    @Test
    void versionNamesToolAndProtocolVersions() {
        String[] result = run("--version");
        assertEquals("0", result[0]);
        assertTrue(result[1].matches("(?s)hyphae \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R"
                + "protocol version 1\\.0, specification revision [^\\s]+\\R.*"), result[1]);
    }

    @Test
    void helpListsTheSubcommands() {
        String[] result = run("--help");
        assertEquals("0", result[0]);
        assertTrue(result[1].contains("Usage: hyphae"), result[1]);
        assertTrue(result[1].contains("spec "), result[1]);
        assertTrue(result[1].contains("bench "), result[1]);
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        String[] result = run("no-such-command");
        assertEquals("2", result[0]);
        assertTrue(result[2].contains("Unmatched argument"), result[2]);
    }
}
