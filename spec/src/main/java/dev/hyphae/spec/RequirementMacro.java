package dev.hyphae.spec;

import org.asciidoctor.ast.PhraseNode;
import org.asciidoctor.ast.StructuralNode;
import org.asciidoctor.extension.InlineMacroProcessor;
import org.asciidoctor.extension.Name;

import java.util.HashMap;
import java.util.Map;

/**
 * Renders the marker {@code req:HY-AREA-NNN[]} as a visible badge that is also the requirement's anchor:
 * {@code <a id="HY-AREA-NNN" class="req" href="#HY-AREA-NNN">HY-AREA-NNN</a>}, so that a report, a test
 * failure or another document can link straight to the sentence. A withdrawn requirement,
 * {@code req:HY-AREA-NNN[withdrawn]}, keeps its anchor and gets the extra class {@code withdrawn}.
 */
@Name("req")
final class RequirementMacro extends InlineMacroProcessor {

    @Override
    public PhraseNode process(StructuralNode parent, String target, Map<String, Object> attributes) {
        Map<String, Object> phraseAttributes = new HashMap<>();
        // req:ID[withdrawn] keeps the anchor and shows the id struck through.
        boolean withdrawn = attributes.containsValue(RequirementExtractor.WITHDRAWN);
        phraseAttributes.put("role", withdrawn ? "req withdrawn" : "req");
        Map<String, Object> options = new HashMap<>();
        options.put("type", ":link");
        options.put("target", "#" + target);
        options.put("id", target);
        return createPhraseNode(parent, "anchor", target, phraseAttributes, options);
    }
}
