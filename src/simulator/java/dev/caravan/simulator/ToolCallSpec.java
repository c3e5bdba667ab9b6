package dev.caravan.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * A tool call the simulated model makes. {@code arguments} is the raw JSON object text: OpenAI sends it as a string,
 * Anthropic and Gemini embed it as an object, so it is validated up front rather than producing broken wire output.
 *
 * @param id the provider-side call id, or null to have one generated per request ({@code call_…} / {@code toolu_…})
 */
public record ToolCallSpec(String name, String arguments, String id) {

    public ToolCallSpec {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("tool name is required");
        }
        arguments = arguments == null || arguments.isBlank() ? "{}" : arguments;
        try {
            if (!Wire.MAPPER.readTree(arguments).isObject()) {
                throw new IllegalArgumentException("tool arguments must be a JSON object: " + arguments);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("tool arguments are not valid JSON: " + arguments, e);
        }
    }

    public static ToolCallSpec of(String name, String argumentsJson) {
        return new ToolCallSpec(name, argumentsJson, null);
    }

    public ToolCallSpec withId(String id) {
        return new ToolCallSpec(name, arguments, id);
    }
}
