package dev.caravan.canonical;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One chat message, and also a stream delta (OpenAI uses the same shape for both). {@code reasoningContent} carries
 * a model's thinking text, under the name DeepSeek and vLLM use on the OpenAI wire; its signed form, which Anthropic
 * needs back, rides in {@code extra} as {@link ReasoningDetail}s.
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

    /** The signed or encrypted reasoning this message carries (see {@link ReasoningDetail}); empty when none. */
    public List<ReasoningDetail> reasoningDetails() {
        JsonNode details = extra.get(ReasoningDetail.FIELD);
        if (details == null || !details.isArray()) {
            return List.of();
        }
        List<ReasoningDetail> out = new ArrayList<>(details.size());
        for (JsonNode detail : details) {
            out.add(Json.convert(detail, ReasoningDetail.class));
        }
        return out;
    }

    /** A copy carrying {@code details} as its {@code reasoning_details}; an empty list leaves the field out. */
    public Message withReasoningDetails(List<ReasoningDetail> details) {
        Map<String, JsonNode> more = new LinkedHashMap<>(extra);
        more.remove(ReasoningDetail.FIELD);
        if (details != null && !details.isEmpty()) {
            more.put(ReasoningDetail.FIELD, Json.MAPPER.valueToTree(details));
        }
        return new Message(role, content, name, toolCalls, toolCallId, refusal, reasoningContent, more);
    }
}
