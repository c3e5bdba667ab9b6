package dev.caravan.format.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Warning;
import dev.caravan.error.GatewayException;
import dev.caravan.format.ProviderFormat;
import dev.caravan.format.UpstreamRequest;
import dev.caravan.format.gemini.GeminiWire.GenerateContentResponse;
import dev.caravan.stream.StreamDecoder;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Google's Gemini API ({@code generateContent}). The route's endpoint is {@code {base}/v1beta/models}; the model and
 * the method go in the path, and streams ask for {@code alt=sse} because the default stream is one JSON array.
 */
@Component
public class GeminiFormat implements ProviderFormat {

    public static final String NAME = "gemini";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public UpstreamRequest toUpstream(ChatRequest request, String providerModel, List<Warning> warnings) {
        byte[] body = Json.write(GeminiRequestMapper.toRequest(request, warnings));
        if (request.streaming()) {
            return new UpstreamRequest(body, "/" + providerModel + ":streamGenerateContent", "alt=sse");
        }
        return new UpstreamRequest(body, "/" + providerModel + ":generateContent", null);
    }

    /**
     * Gemini bills thinking as output beside {@code maxOutputTokens}, as its documentation describes them (some
     * models count both against the one limit; the bound holds either way): the limit sent (else the model's cap)
     * plus the thinking budget sent, per candidate. Without a thinking config a 2.5 model thinks as much as it
     * likes, up to {@link GeminiRequestMapper#MAX_DYNAMIC_THINKING}. Read off the config the mapper builds.
     */
    @Override
    public long billableOutputTokens(ChatRequest request, long modelOutputCap) {
        GeminiWire.GenerationConfig config;
        try {
            config = GeminiRequestMapper.toGenerationConfig(request, new ArrayList<>());
        } catch (GatewayException untranslatable) {
            // refused when this attempt comes (a 400, never sent): it bills nothing, and an attempt before it may serve
            return 0;
        }
        long visible = config.maxOutputTokens() == null ? modelOutputCap
                : Math.min(config.maxOutputTokens(), modelOutputCap);
        GeminiWire.ThinkingConfig thinking = config.thinkingConfig();
        long thoughts = thinking == null || thinking.thinkingBudget() == null
                ? GeminiRequestMapper.MAX_DYNAMIC_THINKING : Math.max(0, thinking.thinkingBudget());
        long candidates = config.candidateCount() == null ? 1 : Math.max(1, config.candidateCount());
        return (visible + thoughts) * candidates;
    }

    /** The header, never the {@code key=} query parameter, so the key stays out of URLs and their logs. */
    @Override
    public Map<String, String> authHeaders(String apiKey) {
        return Map.of("x-goog-api-key", apiKey);
    }

    @Override
    public ChatCompletion toCompletion(byte[] body) {
        return GeminiResponseMapper.toCompletion(Json.read(body, GenerateContentResponse.class));
    }

    @Override
    public StreamDecoder streamDecoder() {
        return new GeminiStreamDecoder();
    }

    /** {@code {"error":{"code","message","status"}}}; the non-SSE stream endpoint wraps it in an array. */
    @Override
    public String errorMessage(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
        if (tree == null) {
            return null;
        }
        if (tree.isArray()) {
            tree = tree.path(0);
        }
        JsonNode message = tree.path("error").path("message");
        return message.isTextual() ? message.textValue() : null;
    }

    @Override
    public String simulatorPath() {
        return "";
    }
}
