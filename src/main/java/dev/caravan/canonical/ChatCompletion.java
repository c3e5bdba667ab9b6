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
 * A complete (non-streamed) answer, in OpenAI's {@code chat.completion} shape. {@code warnings} lists request
 * parameters the serving provider could not honour; clients that do not know the field ignore it.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ChatCompletion(
        String id,
        String object,
        Long created,
        String model,
        List<Choice> choices,
        Usage usage,
        String systemFingerprint,
        List<Warning> warnings,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public static final String OBJECT = "chat.completion";

    public ChatCompletion {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    /** A copy under the gateway's generation id and the catalog id of the serving model. */
    public ChatCompletion renamed(String newId, String newModel) {
        return new ChatCompletion(newId, object, created, newModel, choices, usage, systemFingerprint, warnings, extra);
    }

    /** A copy with one more top-level field, such as {@code provider_metadata}. */
    public ChatCompletion withExtra(String name, JsonNode value) {
        Map<String, JsonNode> more = new LinkedHashMap<>(extra);
        more.put(name, value);
        return new ChatCompletion(id, object, created, model, choices, usage, systemFingerprint, warnings, more);
    }

    public ChatCompletion withUsage(Usage newUsage) {
        return new ChatCompletion(id, object, created, model, choices, newUsage, systemFingerprint, warnings, extra);
    }

    public ChatCompletion withWarnings(List<Warning> newWarnings) {
        return new ChatCompletion(id, object, created, model, choices, usage, systemFingerprint,
                newWarnings == null || newWarnings.isEmpty() ? null : newWarnings, extra);
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Choice(Integer index, Message message, String finishReason, JsonNode logprobs) {
    }
}
