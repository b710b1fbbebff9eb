package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyphae.conformance.Advisory;
import dev.hyphae.conformance.Checks;
import dev.hyphae.conformance.Profile;
import dev.hyphae.conformance.model.Model;
import dev.hyphae.spec.Requirement;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The requirements of each profile, as the suite checks them: the ids that its checks and its vectors cite, by
 * profile and level. The specification's chapter "Conformance" includes this table, generated, so that the
 * profiles it states and the checks that the suite runs cannot drift apart.
 */
public final class ProfileTable {

    /** The classes of checks, in the order of the chapter. */
    static final List<Class<?>> CHECKS = List.of(VectorChecks.class, CodecProperties.class, CodecCornerProperties.class,
            CompactCodecProperties.class, SessionFormProperties.class, KeyIndexProperties.class, CompressionProperties.class,
            ReplicaProperties.class, QueryProperties.class, MutatorProperties.class, MutationAnswers.class, UnknownTypeQueries.class,
            ClaimChecks.class, HandshakeProperties.class, FramedChannelProperties.class, HandshakeChecks.class, AuthenticationChecks.class,
            OfferRefusalChecks.class,
            HandshakeLayoutChecks.class, PeerChecks.class, PeerFramingChecks.class, PeerSessionChecks.class, PeerSyncChecks.class, PeerVersioningChecks.class, PeerCapabilityChecks.class,
            PeerFrameChecks.class,
            PeerPrivateUseChecks.class, PeerDocumentLimitChecks.class, PeerEndingChecks.class, PeerAccessChecks.class,
            PeerCompressionChecks.class, PeerSessionFormChecks.class, PeerMessageFormChecks.class, PeerProtocolViolationChecks.class);

    private ProfileTable() {
    }

    /** The ids cited by the checks of each profile, split into level "MUST" (index 0) and advisory "SHOULD" (index 1). */
    static Map<Profile, List<TreeSet<String>>> cited(Path vectorRoot) throws IOException {
        Map<Profile, List<TreeSet<String>>> byProfile = new EnumMap<>(Profile.class);
        for (Profile p : Profile.values()) {
            byProfile.put(p, List.of(new TreeSet<>(), new TreeSet<>()));
        }
        for (Class<?> type : CHECKS) {
            Profile profile = type.getAnnotation(Checks.class).value();
            for (Method m : type.getDeclaredMethods()) {
                Requirement r = m.getAnnotation(Requirement.class);
                if (r != null) {
                    byProfile.get(profile).get(m.isAnnotationPresent(Advisory.class) ? 1 : 0).addAll(List.of(r.value()));
                }
            }
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(vectorRoot.resolve("v1"))) {
            files = walk.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        for (Path file : files) {
            JsonNode v = Model.JSON.readTree(file.toFile());
            Profile profile = switch (v.path("area").asText()) {
                case "payload", "compression", "session" -> Profile.CODEC;
                case "operations" -> Profile.REPLICA_SEMANTICS;
                default -> Profile.HANDSHAKE;
            };
            v.path("requirements").forEach(id -> byProfile.get(profile).get(0).add(id.asText()));
        }
        // A requirement that a check of level "MUST" cites is of that level, whatever an advisory check cites.
        byProfile.values().forEach(levels -> levels.get(1).removeAll(levels.get(0)));
        return byProfile;
    }

    /** The AsciiDoc table that the chapter "Conformance" includes. */
    public static String render(Path vectorRoot) throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("// Generated from the conformance suite's checks and the vectors; do not edit.\n")
                .append("// Regenerate: ./mvnw -pl conformance-tests test -Dtest=ProfileTableTest -Dhyphae.regenerate=true\n")
                .append("[[table-conformance-profiles]]\n")
                .append(".The requirements that the suite checks, by profile\n")
                .append("[cols=\"2,1,1,9\",options=\"header\"]\n")
                .append("|===\n")
                .append("|Profile |Level |Count |Requirements\n");
        Map<Profile, List<TreeSet<String>>> cited = cited(vectorRoot);
        for (Profile p : Profile.values()) {
            for (int level = 0; level < 2; level++) {
                TreeSet<String> ids = cited.get(p).get(level);
                if (ids.isEmpty()) {
                    continue;
                }
                out.append("\n|").append(p.title()).append(" |").append(level == 0 ? "`MUST`" : "`SHOULD`").append(" |")
                        .append(ids.size()).append(" |");
                out.append(String.join(", ", List.copyOf(ids))).append('\n');
            }
        }
        out.append("|===\n");
        return out.toString();
    }
}
