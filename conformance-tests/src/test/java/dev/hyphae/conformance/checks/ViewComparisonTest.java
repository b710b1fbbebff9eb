package dev.hyphae.conformance.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyphae.conformance.model.Model;
import dev.hyphae.spec.Requirement;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * How the runner compares a rendered view with a vector's {@code expected}: as JSON values (HY-VEC-023), after reading
 * the vector file with a parser that keeps every string as the file holds it (HY-VEC-024). The vector is read as
 * {@code VectorChecks} reads it, the adapter's answer as the adapter's reader does.
 */
class ViewComparisonTest {

    private static final ObjectMapper ANSWERS = new ObjectMapper();

    private static JsonNode vector(String expected) throws Exception {
        return Model.JSON.readTree("{\"format\":\"hyphae-vector/1\",\"expected\":" + expected + "}");
    }

    private static void compare(String expected, String view) throws Exception {
        VectorRunner.expectView(vector(expected), ANSWERS.readTree(view), "a valid payload decodes to the view of the case", "HY-VEC-012",
                "the view");
    }

    @Test
    @Requirement("HY-VEC-023")
    void viewsAreComparedAsJsonValues() throws Exception {
        // Member order, escapes and whitespace carry no meaning.
        assertDoesNotThrow(() -> compare("{\"type\":\"AWSet\",\"elements\":[{\"string\":\"caf\\u00e9\"},{\"int\":\"-1\"}]}",
                "{ \"elements\" : [ {\"string\":\"café\"} , {\"int\":\"-1\"} ],\n  \"type\":\"AWSet\" }"));
        // The order of an array's items does; so do a missing member, an extra member and the kind of a value.
        assertThrows(AssertionError.class, () -> compare("{\"elements\":[{\"int\":\"1\"},{\"int\":\"2\"}]}",
                "{\"elements\":[{\"int\":\"2\"},{\"int\":\"1\"}]}"));
        assertThrows(AssertionError.class, () -> compare("{\"a\":\"1\",\"b\":\"2\"}", "{\"a\":\"1\"}"));
        assertThrows(AssertionError.class, () -> compare("{\"a\":\"1\"}", "{\"a\":\"1\",\"b\":null}"));
        assertThrows(AssertionError.class, () -> compare("{\"a\":\"true\"}", "{\"a\":true}"));
    }

    @Test
    @Requirement("HY-VEC-024")
    void stringsAreKeptAsTheFileHoldsThem() throws Exception {
        // U+00E9 and its decomposed form e + U+0301 are distinct strings: no normalisation on either side.
        assertThrows(AssertionError.class, () -> compare("{\"string\":\"\\u00e9\"}", "{\"string\":\"e\\u0301\"}"));
        assertThrows(AssertionError.class, () -> compare("{\"string\":\"e\\u0301\"}", "{\"string\":\"\\u00e9\"}"));
        // A lone surrogate, which a strict decoder would replace with U+FFFD, is read as written.
        assertEquals("a\ud800b", vector("{\"string\":\"a\\ud800b\"}").path("expected").path("string").textValue());
        assertEquals("\ufeff x", vector("\"\\ufeff x\"").path("expected").textValue());
    }
}
