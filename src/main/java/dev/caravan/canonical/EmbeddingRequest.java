package dev.caravan.canonical;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An embeddings request as the gateway holds it, whichever API it came in on (OpenAI's {@code /v1/embeddings}, the
 * AI SDK's {@code embedding-model}): the texts to embed, in order, and the few parameters providers share.
 * {@code taskType} is Gemini's ({@code RETRIEVAL_QUERY}, {@code SEMANTIC_SIMILARITY}, ...), which OpenAI-compatible
 * providers do not take; {@code extra} holds fields the gateway does not model, passed through to OpenAI-compatible
 * providers and reported as warnings elsewhere.
 */
public record EmbeddingRequest(String model, List<String> inputs, Integer dimensions, String user, String taskType,
                               Map<String, JsonNode> extra) {

    public EmbeddingRequest {
        inputs = List.copyOf(inputs);
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    /**
     * The request as the failover chain and the accounting see every request: one user message per input (what
     * budgets count as input tokens) and no output at all ({@code max_tokens: 0}), so that a worst case is the input
     * at the model's input price.
     */
    public ChatRequest asChatRequest(JsonNode providerOptions) {
        return ChatRequest.forAccounting(model, inputs, 0, null, user, providerOptions);
    }
}
