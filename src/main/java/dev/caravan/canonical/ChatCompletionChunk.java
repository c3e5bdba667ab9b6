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
 * One streamed event, in OpenAI's {@code chat.completion.chunk} shape. The usage-only chunk that
 * {@code stream_options.include_usage} asks for has empty {@code choices} and a {@code usage}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ChatCompletionChunk(
        String id,
        String object,
        Long created,
        String model,
        List<ChunkChoice> choices,
        Usage usage,
        String systemFingerprint,
        List<Warning> warnings,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public static final String OBJECT = "chat.completion.chunk";

    public ChatCompletionChunk {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    /** A chunk with one choice at index 0. */
    public static ChatCompletionChunk of(String id, long created, String model, Message delta, String finishReason) {
        return new ChatCompletionChunk(id, OBJECT, created, model,
                List.of(new ChunkChoice(0, delta, finishReason, null)), null, null, null, null);
    }

    /** The final usage-only chunk. */
    public static ChatCompletionChunk usageOnly(String id, long created, String model, Usage usage) {
        return new ChatCompletionChunk(id, OBJECT, created, model, List.of(), usage, null, null, null);
    }

    /** A copy under the gateway's generation id and the catalog id of the serving model. */
    public ChatCompletionChunk renamed(String newId, String newModel) {
        return new ChatCompletionChunk(newId, object, created, newModel, choices, usage, systemFingerprint, warnings, extra);
    }

    /** A copy with one more top-level field, such as {@code provider_metadata}. */
    public ChatCompletionChunk withExtra(String name, JsonNode value) {
        Map<String, JsonNode> more = new LinkedHashMap<>(extra);
        more.put(name, value);
        return new ChatCompletionChunk(id, object, created, model, choices, usage, systemFingerprint, warnings, more);
    }

    public ChatCompletionChunk withWarnings(List<Warning> newWarnings) {
        return new ChatCompletionChunk(id, object, created, model, choices, usage, systemFingerprint,
                newWarnings == null || newWarnings.isEmpty() ? null : newWarnings, extra);
    }

    public ChatCompletionChunk withUsage(Usage newUsage) {
        return new ChatCompletionChunk(id, object, created, model, choices, newUsage, systemFingerprint, warnings,
                extra);
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ChunkChoice(Integer index, Message delta, String finishReason, JsonNode logprobs) {
    }
}
