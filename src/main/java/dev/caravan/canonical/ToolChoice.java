package dev.caravan.canonical;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * OpenAI's {@code tool_choice}: a mode ({@code auto}, {@code none}, {@code required}) or one named function, which
 * is written {@code {"type":"function","function":{"name":"..."}}}.
 */
public record ToolChoice(String mode, String functionName) {

    public static final String AUTO = "auto";
    public static final String NONE = "none";
    public static final String REQUIRED = "required";
    public static final String FUNCTION = "function";

    public static ToolChoice named(String name) {
        return new ToolChoice(FUNCTION, name);
    }

    @JsonCreator
    static ToolChoice fromJson(JsonNode node) {
        if (node.isTextual()) {
            return new ToolChoice(node.textValue(), null);
        }
        JsonNode name = node.path("function").path("name");
        if (name.isTextual()) {
            return named(name.textValue());
        }
        throw new IllegalArgumentException("tool_choice must be auto, none, required or a named function");
    }

    @JsonValue
    Object toJson() {
        return functionName == null ? mode : Map.of("type", FUNCTION, "function", Map.of("name", functionName));
    }
}
