package dev.caravan.format;

import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Warning;
import dev.caravan.routing.RoutingOptions;
import dev.caravan.stream.StreamDecoder;

import java.util.List;
import java.util.Map;

/**
 * One provider wire format (OpenAI, Anthropic, Gemini): how a canonical request is written for it, how its answers
 * and stream events are read back, and where its error bodies keep their message. Implementations are stateless;
 * per-stream state lives in the {@link StreamDecoder} they create.
 */
public interface ProviderFormat {

    /** The name used in the catalog's {@code format:} field. */
    String name();

    /**
     * The upstream request for {@code request}, addressed to {@code providerModel}. Parameters the format cannot
     * express are added to {@code warnings}, never dropped silently.
     */
    UpstreamRequest toUpstream(ChatRequest request, String providerModel, List<Warning> warnings);

    /**
     * The upstream request when the caller also gave routing options. Formats whose providers need the request
     * marked for prompt caching ({@code caching: "auto"}) override this; the others ignore the options.
     */
    default UpstreamRequest toUpstream(ChatRequest request, String providerModel, RoutingOptions options,
                                       List<Warning> warnings) {
        return toUpstream(request, providerModel, warnings);
    }

    /** Headers that authenticate with the provider's key. */
    Map<String, String> authHeaders(String apiKey);

    /** A non-streamed success body, read into the canonical shape. */
    ChatCompletion toCompletion(byte[] body);

    /** A fresh decoder for one stream. */
    StreamDecoder streamDecoder();

    /** The human-readable message inside an error body of this format, or null when there is none. */
    String errorMessage(byte[] body);

    /**
     * Where this format's API lives below the simulator's root, so a provider without a key can be pointed at it
     * (OpenAI's base URLs end in {@code /v1}; Anthropic's and Gemini's are bare hosts).
     */
    default String simulatorPath() {
        return "";
    }
}
