package dev.hyphae.spec;

import java.util.List;

/**
 * One normative sentence of the specification, as extracted from its AsciiDoc source.
 *
 * @param id       the stable requirement id, for example {@code HY-CONV-001}
 * @param level    the strongest BCP 14 keyword of the sentence; {@code null} only for a withdrawn
 *                 requirement whose sentence no longer has one
 * @param keywords the keywords the sentence uses, in order of appearance
 * @param section  the titles of the enclosing sections, outermost first, joined by {@code " > "}
 * @param source   {@code path:line} of the sentence, relative to the repository root
 * @param text      the sentence without its marker, with whitespace collapsed
 * @param withdrawn whether the requirement is withdrawn ({@code req:ID[withdrawn]}): it keeps its id
 *                  forever, binds nobody, and must not be cited
 */
public record SpecRequirement(
        String id, RequirementLevel level, List<String> keywords, String section, String source, String text,
        boolean withdrawn) {

    public SpecRequirement {
        keywords = List.copyOf(keywords);
    }
}
