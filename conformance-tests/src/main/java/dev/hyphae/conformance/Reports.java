package dev.hyphae.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The reports of a run (specification, chapter "Conformance", section "Reports"): {@code conformance.json}
 * (format {@code hyphae-conformance-report/1}), {@code conformance.html} for people, and
 * {@code TEST-hyphae-conformance.xml} in the JUnit XML format that CI servers read.
 */
public final class Reports {

    /** The format name of the JSON report. */
    public static final String FORMAT = "hyphae-conformance-report/1";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Settings settings;
    private final Hello hello;
    private final Adapter adapter;
    private final List<CheckResult> checks;

    /** One requirement's verdict, from the checks that cite it. */
    record RequirementResult(String id, String level, Set<String> profiles, String status, List<String> checks) {
    }

    Reports(Settings settings, Hello hello, Adapter adapter, List<CheckResult> checks) {
        this.settings = settings;
        this.hello = hello;
        this.adapter = adapter;
        this.checks = List.copyOf(checks);
    }

    /**
     * The verdict of the run (HY-CONF-021): no check failed, the expected-failures file holds, the adapter did not
     * crash, and every profile that the adapter claims ran and meets {@link #conforms(Profile, boolean)}, with the
     * checks that the expected-failures file lists set aside. The console's last line and the exit status say this.
     */
    boolean conforms() {
        return checks.stream().noneMatch(CheckResult::failsTheRun) && (adapter == null || adapter.crashes() == 0)
                && hello.profiles().stream().filter(settings::selects).allMatch(p -> conforms(p, true));
    }

    /** The settings of the run. */
    Settings settings() {
        return settings;
    }

    /** Whether the adapter claims {@code profile}. */
    boolean claims(Profile profile) {
        return hello.profiles().contains(profile);
    }

    /** Whether a check of {@code profile} ran in this run. */
    boolean ran(Profile profile) {
        return checks.stream().anyMatch(c -> c.profile() == profile);
    }

    /**
     * Whether {@code profile} conforms in this run: it is claimed, at least one of its checks ran, and every one of
     * them passed or ended in a warning; none was unsupported, as a claim needs (HY-CONF-004). With
     * {@code expectedFailuresAllowed}, a check that failed as the expected-failures file says counts as passed.
     */
    boolean conforms(Profile profile, boolean expectedFailuresAllowed) {
        Map<CheckResult.Status, Integer> counts = count(profile);
        return hello.profiles().contains(profile) && ran(profile) && counts.get(CheckResult.Status.FAILED) == 0
                && counts.get(CheckResult.Status.UNEXPECTED_PASS) == 0 && counts.get(CheckResult.Status.UNSUPPORTED) == 0
                && (expectedFailuresAllowed || counts.get(CheckResult.Status.EXPECTED_FAILURE) == 0);
    }

    /** Every requirement cited by a check, in id order. */
    List<RequirementResult> requirements() {
        Map<String, List<CheckResult>> byId = new TreeMap<>();
        for (CheckResult c : checks) {
            for (String id : c.requirements()) {
                byId.computeIfAbsent(id, k -> new ArrayList<>()).add(c);
            }
        }
        List<RequirementResult> out = new ArrayList<>();
        byId.forEach((id, cs) -> {
            boolean should = cs.stream().allMatch(CheckResult::advisory);
            Set<String> profiles = new TreeSet<>();
            cs.stream().filter(c -> c.profile() != null).forEach(c -> profiles.add(c.profile().id()));
            String status;
            if (cs.stream().anyMatch(c -> c.status() == CheckResult.Status.FAILED || c.status() == CheckResult.Status.EXPECTED_FAILURE)) {
                status = "fail";
            } else if (cs.stream().anyMatch(c -> c.status() == CheckResult.Status.WARNING)) {
                status = "warning";
            } else if (cs.stream().anyMatch(c -> c.status() == CheckResult.Status.PASSED || c.status() == CheckResult.Status.UNEXPECTED_PASS)) {
                status = "pass";
            } else {
                status = "unsupported";
            }
            out.add(new RequirementResult(id, should ? "SHOULD" : "MUST", profiles, status, cs.stream().map(CheckResult::id).toList()));
        });
        return out;
    }

    private Map<CheckResult.Status, Integer> count(Profile profile) {
        Map<CheckResult.Status, Integer> counts = new EnumMap<>(CheckResult.Status.class);
        for (CheckResult.Status s : CheckResult.Status.values()) {
            counts.put(s, 0);
        }
        checks.stream().filter(c -> profile == null || c.profile() == profile).forEach(c -> counts.merge(c.status(), 1, Integer::sum));
        return counts;
    }

    /** Writes the three reports into the report directory. */
    void write() throws IOException {
        Path dir = settings.reportDirectory();
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("conformance.json"), JSON.writeValueAsString(json()) + "\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("conformance.html"), html(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("TEST-hyphae-conformance.xml"), junitXml(), StandardCharsets.UTF_8);
    }

    /** Where the reports are, for the summary. */
    String paths() {
        Path dir = settings.reportDirectory();
        return dir.resolve("conformance.html") + ", " + dir.resolve("conformance.json") + ", " + dir.resolve("TEST-hyphae-conformance.xml");
    }

    ObjectNode json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        ObjectNode suite = root.putObject("suite");
        suite.put("version", Counterexamples.suite().getProperty("suite.version", "?"));
        suite.put("specRevision", Counterexamples.suite().getProperty("spec.revision", "?"));
        suite.put("seed", Long.toString(settings.seed()));
        suite.put("tries", settings.tries());
        ObjectNode impl = root.putObject("implementation");
        impl.put("name", hello.name());
        impl.put("version", hello.version());
        ArrayNode versions = impl.putArray("protocolVersions");
        hello.protocolVersions().forEach(versions::add);
        ArrayNode profiles = impl.putArray("profiles");
        hello.profiles().forEach(p -> profiles.add(p.id()));
        ArrayNode types = impl.putArray("crdtTypes");
        hello.crdtTypes().forEach(t -> types.add(Integer.toString(t)));
        if (adapter == null) {
            root.putNull("adapter");
        } else {
            ObjectNode adapterNode = root.putObject("adapter");
            ArrayNode command = adapterNode.putArray("command");
            adapter.command().forEach(command::add);
            adapterNode.put("starts", adapter.starts());
            adapterNode.put("crashes", adapter.crashes());
            if (adapter.lastCrash() != null) {
                adapterNode.put("lastCrash", adapter.lastCrash());
            } else {
                adapterNode.putNull("lastCrash");
            }
        }
        if (settings.peer() == null) {
            root.putNull("peer");
        } else {
            root.putObject("peer").put("address", settings.peer().address().getHostString() + ":" + settings.peer().address().getPort())
                    .put("key", java.util.HexFormat.of().formatHex(settings.peer().peerKey()));
        }
        List<RequirementResult> requirements = requirements();
        ObjectNode summary = root.putObject("summary");
        summary.put("conforms", conforms());
        summary.put("checks", checks.size());
        count(null).forEach((s, n) -> summary.put(camel(s.json()), n));
        summary.put("requirements", requirements.size());
        ArrayNode byProfile = root.putArray("profiles");
        for (Profile p : Profile.values()) {
            ObjectNode node = byProfile.addObject();
            node.put("profile", p.id());
            node.put("title", p.title());
            node.put("claimed", hello.profiles().contains(p));
            Map<CheckResult.Status, Integer> counts = count(p);
            node.put("checks", counts.values().stream().mapToInt(Integer::intValue).sum());
            counts.forEach((s, n) -> node.put(camel(s.json()), n));
            // A profile that no check ran for (the Peer profile without a running peer) is not shown to conform.
            node.put("ran", ran(p));
            node.put("conforms", conforms(p, false));
        }
        ArrayNode reqs = root.putArray("requirements");
        for (RequirementResult r : requirements) {
            ObjectNode node = reqs.addObject();
            node.put("id", r.id());
            node.put("level", r.level());
            ArrayNode ps = node.putArray("profiles");
            r.profiles().forEach(ps::add);
            node.put("status", r.status());
            ArrayNode cs = node.putArray("checks");
            r.checks().forEach(cs::add);
        }
        ArrayNode all = root.putArray("checks");
        for (CheckResult c : checks) {
            ObjectNode node = all.addObject();
            node.put("id", c.id());
            if (c.profile() == null) {
                node.putNull("profile");
            } else {
                node.put("profile", c.profile().id());
            }
            node.put("level", c.advisory() ? "SHOULD" : "MUST");
            ArrayNode ids = node.putArray("requirements");
            c.requirements().forEach(ids::add);
            node.put("status", c.status().json());
            node.put("detail", c.detail());
            node.put("millis", c.millis());
        }
        return root;
    }

    private static String camel(String dashed) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char ch : dashed.toCharArray()) {
            if (ch == '-') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(ch) : ch);
                upper = false;
            }
        }
        return out.toString();
    }

    private String html() {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Hyphae conformance: ")
                .append(esc(hello.name())).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em;max-width:80em}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}")
                .append(".passed,.pass{background:#e6f4e6}.failed,.fail,.unexpected-pass{background:#fbe3e3}")
                .append(".unsupported{background:#eee}.warning,.expected-failure{background:#fff4d6}")
                .append("pre{white-space:pre-wrap;font-size:.85em;margin:0}\n</style></head><body>\n");
        h.append("<h1>Hyphae conformance report</h1>\n<p>Implementation: <b>").append(esc(hello.name())).append("</b> ")
                .append(esc(hello.version())).append(", protocol versions ").append(esc(String.join(", ", hello.protocolVersions())))
                .append(". Suite ").append(esc(Counterexamples.suite().getProperty("suite.version", "?")))
                .append(", specification revision ").append(esc(Counterexamples.suite().getProperty("spec.revision", "?")))
                .append(", seed ").append(settings.seed()).append(", ").append(settings.tries()).append(" tries per property")
                .append(" (a check split from another: its share of them).</p>\n");
        h.append("<p>Verdict: <b>").append(conforms() ? "conforms" : "does not conform").append("</b>.");
        if (adapter != null) {
            h.append(" Adapter started ").append(adapter.starts()).append(" time(s), crashed or timed out ").append(adapter.crashes())
                    .append(" time(s)").append(adapter.lastCrash() == null ? "" : " (last: " + esc(adapter.lastCrash()) + ")").append('.');
        }
        if (settings.peer() != null) {
            h.append(" Peer checked at ").append(esc(settings.peer().address().getHostString() + ":" + settings.peer().address().getPort()))
                    .append('.');
        }
        h.append("</p>\n");
        h.append("<h2>By profile</h2>\n<table><tr><th>Profile</th><th>Claimed</th>");
        for (CheckResult.Status s : CheckResult.Status.values()) {
            h.append("<th>").append(s.json()).append("</th>");
        }
        h.append("</tr>\n");
        for (Profile p : Profile.values()) {
            h.append("<tr><td>").append(p.title()).append("</td><td>").append(hello.profiles().contains(p) ? "yes" : "no").append("</td>");
            count(p).forEach((s, n) -> h.append("<td class=\"").append(n > 0 ? s.json() : "").append("\">").append(n).append("</td>"));
            h.append("</tr>\n");
        }
        h.append("</table>\n");
        List<RequirementResult> requirements = requirements();
        h.append("<h2>By requirement (").append(requirements.size()).append(")</h2>\n")
                .append("<table><tr><th>Requirement</th><th>Level</th><th>Profiles</th><th>Status</th><th>Checks</th></tr>\n");
        for (RequirementResult r : requirements) {
            h.append("<tr id=\"").append(r.id()).append("\"><td>").append(r.id()).append("</td><td>").append(r.level()).append("</td><td>")
                    .append(String.join(", ", r.profiles())).append("</td><td class=\"").append(r.status()).append("\">").append(r.status())
                    .append("</td><td>");
            for (String c : r.checks()) {
                h.append("<a href=\"#").append(esc(c)).append("\">").append(esc(c)).append("</a> ");
            }
            h.append("</td></tr>\n");
        }
        h.append("</table>\n<h2>Checks (").append(checks.size()).append(")</h2>\n")
                .append("<table><tr><th>Check</th><th>Profile</th><th>Requirements</th><th>Status</th><th>Detail</th></tr>\n");
        for (CheckResult c : checks) {
            h.append("<tr id=\"").append(esc(c.id())).append("\"><td>").append(esc(c.id())).append("</td><td>")
                    .append(c.profile() == null ? "" : c.profile().title()).append("</td><td>")
                    .append(String.join(", ", c.requirements())).append("</td><td class=\"").append(c.status().json()).append("\">")
                    .append(c.status().json()).append("</td><td><pre>").append(esc(c.detail())).append("</pre></td></tr>\n");
        }
        h.append("</table>\n</body></html>\n");
        return h.toString();
    }

    private String junitXml() {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"hyphae-conformance\">\n");
        for (Profile p : Profile.values()) {
            List<CheckResult> cs = checks.stream().filter(c -> c.profile() == p).toList();
            appendSuite(x, "hyphae-conformance." + p.id(), cs);
        }
        List<CheckResult> other = checks.stream().filter(c -> c.profile() == null).toList();
        if (!other.isEmpty()) {
            appendSuite(x, "hyphae-conformance.run", other);
        }
        return x.append("</testsuites>\n").toString();
    }

    private static void appendSuite(StringBuilder x, String name, List<CheckResult> cs) {
        long failures = cs.stream().filter(CheckResult::failsTheRun).count();
        long skipped = cs.stream().filter(c -> !c.failsTheRun() && c.status() != CheckResult.Status.PASSED).count();
        double seconds = cs.stream().mapToLong(CheckResult::millis).sum() / 1000.0;
        x.append(String.format(Locale.ROOT, "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\" time=\"%.3f\">%n",
                esc(name), cs.size(), failures, skipped, seconds));
        for (CheckResult c : cs) {
            String requirements = c.requirements().isEmpty() ? "" : " [" + String.join(" ", c.requirements()) + "]";
            x.append(String.format(Locale.ROOT, "    <testcase classname=\"%s\" name=\"%s\" time=\"%.3f\">", esc(name),
                    esc(c.id() + requirements), c.millis() / 1000.0));
            if (c.failsTheRun()) {
                x.append("\n      <failure message=\"").append(esc(c.detail().lines().findFirst().orElse(c.status().json()))).append("\" type=\"")
                        .append(c.status().json()).append("\">").append(esc(c.detail())).append("</failure>\n    ");
            } else if (c.status() != CheckResult.Status.PASSED) {
                x.append("\n      <skipped message=\"").append(esc(c.status().json() + ": " + c.detail().lines().findFirst().orElse("")))
                        .append("\"/>\n    ");
            }
            x.append("</testcase>\n");
        }
        x.append("  </testsuite>\n");
    }

    private static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    // XML 1.0 cannot carry most control characters, even escaped.
                    if (ch < 0x20 && ch != '\n' && ch != '\t' && ch != '\r') {
                        out.append("\\u").append(String.format("%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.toString();
    }
}
