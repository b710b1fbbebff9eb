package dev.hyphae.crdt;

import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Dot;

import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A value of a CRDT type id this implementation does not know (specification, "Unknown types"; HY-VER-020
 * to HY-VER-023). It is kept as the opaque bytes it arrived as, never interpreted, never joined with
 * anything: joining two of them keeps every distinct payload, which is a set union.
 */
public final class UnknownCrdt implements Crdt {

    private final int typeId;
    private final NavigableSet<byte[]> payloads;

    private UnknownCrdt(int typeId, TreeSet<byte[]> payloads) {
        this.typeId = typeId;
        this.payloads = Collections.unmodifiableNavigableSet(payloads);
    }

    /** No payload of type {@code typeId}. */
    public static UnknownCrdt empty(int typeId) {
        return new UnknownCrdt(typeId, new TreeSet<>(Arrays::compareUnsigned));
    }

    /** One payload of type {@code typeId}, as received (copied). */
    public static UnknownCrdt of(int typeId, byte[] payload) {
        TreeSet<byte[]> payloads = new TreeSet<>(Arrays::compareUnsigned);
        payloads.add(payload.clone());
        return new UnknownCrdt(typeId, payloads);
    }

    /** The payloads, as received, in unsigned byte order. Do not modify the arrays. */
    public NavigableSet<byte[]> payloads() {
        return payloads;
    }

    @Override
    public int typeId() {
        return typeId;
    }

    @Override
    public boolean isEmpty() {
        return payloads.isEmpty();
    }

    /** The dots of an unknown type are not known; it never takes part in a context-based removal. */
    @Override
    public void forEachDot(Consumer<Dot> action) {
    }

    @Override
    public UnknownCrdt join(Crdt other, CausalContext context, CausalContext otherContext) {
        UnknownCrdt that = (UnknownCrdt) other;
        if (that.typeId != typeId) {
            throw new IllegalArgumentException("cannot join type " + typeId + " with type " + that.typeId);
        }
        TreeSet<byte[]> union = new TreeSet<>(Arrays::compareUnsigned);
        union.addAll(payloads);
        union.addAll(that.payloads);
        return new UnknownCrdt(typeId, union);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnknownCrdt other && typeId == other.typeId && payloads.equals(other.payloads);
    }

    @Override
    public int hashCode() {
        int hash = typeId;
        for (byte[] payload : payloads) {
            hash = 31 * hash + Arrays.hashCode(payload);
        }
        return hash;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("Unknown(").append(typeId).append(")[");
        payloads.forEach(p -> out.append(HexFormat.of().formatHex(p)).append(' '));
        return out.append(']').toString();
    }
}
