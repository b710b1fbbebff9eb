package dev.hyphae.crdt;

import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;
import dev.hyphae.data.ReplicaId;

import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A value of a CRDT type id this implementation does not know (specification, "CRDT types that a peer does
 * not know"; HY-VER-020 to HY-VER-023): a set of opaque versions, each the dots of a store of that type
 * with the store's type-specific data exactly as encoded.
 *
 * <p>Versions are never merged with each other. The join is the DotSet join with versions in place of
 * dots, where a version counts as seen by a context that contains any of its dots: a version the other side
 * has seen but does not hold was replaced or removed by a peer that knows the type. ("Any", not "all": with
 * "all", three states can be joined in two orders with two results, and join would not be associative.)
 */
public final class UnknownCrdt implements Crdt {

    /**
     * One opaque version.
     *
     * <p>Its identity is its dots and its data: {@code origin} says where the data's replica indexes point, and any
     * payload that carries the same version has that table as a prefix of its own (HY-ENC-053), so it is not compared.
     *
     * @param dots   the dots of the store, never empty
     * @param data   the store's type-specific data as encoded; never read, never changed
     * @param origin the replica table of the payload that carried the version, which the data may name replicas by
     *               index in; a payload that writes the version starts its table with it (HY-ENC-053). Empty for a
     *               version that came with no table, such as one read from a JSON view (HY-VEC-028)
     */
    public record Version(SortedSet<Dot> dots, byte[] data, List<ReplicaId> origin) {
        public Version {
            if (dots.isEmpty()) {
                throw new IllegalArgumentException("a stored value has at least one dot");
            }
            dots = Collections.unmodifiableSortedSet(new TreeSet<>(dots));
            data = data.clone();
            origin = List.copyOf(origin);
        }

        /** A version that came with no replica table. */
        public Version(SortedSet<Dot> dots, byte[] data) {
            this(dots, data, List.of());
        }

        /** Versions are ordered by their dots (as sorted lists), then their data as unsigned bytes. */
        static final Comparator<Version> ORDER = (a, b) -> {
            Iterator<Dot> x = a.dots.iterator();
            Iterator<Dot> y = b.dots.iterator();
            while (x.hasNext() && y.hasNext()) {
                int c = x.next().compareTo(y.next());
                if (c != 0) {
                    return c;
                }
            }
            if (x.hasNext() != y.hasNext()) {
                return x.hasNext() ? 1 : -1;
            }
            return Arrays.compareUnsigned(a.data, b.data);
        };

        /** A copy of the data, so that no caller can change a version inside a set that is ordered by it. */
        @Override
        public byte[] data() {
            return data.clone();
        }

        /** The length of the data, without copying it. */
        public int dataLength() {
            return data.length;
        }

        boolean isSeenBy(CausalContext context) {
            return dots.stream().anyMatch(context::contains);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Version other && ORDER.compare(this, other) == 0;
        }

        @Override
        public int hashCode() {
            return 31 * dots.hashCode() + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return dots + ":" + HexFormat.of().formatHex(data);
        }
    }

    private final int typeId;
    private final NavigableSet<Version> versions;

    private UnknownCrdt(int typeId, TreeSet<Version> versions) {
        this.typeId = typeId;
        this.versions = Collections.unmodifiableNavigableSet(versions);
    }

    /** No value of type {@code typeId}. */
    public static UnknownCrdt empty(int typeId) {
        return new UnknownCrdt(typeId, new TreeSet<>(Version.ORDER));
    }

    /** One version of type {@code typeId}, with no replica table. */
    public static UnknownCrdt of(int typeId, SortedSet<Dot> dots, byte[] data) {
        return of(typeId, dots, data, List.of());
    }

    /** One version of type {@code typeId}, as received in a payload whose replica table is {@code origin}. */
    public static UnknownCrdt of(int typeId, SortedSet<Dot> dots, byte[] data, List<ReplicaId> origin) {
        TreeSet<Version> versions = new TreeSet<>(Version.ORDER);
        versions.add(new Version(dots, data, origin));
        return new UnknownCrdt(typeId, versions);
    }

    /** The versions, in order. */
    public NavigableSet<Version> versions() {
        return versions;
    }

    @Override
    public int typeId() {
        return typeId;
    }

    @Override
    public boolean isEmpty() {
        return versions.isEmpty();
    }

    @Override
    public void forEachDot(Consumer<Dot> action) {
        versions.forEach(v -> v.dots().forEach(action));
    }

    @Override
    public UnknownCrdt join(Crdt other, CausalContext context, CausalContext otherContext) {
        UnknownCrdt that = (UnknownCrdt) other;
        if (that.typeId != typeId) {
            throw new IllegalArgumentException("cannot join type " + typeId + " with type " + that.typeId);
        }
        TreeSet<Version> joined = new TreeSet<>(Version.ORDER);
        for (Version v : versions) {
            if (that.versions.contains(v) || !v.isSeenBy(otherContext)) {
                joined.add(v);
            }
        }
        for (Version v : that.versions) {
            if (!versions.contains(v) && !v.isSeenBy(context)) {
                joined.add(v);
            }
        }
        return new UnknownCrdt(typeId, joined);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnknownCrdt other && typeId == other.typeId && versions.equals(other.versions);
    }

    @Override
    public int hashCode() {
        return 31 * typeId + versions.hashCode();
    }

    @Override
    public String toString() {
        return "Unknown(" + typeId + ")" + versions;
    }
}
