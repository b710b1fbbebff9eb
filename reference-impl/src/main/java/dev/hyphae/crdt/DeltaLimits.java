package dev.hyphae.crdt;

import dev.hyphae.data.CausalContext;
import dev.hyphae.data.Limits;
import dev.hyphae.data.MutationRefusedException;

/**
 * HY-DATA-044: a mutation whose delta would exceed a limit is refused, here, before anything changes, rather
 * than failing later when the delta is encoded. A remove or clear is what can grow large: its context names
 * every dot it has seen, and scattered dots stay in the cloud.
 */
final class DeltaLimits {

    private DeltaLimits() {
    }

    static <T extends Crdt> CausalState<T> checked(CausalState<T> delta) {
        CausalContext context = delta.context();
        if (context.cloudSize() > Limits.MAX_CLOUD_DOTS) {
            throw new MutationRefusedException("the delta's context would hold " + context.cloudSize()
                    + " scattered dots, more than MAX_CLOUD_DOTS; remove fewer entries at a time");
        }
        if (context.replicaCount() > Limits.MAX_REPLICAS) {
            throw new MutationRefusedException("the delta would name more than MAX_REPLICAS replicas");
        }
        long[] dots = {0};
        delta.store().forEachDot(d -> dots[0]++);
        long elements = context.versionVector().size() + context.cloudSize() + dots[0];
        if (elements > Limits.MAX_ELEMENTS) {
            throw new MutationRefusedException("the delta would hold " + elements + " elements, more than MAX_ELEMENTS");
        }
        return delta;
    }
}
