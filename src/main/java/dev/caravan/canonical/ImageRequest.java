package dev.caravan.canonical;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An image generation request as the gateway holds it, whichever API it came in on: the prompt, how many images
 * ({@code n}), and OpenAI's {@code size}, {@code quality} and {@code outputFormat} (png, jpeg, webp), which a Gemini
 * target turns into an aspect ratio or reports as warnings. {@code extra} holds fields the gateway does not model,
 * passed through to OpenAI-compatible providers.
 */
public record ImageRequest(String model, String prompt, int n, String size, String quality, String outputFormat,
                           String user, Map<String, JsonNode> extra) {

    /**
     * The most output tokens one image is billed: gpt-image-1 at high quality and 1536x1024 (6,240); a Gemini image
     * is 1,290. What hard budgets reserve per image.
     */
    public static final int WORST_TOKENS_PER_IMAGE = 6_240;

    public ImageRequest {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    /**
     * The request as the failover chain and the accounting see it: the prompt as one user message, {@code n}
     * choices of at most {@link #WORST_TOKENS_PER_IMAGE} output tokens each, for budgets' worst case.
     */
    public ChatRequest asChatRequest(JsonNode providerOptions) {
        return ChatRequest.forAccounting(model, List.of(prompt), WORST_TOKENS_PER_IMAGE, n, user, providerOptions);
    }
}
