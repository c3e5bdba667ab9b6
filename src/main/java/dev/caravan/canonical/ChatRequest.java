package dev.caravan.canonical;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A chat request as the gateway holds it. The shape is OpenAI's Chat Completions request, the lingua franca every
 * client and most providers speak, so an OpenAI-compatible target gets it back field for field. Fields the gateway
 * does not model stay in {@link #extra} and pass through to OpenAI-compatible targets; translators to other formats
 * report them as warnings instead of dropping them.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ChatRequest(
        String model,
        List<Message> messages,
        Boolean stream,
        StreamOptions streamOptions,
        Double temperature,
        Double topP,
        Integer maxTokens,
        Integer maxCompletionTokens,
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> stop,
        List<Tool> tools,
        ToolChoice toolChoice,
        Boolean parallelToolCalls,
        ResponseFormat responseFormat,
        String reasoningEffort,
        Integer n,
        Long seed,
        Double presencePenalty,
        Double frequencyPenalty,
        String user,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public ChatRequest {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    /**
     * The chat request an API of another kind (embeddings, images) hands the failover chain and the accounting: its
     * texts as user messages (what budgets count as input), {@code maxTokens} output per choice and {@code n}
     * choices (their worst-case output), and its routing options where the chat APIs keep them.
     */
    public static ChatRequest forAccounting(String model, List<String> texts, int maxTokens, Integer n, String user,
                                            JsonNode providerOptions) {
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        if (providerOptions != null && !providerOptions.isNull()) {
            extra.put("providerOptions", providerOptions);
        }
        return new ChatRequest(model, texts.stream().map(text -> Message.of("user", text)).toList(), false, null,
                null, null, maxTokens, null, null, null, null, null, null, null, n, null, null, null, user, extra);
    }

    public boolean streaming() {
        return Boolean.TRUE.equals(stream);
    }

    public boolean includeUsage() {
        return streamOptions != null && Boolean.TRUE.equals(streamOptions.includeUsage());
    }

    /** The output cap, whichever of the two OpenAI names the client used. */
    public Integer outputLimit() {
        return maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
    }

    public ChatRequest withModel(String newModel) {
        return new ChatRequest(newModel, messages, stream, streamOptions, temperature, topP, maxTokens,
                maxCompletionTokens, stop, tools, toolChoice, parallelToolCalls, responseFormat, reasoningEffort, n,
                seed, presencePenalty, frequencyPenalty, user, extra);
    }

    /** A copy whose output cap is {@code limit}, under whichever of the two names the client used. */
    public ChatRequest withOutputLimit(int limit) {
        boolean completionName = maxCompletionTokens != null || maxTokens == null;
        return new ChatRequest(model, messages, stream, streamOptions, temperature, topP,
                completionName ? null : limit, completionName ? limit : null, stop, tools, toolChoice,
                parallelToolCalls, responseFormat, reasoningEffort, n, seed, presencePenalty, frequencyPenalty, user,
                extra);
    }

    /** A copy with other messages and extra fields, for a format that must leave some of them out. */
    public ChatRequest withMessagesAndExtra(List<Message> newMessages, Map<String, JsonNode> newExtra) {
        return new ChatRequest(model, newMessages, stream, streamOptions, temperature, topP, maxTokens,
                maxCompletionTokens, stop, tools, toolChoice, parallelToolCalls, responseFormat, reasoningEffort, n,
                seed, presencePenalty, frequencyPenalty, user, newExtra);
    }

    public ChatRequest withStreamOptions(StreamOptions options) {
        return new ChatRequest(model, messages, stream, options, temperature, topP, maxTokens,
                maxCompletionTokens, stop, tools, toolChoice, parallelToolCalls, responseFormat, reasoningEffort, n,
                seed, presencePenalty, frequencyPenalty, user, extra);
    }

    /**
     * A copy asked for as a whole answer (no stream, no stream options), with its own {@link #extra} map: a shadow
     * copy's request (routes/chains/shadow.yaml), which must share nothing mutable with the client's.
     */
    public ChatRequest asWholeAnswerCopy() {
        return new ChatRequest(model, messages, false, null, temperature, topP, maxTokens,
                maxCompletionTokens, stop, tools, toolChoice, parallelToolCalls, responseFormat, reasoningEffort, n,
                seed, presencePenalty, frequencyPenalty, user, new LinkedHashMap<>(extra));
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record StreamOptions(Boolean includeUsage) {
    }
}
