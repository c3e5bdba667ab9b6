package dev.caravan.canonical;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One chat message, and also a stream delta (OpenAI uses the same shape for both). {@code reasoningContent} carries
 * a model's thinking text, under the name DeepSeek and vLLM use on the OpenAI wire.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Message(
        String role,
        Content content,
        String name,
        List<ToolCall> toolCalls,
        String toolCallId,
        String refusal,
        String reasoningContent,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public Message {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    public static Message of(String role, String text) {
        return new Message(role, Content.of(text), null, null, null, null, null, null);
    }

    public static Message assistant(String text, List<ToolCall> toolCalls, String reasoning) {
        return new Message("assistant", text == null ? null : Content.of(text), null,
                toolCalls == null || toolCalls.isEmpty() ? null : toolCalls, null, null, reasoning, null);
    }

    /** The text of this message, parts joined, or "" when it has none. */
    public String text() {
        return content == null ? "" : content.text();
    }
}
