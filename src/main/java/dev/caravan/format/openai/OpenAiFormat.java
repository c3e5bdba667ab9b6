package dev.caravan.format.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Warning;
import dev.caravan.format.ProviderFormat;
import dev.caravan.format.UpstreamHints;
import dev.caravan.format.UpstreamRequest;
import dev.caravan.stream.StreamDecoder;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;

/**
 * OpenAI Chat Completions, and every server that copies it (Mistral, Groq, DeepSeek, xAI, vLLM, Ollama). The
 * canonical shape is this format, so a request passes through field for field, unknown fields included; only the
 * model is renamed, streams always ask for usage so every request can be accounted, and the fields only Anthropic
 * reads are left out ({@link AnthropicOnlyFields}).
 */
@Component
public class OpenAiFormat implements ProviderFormat {

    public static final String NAME = "openai";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public UpstreamRequest toUpstream(ChatRequest request, String providerModel, List<Warning> warnings) {
        return toUpstream(request, providerModel, UpstreamHints.NONE, warnings);
    }

    /**
     * A request read from Anthropic's Messages API leaves its Anthropic-only fields behind; a Chat Completions
     * client's extra fields ({@code top_k} for vLLM, say) pass through as the client sent them.
     */
    @Override
    public UpstreamRequest toUpstream(ChatRequest request, String providerModel, UpstreamHints hints,
                                      List<Warning> warnings) {
        ChatRequest upstream = (hints.anthropicClient() ? AnthropicOnlyFields.strip(request, warnings) : request)
                .withModel(providerModel);
        if (request.streaming()) {
            upstream = upstream.withStreamOptions(new ChatRequest.StreamOptions(true));
        }
        return UpstreamRequest.body(Json.write(upstream));
    }

    @Override
    public Map<String, String> authHeaders(String apiKey) {
        return Map.of("Authorization", "Bearer " + apiKey);
    }

    @Override
    public ChatCompletion toCompletion(byte[] body) {
        return Json.read(body, ChatCompletion.class);
    }

    @Override
    public StreamDecoder streamDecoder() {
        return new OpenAiStreamDecoder();
    }

    @Override
    public String errorMessage(byte[] body) {
        try {
            return errorMessage(Json.MAPPER.readTree(body));
        } catch (java.io.IOException notJson) {
            return null;
        }
    }

    static String errorMessage(JsonNode tree) {
        JsonNode message = tree.path("error").path("message");
        if (message.isTextual()) {
            return message.textValue();
        }
        JsonNode error = tree.path("error");
        return error.isTextual() ? error.textValue() : null;
    }

    @Override
    public String simulatorPath() {
        return "/v1";
    }
}
