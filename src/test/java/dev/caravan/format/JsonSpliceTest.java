package dev.caravan.format;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Edits in a JSON object's own bytes leave every other byte alone: the spellings a parse and re-serialisation would
 * change (escapes, whitespace, key order, number forms, duplicate keys) survive, and removed fields take exactly one
 * comma with them wherever they stand.
 */
class JsonSpliceTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String edit(String json, Map<String, String> replace, Set<String> remove) {
        Map<String, byte[]> values = new java.util.HashMap<>();
        replace.forEach((key, value) -> values.put(key, bytes(value)));
        return new String(JsonSplice.edit(bytes(json), values, remove), StandardCharsets.UTF_8);
    }

    @Test
    void replaces_a_value_and_keeps_every_other_byte() {
        String json = "{ \"z\" : 1.50e0,\n  \"model\" :\t\"claude-sonnet-4-6-20260101\" ,"
                + " \"t\":\"caf\\u00e9 \\/ \\\"q\\\"\","
                + "\"nested\":{\"model\":\"kept\"},\"unknown_future_field\":[1,{\"a\":null}]}";

        String edited = edit(json, Map.of("model", "\"claude-sonnet-4-6\""), Set.of());

        assertThat(edited).isEqualTo(json.replace("\"claude-sonnet-4-6-20260101\"", "\"claude-sonnet-4-6\""));
    }

    @Test
    void replaces_every_occurrence_of_a_duplicated_key() {
        assertThat(edit("{\"model\":\"a\",\"x\":1,\"model\":\"b\"}", Map.of("model", "\"m\""), Set.of()))
                .isEqualTo("{\"model\":\"m\",\"x\":1,\"model\":\"m\"}");
    }

    @Test
    void does_not_add_a_key_the_object_lacks() {
        assertThat(edit("{\"x\":1}", Map.of("max_tokens", "5"), Set.of())).isEqualTo("{\"x\":1}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"p\":{\"a\":[1]},\"x\":1,\"y\":2}|{\"x\":1,\"y\":2}",
            "{\"x\":1, \"p\" : {\"a\":[1]} ,\"y\":2}|{\"x\":1 ,\"y\":2}",
            "{\"x\":1,\"y\":2,\"p\":\"z\"}|{\"x\":1,\"y\":2}",
            "{\"p\":1}|{}",
            "{\"p\":1,\"p\":2,\"x\":1}|{\"x\":1}",
            "{\"x\":1,\"p\":1,\"p\":2}|{\"x\":1}",
            "{\"p\":1,\"x\":1,\"p\":2,\"y\":3}|{\"x\":1,\"y\":3}"})
    void removes_a_field_with_one_comma_wherever_it_stands(String json, String expected) {
        assertThat(edit(json, Map.of(), Set.of("p"))).isEqualTo(expected);
    }

    @Test
    void refuses_what_is_not_one_object() {
        assertThatThrownBy(() -> JsonSplice.edit(bytes("[1]"), Map.of(), Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonSplice.edit(bytes("{\"a\":1} {}"), Map.of(), Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonSplice.edit(bytes("{\"a\":"), Map.of(), Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void replaces_a_nested_value_at_its_path_only() {
        String event = "{\"type\":\"message_start\",\"model\":\"top\",\"message\":{\"id\":\"msg_1\",\"content\":[],"
                + "\"model\":\"claude-sonnet-4-6\",\"usage\":{\"input_tokens\":3}}}";

        byte[] edited = JsonSplice.replaceAt(bytes(event), List.of("message", "model"), bytes("\"anthropic/x\""));

        assertThat(new String(edited, StandardCharsets.UTF_8))
                .isEqualTo(event.replace("\"claude-sonnet-4-6\"", "\"anthropic/x\""));
        assertThat(JsonSplice.replaceAt(bytes("{\"message\":{}}"), List.of("message", "model"), bytes("1")))
                .isEqualTo(bytes("{\"message\":{}}"));
    }
}
