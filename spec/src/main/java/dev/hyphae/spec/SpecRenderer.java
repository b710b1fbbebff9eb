package dev.hyphae.spec;

import org.asciidoctor.Asciidoctor;
import org.asciidoctor.Attributes;
import org.asciidoctor.Options;
import org.asciidoctor.SafeMode;
import org.asciidoctor.log.LogRecord;
import org.asciidoctor.log.Severity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the specification to a single HTML page with AsciidoctorJ.
 *
 * <p>Every warning Asciidoctor logs (a missing include, an unterminated block, a broken cross-reference)
 * is returned as a problem, so that a spec that renders with warnings fails the build.
 */
final class SpecRenderer {

    private SpecRenderer() {
    }

    /**
     * Renders {@code master} to {@code output}.
     *
     * @return the warnings and errors Asciidoctor reported; empty when the rendering is clean
     */
    static List<SpecProblem> render(Path root, Path master, Path output) throws IOException {
        Files.createDirectories(output.toAbsolutePath().getParent());
        List<SpecProblem> problems = new ArrayList<>();
        try (Asciidoctor asciidoctor = Asciidoctor.Factory.create()) {
            asciidoctor.javaExtensionRegistry().inlineMacro(new RequirementMacro());
            asciidoctor.registerLogHandler((LogRecord record) -> {
                if (record.getSeverity().ordinal() >= Severity.WARN.ordinal()) {
                    String where = record.getCursor() == null || record.getCursor().getPath() == null
                            ? RequirementExtractor.relative(root, master)
                            : RequirementExtractor.relative(root, master.getParent().resolve(record.getCursor().getPath()))
                                    + ":" + record.getCursor().getLineNumber();
                    problems.add(new SpecProblem(where, "asciidoctor: " + record.getMessage()));
                }
            });
            Options options = Options.builder()
                    .backend("html5")
                    .standalone(true)
                    .safe(SafeMode.UNSAFE)
                    .baseDir(master.getParent().toFile())
                    .toFile(output.toFile())
                    .mkDirs(true)
                    .attributes(Attributes.builder()
                            .attribute("docinfo", "shared")
                            .attribute("docinfodir", master.getParent().toAbsolutePath().toString())
                            .attribute("nofooter", "")
                            .build())
                    .build();
            asciidoctor.convertFile(master.toFile(), options);
        }
        problems.addAll(externalResources(RequirementExtractor.relative(root, master), Files.readString(output)));
        return problems;
    }

    /**
     * A stylesheet, script, font or image that the page would fetch from another host: the rendered specification is
     * self-contained, so that it opens as it is meant to without a network, as on an isolated site. (The font icons of
     * {@code :icons: font}, for one, come from a CDN.)
     */
    private static final Pattern EXTERNAL = Pattern.compile("<(?:link|script|img|iframe)\\b[^>]*\\b(?:href|src)=\"((?:https?:)?//[^\"]*)\"");

    static List<SpecProblem> externalResources(String where, String page) {
        List<SpecProblem> problems = new ArrayList<>();
        Matcher m = EXTERNAL.matcher(page);
        while (m.find()) {
            problems.add(new SpecProblem(where, "the rendered HTML fetches " + m.group(1)
                    + " from the network; the specification must be self-contained"));
        }
        return problems;
    }
}
