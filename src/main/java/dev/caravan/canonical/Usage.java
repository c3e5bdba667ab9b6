package dev.caravan.canonical;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token usage in OpenAI's shape. {@code prompt_tokens} counts every input token, cached ones included (OpenAI's
 * convention; Anthropic counts cache reads and writes apart, and its mapper adds them back).
 * {@code prompt_tokens_details.cache_write_tokens} is Caravan's addition for providers that bill cache writes.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Usage(
        Integer promptTokens,
        Integer completionTokens,
        Integer totalTokens,
        PromptDetails promptTokensDetails,
        CompletionDetails completionTokensDetails,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public Usage {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    public static Usage of(int prompt, int completion, Integer cachedRead, Integer cacheWrite, Integer reasoning) {
        PromptDetails promptDetails = cachedRead == null && cacheWrite == null
                ? null : new PromptDetails(cachedRead, cacheWrite, null);
        CompletionDetails completionDetails = reasoning == null ? null : new CompletionDetails(reasoning, null);
        return new Usage(prompt, completion, prompt + completion, promptDetails, completionDetails, null);
    }

    /** A copy carrying {@code cost} (USD), the field OpenAI-compatible gateways use; null leaves it out. */
    public Usage withCost(java.math.BigDecimal cost) {
        if (cost == null) {
            return this;
        }
        Map<String, JsonNode> more = new LinkedHashMap<>(extra);
        more.put("cost", Json.MAPPER.getNodeFactory().numberNode(cost));
        return new Usage(promptTokens, completionTokens, totalTokens, promptTokensDetails, completionTokensDetails,
                more);
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record PromptDetails(Integer cachedTokens, Integer cacheWriteTokens, Integer audioTokens) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CompletionDetails(Integer reasoningTokens, Integer audioTokens) {
    }
}
