package dev.caravan.canonical;

import com.fasterxml.jackson.databind.JsonNode;

/** A tool the model may call: OpenAI's {@code {"type":"function","function":{...}}}. */
public record Tool(String type, Function function) {

    /** {@code parameters} is a JSON Schema object. */
    public record Function(String name, String description, JsonNode parameters, Boolean strict) {
    }
}
