package dev.hyphae.model;

/** The CRDT types of version 1, with their ids and names from the CRDT type registry. */
public enum CrdtType {
    GCOUNTER(1, "GCounter"),
    PNCOUNTER(2, "PNCounter"),
    LWW_REGISTER(3, "LWWRegister"),
    MV_REGISTER(4, "MVRegister"),
    EW_FLAG(5, "EWFlag"),
    AW_SET(6, "AWSet"),
    OR_MAP(7, "ORMap");

    private final int id;
    private final String specName;

    CrdtType(int id, String specName) {
        this.id = id;
        this.specName = specName;
    }

    public int id() {
        return id;
    }

    /** The registry's name, which the JSON view gives as {@code type}. */
    public String specName() {
        return specName;
    }

    /** The type of id {@code id}, or null for an id that version 1 does not define. */
    public static CrdtType of(int id) {
        for (CrdtType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }

    /** The empty store of this type, ∅. */
    public Store empty() {
        return switch (this) {
            case GCOUNTER -> GCounter.EMPTY;
            case PNCOUNTER -> PNCounter.EMPTY;
            case LWW_REGISTER -> LWWRegister.EMPTY;
            case MV_REGISTER -> MVRegister.EMPTY;
            case EW_FLAG -> EWFlag.EMPTY;
            case AW_SET -> AWSet.EMPTY;
            case OR_MAP -> ORMap.EMPTY;
        };
    }

    /** The empty store of the type of id {@code id}, known or not. */
    public static Store emptyOf(int id) {
        CrdtType type = of(id);
        return type != null ? type.empty() : new Unknown(id, new java.util.TreeSet<>());
    }
}
