package dev.hyphae.tools;

import java.util.List;
import java.util.Map;

/** Where the classes of each vector area write their vectors: implemented by {@link VectorGenerator}. */
interface VectorWriter {

    /** The fields that every vector starts with; {@code requirements} must not be empty. */
    Map<String, Object> header(String area, String id, String result, String description, List<String> requirements);

    /** Records {@code vector} as the file {@code v1/<area>/<result>/<id>.json}; two cases may not share an id. */
    void write(String area, String result, String id, Map<String, Object> vector);
}
