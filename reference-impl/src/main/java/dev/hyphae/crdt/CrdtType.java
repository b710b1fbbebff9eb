package dev.hyphae.crdt;

/**
 * The CRDT types of version 1, with their ids from the registry (specification, "CRDT type ids"). A test
 * compares this table with the registry.
 */
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

    /** The registry id. */
    public int id() {
        return id;
    }

    /** The name the specification uses. */
    public String specName() {
        return specName;
    }

    /** The type with registry id {@code id}, or {@code null} if version 1 does not define it. */
    public static CrdtType of(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    /**
     * The types by registry id, null where version 1 defines none: a join asks for the empty store of each entry's
     * type, and {@code values()} would copy the array every time.
     */
    private static final CrdtType[] BY_ID = byId();

    private static CrdtType[] byId() {
        int max = 0;
        for (CrdtType type : values()) {
            max = Math.max(max, type.id);
        }
        CrdtType[] byId = new CrdtType[max + 1];
        for (CrdtType type : values()) {
            byId[type.id] = type;
        }
        return byId;
    }

    /** The empty store of this type. */
    public Crdt empty() {
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

    /** The empty store of the type with registry id {@code id}, known or not. */
    public static Crdt emptyOf(int id) {
        CrdtType type = of(id);
        return type != null ? type.empty() : UnknownCrdt.empty(id);
    }
}
