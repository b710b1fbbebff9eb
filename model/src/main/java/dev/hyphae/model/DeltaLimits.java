package dev.hyphae.model;

import java.util.SortedSet;
import java.util.TreeSet;

/**
 * HY-DATA-044: a mutation whose delta would exceed a limit of the data model is refused. The model checks every
 * limit that a state decides; MAX_PAYLOAD_SIZE depends on the bytes an encoder writes, which the model does not fix.
 */
final class DeltaLimits {

    private DeltaLimits() {
    }

    static void check(State delta) {
        CausalContext c = delta.context();
        if (c.cloud().size() > Limits.MAX_CLOUD_DOTS) {
            throw new MutationRefused("the delta's cloud would hold more than MAX_CLOUD_DOTS dots (HY-DATA-044)");
        }
        SortedSet<ReplicaId> replicas = new TreeSet<>(c.replicas());
        delta.store().dots().forEach(d -> replicas.add(d.replica()));
        if (replicas.size() > Limits.MAX_REPLICAS || c.versionVector().size() > Limits.MAX_REPLICAS) {
            throw new MutationRefused("the delta would name more than MAX_REPLICAS replicas (HY-DATA-044)");
        }
        long elements = (long) c.versionVector().size() + c.cloud().size() + elements(delta.store());
        if (elements > Limits.MAX_ELEMENTS) {
            throw new MutationRefused("the delta would hold more than MAX_ELEMENTS elements (HY-DATA-044)");
        }
        if (delta.store() instanceof ORMap m && m.depth() > Limits.MAX_NESTING_DEPTH) {
            throw new MutationRefused("maps would nest deeper than MAX_NESTING_DEPTH (HY-DATA-044)");
        }
        checkLengths(delta.store());
    }

    /** The elements of a store as "Limits" counts them. */
    private static long elements(Store s) {
        if (s instanceof AWSet set) {
            return set.entries().size() + set.dots().size();
        } else if (s instanceof ORMap map) {
            long n = map.entries().size();
            for (Store nested : map.entries().values()) {
                n += elements(nested);
            }
            return n;
        }
        return s.dots().size();
    }

    private static void checkLengths(Store s) {
        if (s instanceof LWWRegister l) {
            l.writes().values().forEach(w -> checkLength(w.value()));
        } else if (s instanceof MVRegister v) {
            v.entries().values().forEach(DeltaLimits::checkLength);
        } else if (s instanceof AWSet set) {
            set.entries().keySet().forEach(DeltaLimits::checkLength);
        } else if (s instanceof ORMap map) {
            map.entries().forEach((k, nested) -> {
                checkLength(k.key());
                checkLengths(nested);
            });
        }
    }

    private static void checkLength(Value v) {
        if (v instanceof Value.Str s && s.utf8Length() > Limits.MAX_STRING_LENGTH) {
            throw new MutationRefused("a string longer than MAX_STRING_LENGTH (HY-DATA-044)");
        }
        if (v instanceof Value.Bytes b && b.hex().length() / 2 > Limits.MAX_BYTES_LENGTH) {
            throw new MutationRefused("a bytes value longer than MAX_BYTES_LENGTH (HY-DATA-044)");
        }
    }
}
