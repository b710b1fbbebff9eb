package dev.hyphae.conformance.checks;

import dev.hyphae.conformance.Suite;
import dev.hyphae.conformance.Unsupported;
import dev.hyphae.model.CrdtType;

import java.util.EnumSet;
import java.util.Set;

/** The CRDT types that generated inputs are drawn from: those of version 1 that the adapter claims. */
final class Types {

    private Types() {
    }

    static Set<CrdtType> claimed() {
        Set<CrdtType> types = EnumSet.noneOf(CrdtType.class);
        for (CrdtType t : CrdtType.values()) {
            if (Suite.current().hello().crdtTypes().contains(t.id())) {
                types.add(t);
            }
        }
        if (types.isEmpty()) {
            throw new Unsupported("the adapter claims none of the CRDT types of version 1");
        }
        return types;
    }
}
