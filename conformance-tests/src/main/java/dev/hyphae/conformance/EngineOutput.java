package dev.hyphae.conformance;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.logging.Handler;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

/**
 * While open, sends what the test engines write on their own to a log file: standard output and standard error
 * (jqwik prints notices there) and the records of the {@code java.util.logging} loggers of the engines (jqwik logs
 * its warnings there). The console then shows the suite's own lines only (chapter "Conformance", "Running the
 * suite"); the summary names the file when it is not empty.
 */
final class EngineOutput implements AutoCloseable {

    /** The loggers of the engines that run the checks. */
    private static final String[] LOGGERS = {"net.jqwik", "org.junit"};

    private final PrintStream log;
    private final PrintStream savedOut;
    private final PrintStream savedErr;
    private final Handler handler;
    private final Logger[] loggers = new Logger[LOGGERS.length];
    private final boolean[] savedUseParent = new boolean[LOGGERS.length];

    private EngineOutput(Path file) throws IOException {
        OutputStream stream = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        log = new PrintStream(stream, true, java.nio.charset.StandardCharsets.UTF_8);
        savedOut = System.out;
        savedErr = System.err;
        handler = new StreamHandler(log, new SimpleFormatter());
        for (int i = 0; i < LOGGERS.length; i++) {
            // Held in a field: java.util.logging keeps loggers only weakly, and would forget this configuration.
            loggers[i] = Logger.getLogger(LOGGERS[i]);
            savedUseParent[i] = loggers[i].getUseParentHandlers();
            loggers[i].setUseParentHandlers(false);
            loggers[i].addHandler(handler);
        }
        System.setOut(log);
        System.setErr(log);
    }

    /** Starts sending the engines' output to {@code file}, appending to it. */
    static EngineOutput open(Path file) throws IOException {
        return new EngineOutput(file);
    }

    @Override
    public void close() {
        System.setOut(savedOut);
        System.setErr(savedErr);
        for (int i = 0; i < LOGGERS.length; i++) {
            loggers[i].removeHandler(handler);
            loggers[i].setUseParentHandlers(savedUseParent[i]);
        }
        handler.flush();
        log.close();
    }
}
