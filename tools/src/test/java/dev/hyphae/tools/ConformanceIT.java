package dev.hyphae.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tools/hyphae conformance}, run as a user runs it, after the build: against the reference adapter, which
 * must conform; against the reference adapter with each seeded defect, where the suite must fail, and fail on the
 * requirement that the defect breaks; with an expected-failures file, which must be strict; and against an adapter
 * that claims one profile only. Every adapter is a real process, started by the suite. Few tries, to keep the
 * build quick: each defect is caught within them.
 */
class ConformanceIT {

    private static final Path ROOT = Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRIES = "25";

    private record Run(int status, String out, JsonNode report, Path reports) {
    }

    private static Run conformance(Path reports, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("sh", ROOT.resolve("tools/hyphae").toString(), "conformance",
                "--report-dir", reports.toString(), "--tries", TRIES));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Path log = Files.createTempFile("conformance", ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        process.getOutputStream().close();
        // Bounded, so that a hung suite fails the build instead of stalling it.
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("tools/hyphae " + String.join(" ", args) + " did not finish");
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        Path json = reports.resolve("conformance.json");
        return new Run(process.exitValue(), out, Files.exists(json) ? JSON.readTree(json.toFile()) : null, reports);
    }

    private static String adapter(String... args) {
        return "sh '" + ROOT.resolve("tools/hyphae") + "' adapter " + String.join(" ", args);
    }

    private static JsonNode check(JsonNode report, String id) {
        for (JsonNode c : report.path("checks")) {
            if (c.path("id").asText().equals(id)) {
                return c;
            }
        }
        throw new AssertionError("no check " + id + " in the report");
    }

    private static JsonNode requirement(JsonNode report, String id) {
        for (JsonNode r : report.path("requirements")) {
            if (r.path("id").asText().equals(id)) {
                return r;
            }
        }
        throw new AssertionError("no requirement " + id + " in the report");
    }

    /**
     * Peer mode alone, as a vendor with a running peer and no adapter runs it: the suite's key is made with
     * {@code keygen}, the peer is started to trust it, and only the Peer profile is checked.
     */
    @Test
    void aRunningPeerIsCheckedWithoutAnAdapter(@TempDir Path dir) throws Exception {
        Path reports = dir.resolve("reports");
        ProcessBuilder keygen = new ProcessBuilder("sh", ROOT.resolve("tools/hyphae").toString(), "keygen", "--out",
                dir.resolve("suite.key").toString());
        keygen.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process k = keygen.start();
        String suite = new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, k.waitFor());
        ProcessBuilder peerKeygen = new ProcessBuilder("sh", ROOT.resolve("tools/hyphae").toString(), "keygen", "--out",
                dir.resolve("peer.key").toString());
        peerKeygen.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process pk = peerKeygen.start();
        String peerKey = new String(pk.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, pk.waitFor());
        ProcessBuilder serve = new ProcessBuilder("sh", ROOT.resolve("tools/hyphae").toString(), "peer", "serve",
                "--data", dir.resolve("data").toString(), "--key", dir.resolve("peer.key").toString(), "--listen", "127.0.0.1:0",
                "--trust-peer", suite + ":write").redirectError(ProcessBuilder.Redirect.INHERIT);
        serve.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process peer = serve.start();
        try {
            String listening = new java.io.BufferedReader(new java.io.InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertTrue(listening != null && listening.startsWith("listening on "), String.valueOf(listening));
            String address = listening.substring("listening on ".length());
            Run run = conformance(reports, "--peer", address, "--peer-key", peerKey, "--suite-key", dir.resolve("suite.key").toString());
            assertEquals(0, run.status(), run.out());
            assertTrue(run.report().path("adapter").isNull());
            assertEquals(address, run.report().path("peer").path("address").asText());
            for (JsonNode p : run.report().path("profiles")) {
                assertEquals(p.path("profile").asText().equals("peer"), p.path("claimed").asBoolean(), p.toString());
            }
            assertEquals(run.report().path("summary").path("checks").asInt(), run.report().path("summary").path("passed").asInt());
            assertTrue(run.report().path("summary").path("checks").asInt() >= 15, run.out());
        } finally {
            peer.getOutputStream().close();
            if (!peer.waitFor(20, TimeUnit.SECONDS)) {
                peer.destroyForcibly();
            }
        }
    }

    @Test
    @Requirement({"HY-CONF-008", "HY-CONF-009", "HY-CONF-010", "HY-CONF-011", "HY-CONF-013", "HY-CONF-014", "HY-CONF-015", "HY-CONF-017"})
    void theReferenceImplementationConforms(@TempDir Path reports) throws Exception {
        Run run = conformance(reports);
        assertEquals(0, run.status(), run.out());
        assertTrue(run.out().contains("CONFORMS"), run.out());
        // Clean output (HY-CONF-021): the verdict last before the report paths; no class path; nothing of the test
        // engines between the result lines: that goes to the engine log.
        List<String> lines = run.out().lines().toList();
        int paths = lines.indexOf(lines.stream().filter(l -> l.startsWith("reports: ")).findFirst().orElseThrow());
        assertEquals("CONFORMS", lines.get(paths - 1), run.out());
        assertFalse(run.out().contains("hyphae-tools.jar:"), run.out());
        assertTrue(run.out().contains("<class path of "), run.out());
        for (String line : lines) {
            assertTrue(line.isEmpty() || line.startsWith("[") || line.startsWith("hyphae conformance: ") || line.startsWith("implementation: ")
                    || line.startsWith("seed ") || line.startsWith("peer ") || line.matches("[A-Z][a-z ]+: .*") || line.matches("\\d+ checks, .*")
                    || line.equals("CONFORMS") || line.startsWith("reports: ") || line.startsWith("what the test engines printed: ")
                    || line.startsWith("what the adapter wrote to its standard error: "),
                    "a line that is not the suite's own: " + line);
        }
        JsonNode summary = run.report().path("summary");
        assertTrue(summary.path("conforms").asBoolean());
        assertEquals(summary.path("checks").asInt(), summary.path("passed").asInt(), "every check passes: " + summary);
        assertEquals(0, run.report().path("adapter").path("crashes").asInt());
        assertEquals("42", run.report().path("suite").path("seed").asText());
        // Every vector is a check.
        long vectors;
        try (Stream<Path> walk = Files.walk(ROOT.resolve("test-vectors/v1"))) {
            vectors = walk.filter(p -> p.toString().endsWith(".json")).count();
        }
        long vectorChecks = 0;
        Set<String> ids = new HashSet<>();
        for (JsonNode c : run.report().path("checks")) {
            vectorChecks += c.path("id").asText().startsWith("vectors/") ? 1 : 0;
            c.path("requirements").forEach(r -> ids.add(r.asText()));
        }
        assertEquals(vectors, vectorChecks);
        assertTrue(ids.size() >= 50, "the report names " + ids.size() + " requirements");
        assertEquals(ids.size(), run.report().path("requirements").size());
        for (JsonNode p : run.report().path("profiles")) {
            assertTrue(p.path("conforms").asBoolean(), p.toString());
        }
        assertTrue(Files.readString(reports.resolve("conformance.html")).contains("HY-DATA-020"));
        // The Peer profile ran against a reference peer that the command started.
        assertTrue(run.report().path("peer").has("address"), run.report().path("peer").toString());
        assertTrue(run.out().contains("PeerChecks.aWriteIsGivenBackToTheNextSession"), run.out());
        // The JUnit XML is well-formed, one test case per check.
        var xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(reports.resolve("TEST-hyphae-conformance.xml").toFile());
        assertEquals(summary.path("checks").asInt(), xml.getElementsByTagName("testcase").getLength());
        assertEquals(0, xml.getElementsByTagName("failure").getLength());
    }

    /** Each seeded defect fails the run, on the requirement it breaks and in the check that should catch it. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "lww-tie-break,          HY-DATA-032, ReplicaProperties.queryAgreesWithTheModel",
            "non-idempotent-merge,   HY-DATA-020, ReplicaProperties.joinIsIdempotent",
            "remove-ignores-context, HY-DATA-020, vectors/operations/valid/awset_remove_of_observed_add",
            "accept-truncated,       HY-ENC-009,  CodecProperties.truncatedInputIsRefusedWithTheRightCode",
            "wrong-error-code,       HY-VEC-014,  CodecProperties.mutatedInputIsRefusedWithTheModelsCode",
            "downgrade,              HY-VER-002,  HandshakeProperties.negotiationAgreesWithTheModel",
            "accept-downgrade,       HY-VER-004,  HandshakeChecks.aSelectionOfAVersionNotOfferedIsRefused",
            "shared-stream,          HY-COMP-003, vectors/compression/valid/compression_two_channels_two_streams",
            "unsupported-ormap-join, HY-CONF-012, vectors/operations/valid/ormap_update_survives_concurrent_remove",
            "hs-ignore-critical,     HY-HS-010,   vectors/handshake/invalid/handshake_unknown_critical_capability",
            "hs-first-common-version, HY-VER-002, vectors/handshake/valid/handshake_negotiates_version_and_capabilities",
            "hs-accept-small-frames, HY-HS-011,   vectors/handshake/invalid/handshake_offer_frame_size_below_minimum",
            "hs-report-malformed,    HY-HS-013,   HandshakeChecks.aMalformedOfferEndsTheHandshakeWithoutAWord",
            "hs-error-scope-ignored, HY-HS-015,   HandshakeChecks.aSelectionErrorWithoutSessionScopeEndsWithHandshakeFailed",
            "hs-initiator-skips-low-order, HY-HS-016, HandshakeChecks.aLowOrderResponderKeyIsRefused"})
    @Requirement({"HY-CONF-006", "HY-CONF-018"})
    void eachSeededDefectIsCaughtOnItsRequirement(String defect, String requirement, String checkId, @TempDir Path reports) throws Exception {
        Run run = conformance(reports, "--adapter", adapter("--defect", defect));
        assertEquals(1, run.status(), run.out());
        assertTrue(run.out().contains("DOES NOT CONFORM"), run.out());
        // The console, the exit status and the report agree (HY-CONF-021).
        assertFalse(run.out().contains("\nCONFORMS"), run.out());
        assertEquals("fail", requirement(run.report(), requirement).path("status").asText());
        JsonNode check = check(run.report(), checkId);
        assertEquals("failed", check.path("status").asText(), check.toString());
        // The failure names the requirement ids and shows the input.
        assertTrue(check.path("requirements").toString().contains(requirement), check.toString());
        assertTrue(check.path("detail").asText().length() > 0);
        assertTrue(run.out().contains("FAILED " + checkId), run.out());
        assertFalse(run.report().path("summary").path("conforms").asBoolean());
    }

    @Test
    @Requirement({"HY-CONF-019", "HY-CONF-018"})
    void theExpectedFailuresFileIsStrictAndCounterexamplesAreSaved(@TempDir Path dir) throws Exception {
        String broken = adapter("--defect", "wrong-error-code");
        Path counterexamples = dir.resolve("counterexamples");
        Run first = conformance(dir.resolve("first"), "--adapter", broken, "--save-counterexamples", counterexamples.toString());
        assertEquals(1, first.status(), first.out());
        List<String> failed = new ArrayList<>();
        first.report().path("checks").forEach(c -> {
            if (c.path("status").asText().equals("failed")) {
                failed.add(c.path("id").asText());
            }
        });
        assertFalse(failed.isEmpty());
        // The smallest failing input of a property, saved as a vector that the model refuses with 101.
        Path saved = counterexamples.resolve("v1/payload/invalid/counterexample_truncated_input_is_refused_with_the_right_code.json");
        JsonNode vector = JSON.readTree(saved.toFile());
        assertEquals("hyphae-vector/1", vector.path("format").asText());
        assertEquals(101, vector.path("error").path("code").asInt());
        assertTrue(vector.path("input").asText().matches("[0-9a-f]*"));

        // Listing exactly the failures: the run passes, with each of them an expected failure.
        Path expected = dir.resolve("expected-failures.txt");
        Files.write(expected, failed);
        Run listed = conformance(dir.resolve("listed"), "--adapter", broken, "--expected-failures", expected.toString());
        assertEquals(0, listed.status(), listed.out());
        assertEquals(failed.size(), listed.report().path("summary").path("expectedFailure").asInt());

        // Listing a check that passes fails the run.
        Files.writeString(expected, "VectorChecks.refusalsComeNoLaterThanTheirPhase  # passes\n", java.nio.file.StandardOpenOption.APPEND);
        Run stale = conformance(dir.resolve("stale"), "--adapter", broken, "--expected-failures", expected.toString());
        assertEquals(1, stale.status(), stale.out());
        assertEquals("unexpected-pass", check(stale.report(), "VectorChecks.refusalsComeNoLaterThanTheirPhase").path("status").asText());
    }

    /**
     * An adapter that exits just after each answer to {@code query}: exactly the two checks that send queries fail,
     * each citing HY-CONF-016, and every other check passes, with an adapter started afresh.
     */
    @Test
    @Requirement({"HY-CONF-016", "HY-CONF-022"})
    void aCrashFailsOnlyTheCheckItHappenedIn(@TempDir Path reports) throws Exception {
        Run run = conformance(reports, "--adapter", adapter("--defect", "exit-after-query"));
        assertEquals(1, run.status(), run.out());
        Set<String> failed = new HashSet<>();
        for (JsonNode c : run.report().path("checks")) {
            String status = c.path("status").asText();
            if (status.equals("failed")) {
                failed.add(c.path("id").asText());
                assertTrue(c.path("requirements").toString().contains("\"HY-CONF-016\""), c.toString());
                assertTrue(c.path("detail").asText().startsWith("the adapter crashed"), c.toString());
            } else {
                assertEquals("passed", status, c.toString());
            }
        }
        assertEquals(Set.of("ReplicaProperties.queryAgreesWithTheModel", "ReplicaProperties.replicasConvergeUnderAnyDeliveryOrder"), failed,
                run.out());
        JsonNode adapter = run.report().path("adapter");
        assertTrue(adapter.path("crashes").asInt() >= 2, adapter.toString());
        assertTrue(adapter.path("starts").asInt() > adapter.path("crashes").asInt(), adapter.toString());
    }

    @Test
    void aUsageErrorExitsWithTwo(@TempDir Path reports) throws Exception {
        assertEquals(2, conformance(reports, "--expected-failures", reports.resolve("missing.txt").toString()).status());
        assertEquals(2, conformance(reports, "--timeout", "0").status());
    }

    @Test
    @Requirement({"HY-CONF-007", "HY-CONF-012", "HY-CONF-020", "HY-CONF-021"})
    void aPartialImplementationIsMeasuredNotFailed(@TempDir Path reports) throws Exception {
        Run run = conformance(reports, "--adapter", adapter("--profiles", "codec"));
        assertEquals(0, run.status(), run.out());
        assertTrue(run.out().contains("CONFORMS"), run.out());
        assertTrue(run.out().contains("Peer:              not run"), run.out());
        for (JsonNode p : run.report().path("profiles")) {
            if (p.path("profile").asText().equals("peer")) {
                // No running peer was given: the Peer profile has no checks in this run.
                assertEquals(0, p.path("checks").asInt(), p.toString());
                assertFalse(p.path("ran").asBoolean(), p.toString());
                continue;
            }
            assertTrue(p.path("ran").asBoolean(), p.toString());
            boolean codec = p.path("profile").asText().equals("codec");
            assertEquals(codec, p.path("claimed").asBoolean());
            assertEquals(codec, p.path("conforms").asBoolean(), p.toString());
            assertEquals(codec ? 0 : p.path("checks").asInt(), p.path("unsupported").asInt(), p.toString());
            assertTrue(p.path("checks").asInt() > 0);
        }
        assertEquals("unsupported", check(run.report(), "vectors/operations/valid/lww_tie_broken_by_replica_id").path("status").asText());
    }
}
