package dev.hyphae.conformance;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an adapter says of itself in its answer to {@code hello}: the implementation it wraps, and what it
 * claims. A check of a profile or CRDT type that the adapter does not claim is reported as unsupported.
 *
 * @param name             the implementation's name
 * @param version          the implementation's version
 * @param protocolVersions the protocol versions it implements, as "major.minor"
 * @param profiles         the profiles it claims
 * @param crdtTypes        the CRDT type ids it implements
 * @param unknownProfiles  profile names it claimed that this suite does not know
 */
public record Hello(String name, String version, List<String> protocolVersions, Set<Profile> profiles,
                    Set<Integer> crdtTypes, List<String> unknownProfiles) {

    /** Reads the result of {@code hello}. */
    public static Hello of(JsonNode result) {
        List<String> versions = new ArrayList<>();
        result.path("protocolVersions").forEach(v -> versions.add(v.asText()));
        Set<Profile> profiles = EnumSet.noneOf(Profile.class);
        List<String> unknown = new ArrayList<>();
        result.path("profiles").forEach(p -> {
            Profile profile = Profile.of(p.asText());
            if (profile == null) {
                unknown.add(p.asText());
            } else {
                profiles.add(profile);
            }
        });
        Set<Integer> types = new TreeSet<>();
        result.path("crdtTypes").forEach(t -> types.add(Integer.parseInt(t.asText())));
        return new Hello(result.path("name").asText("?"), result.path("version").asText("?"), List.copyOf(versions),
                profiles, types, unknown);
    }
}
