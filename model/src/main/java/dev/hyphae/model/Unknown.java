package dev.hyphae.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A store of a CRDT type that the model does not know ("CRDT types that a peer does not know"): a set of opaque
 * versions, each the dots of one encoded store with its type-specific data, byte for byte.
 *
 * @param typeId   the CRDT type id
 * @param versions the opaque versions, in the order of the JSON view: by their dots as lists, then by data
 */
public record Unknown(int typeId, SortedSet<Version> versions) implements Store {

    /**
     * An opaque version: a non-empty list of distinct dots, in dot order, and the data as lower-case hex.
     */
    public record Version(List<Dot> dots, String data) implements Comparable<Version> {

        public Version {
            dots = List.copyOf(new TreeSet<>(dots));
            if (dots.isEmpty()) {
                throw new IllegalArgumentException("an opaque version has at least one dot");
            }
            data = new Value.Bytes(data).hex();
        }

        /** Seen by a context: the context contains at least one of its dots. */
        boolean seenBy(CausalContext context) {
            return dots.stream().anyMatch(context::contains);
        }

        @Override
        public int compareTo(Version other) {
            for (int i = 0; i < Math.min(dots.size(), other.dots.size()); i++) {
                int c = dots.get(i).compareTo(other.dots.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return Comparator.<Version>comparingInt(v -> v.dots.size()).thenComparing(Version::data).compare(this, other);
        }
    }

    public Unknown {
        if (CrdtType.of(typeId) != null || typeId <= 0 || typeId > 0xFFFF) {
            throw new IllegalArgumentException("not the id of a type that the model does not know: " + typeId);
        }
        versions = Collections.unmodifiableSortedSet(new TreeSet<>(versions));
    }

    public boolean isEmpty() {
        return versions.isEmpty();
    }

    public List<Dot> dots() {
        List<Dot> dots = new ArrayList<>();
        versions.forEach(v -> dots.addAll(v.dots()));
        return dots;
    }

    /** (V ∩ V') ∪ { v ∈ V | v not seen by C' } ∪ { v ∈ V' | v not seen by C }: the DotSet join, with versions. */
    public Store join(CausalContext c, Store other, CausalContext d) {
        Joins.requireSameType(this, other);
        SortedSet<Version> theirs = ((Unknown) other).versions;
        TreeSet<Version> joined = new TreeSet<>();
        for (Version v : versions) {
            if (theirs.contains(v) || !v.seenBy(d)) {
                joined.add(v);
            }
        }
        for (Version v : theirs) {
            if (versions.contains(v) || !v.seenBy(c)) {
                joined.add(v);
            }
        }
        return new Unknown(typeId, joined);
    }
}
