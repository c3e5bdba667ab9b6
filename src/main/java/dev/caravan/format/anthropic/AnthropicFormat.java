package dev.caravan.format.anthropic;

import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Warning;
import dev.caravan.error.GatewayException;
import dev.caravan.format.PassThrough;
import dev.caravan.format.ProviderFormat;
import dev.caravan.format.UpstreamHints;
import dev.caravan.format.UpstreamRequest;
import dev.caravan.format.anthropic.AnthropicWire.MessagesRequest;
import dev.caravan.stream.StreamDecoder;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Anthropic's Messages API ({@code POST /v1/messages}), and the servers that copy it. The translation lives in
 * {@link AnthropicMapper} (requests), {@link AnthropicCaching} (prompt-cache breakpoints), {@link AnthropicResults}
 * (answers) and {@link AnthropicStreamDecoder}.
 */
@Component
public class AnthropicFormat implements ProviderFormat {

    public static final String NAME = "anthropic";
    static final String API_VERSION = "2023-06-01";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public UpstreamRequest toUpstream(ChatRequest request, String providerModel, List<Warning> warnings) {
        return toUpstream(request, providerModel, UpstreamHints.NONE, warnings);
    }

    /** With auto caching ({@code caching: "auto"}), the static prefix is marked for Anthropic's prompt cache. */
    @Override
    public UpstreamRequest toUpstream(ChatRequest request, String providerModel, UpstreamHints hints,
                                      List<Warning> warnings) {
        MessagesRequest body = AnthropicMapper.toRequest(request, providerModel, warnings);
        if (hints.autoCaching()) {
            body = AnthropicCaching.markStaticPrefix(body, warnings);
        }
        return UpstreamRequest.body(Json.write(body));
    }

    /**
     * The {@code max_tokens} the request is sent with, which Anthropic requires and counts thinking against: the
     * mapper defaults it, or raises it above the thinking budget {@code reasoning_effort} asks for (a request with
     * {@code max_tokens: 1} and high effort is sent with 16,385). Read off the very request the mapper builds.
     */
    @Override
    public long billableOutputTokens(ChatRequest request, long modelOutputCap) {
        try {
            return AnthropicMapper.toRequest(request, "", new ArrayList<>()).maxTokens();
        } catch (GatewayException untranslatable) {
            // refused when this attempt comes (a 400, never sent): it bills nothing, and an attempt before it may serve
            return 0;
        }
    }

    /**
     * Anthropic bills a system prompt of its own whenever tools are sent (346 tokens for {@code auto}, 313 for a
     * forced tool, on current models); JSON output is sent as a tool or an instruction. Rounded up, as prices do not
     * say which model's figure applies.
     */
    @Override
    public long addedInputTokens(ChatRequest request) {
        boolean tools = request.tools() != null && !request.tools().isEmpty();
        return tools || request.responseFormat() != null ? AnthropicMapper.TOOL_USE_PROMPT_TOKENS : 0;
    }

    @Override
    public Map<String, String> authHeaders(String apiKey) {
        return Map.of("x-api-key", apiKey, "anthropic-version", API_VERSION);
    }

    /** Anthropic's answers carry no timestamp; the gateway stamps the time it read them. */
    @Override
    public ChatCompletion toCompletion(byte[] body) {
        return AnthropicResults.toCompletion(Json.read(body, AnthropicWire.MessagesResponse.class),
                Instant.now().getEpochSecond());
    }

    @Override
    public StreamDecoder streamDecoder() {
        return new AnthropicStreamDecoder(Instant.now().getEpochSecond());
    }

    @Override
    public String errorMessage(byte[] body) {
        return AnthropicResults.errorMessage(body);
    }

    /** A Messages client's own body, to an Anthropic provider: see {@link AnthropicPassThrough}. */
    @Override
    public PassThrough passThrough() {
        return AnthropicPassThrough.INSTANCE;
    }

    @Override
    public String simulatorPath() {
        return "";
    }
}
