package dev.caravan.format.anthropic;

import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Warning;
import dev.caravan.format.ProviderFormat;
import dev.caravan.format.UpstreamRequest;
import dev.caravan.format.anthropic.AnthropicWire.MessagesRequest;
import dev.caravan.routing.RoutingOptions;
import dev.caravan.stream.StreamDecoder;
import org.springframework.stereotype.Component;

import java.time.Instant;
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
        return toUpstream(request, providerModel, RoutingOptions.NONE, warnings);
    }

    /** With {@code caching: "auto"}, the static prefix is marked for Anthropic's prompt cache. */
    @Override
    public UpstreamRequest toUpstream(ChatRequest request, String providerModel, RoutingOptions options,
                                      List<Warning> warnings) {
        MessagesRequest body = AnthropicMapper.toRequest(request, providerModel, warnings);
        if (options != null && options.autoCaching()) {
            body = AnthropicCaching.markStaticPrefix(body, warnings);
        }
        return UpstreamRequest.body(Json.write(body));
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

    @Override
    public String simulatorPath() {
        return "";
    }
}
