package dev.hyphae.tools;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code hyphae adapter}: the reference implementation as a conformance adapter, speaking the adapter protocol
 * on standard input and output (specification, chapter "Conformance"). {@code --defect NAME} seeds one
 * deliberate bug, to show that the suite catches it.
 */
@Command(name = "adapter", mixinStandardHelpOptions = true,
        description = {"Serve the conformance adapter protocol (JSON Lines on standard input and output) with the reference implementation.",
                "With --defect NAME, carry one deliberate bug of the catalogue of seeded defects; a name not in it is answered "
                        + "with the list of them all."})
final class AdapterCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--defect", paramLabel = "NAME", description = "Seed one defect (for testing the conformance suite).")
    String defect;

    @Option(names = "--profiles", paramLabel = "PROFILE", split = ",",
            description = "Claim only these profiles (codec, replica-semantics, handshake), and answer \"unsupported\" to the "
                    + "requests of the others, as a partial implementation would. Default: all three.")
    List<String> profiles = List.of(ReferenceAdapter.PROFILES);

    @Override
    public Integer call() throws Exception {
        Defect seeded;
        try {
            seeded = defect == null ? null : Defect.of(defect);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        for (String p : profiles) {
            if (!List.of(ReferenceAdapter.PROFILES).contains(p)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "no profile '" + p + "'");
            }
        }
        // Standard output carries the protocol and nothing else; diagnostics go to standard error.
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        new ReferenceAdapter(seeded, Hyphae.versions().getProperty("hyphae.version"), profiles).serve(in, out);
        out.flush();
        return 0;
    }
}
