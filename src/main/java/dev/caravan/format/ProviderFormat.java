package dev.caravan.format;

import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Warning;
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
     * The upstream request with the gateway's hints. Formats whose providers need the request marked for prompt
     * caching override this; the others ignore the hints.
     */
    default UpstreamRequest toUpstream(ChatRequest request, String providerModel, UpstreamHints hints,
                                       List<Warning> warnings) {
        return toUpstream(request, providerModel, warnings);
    }

    /**
     * The most output tokens (reasoning included) the provider may bill for {@code request} as this format sends it,
     * after every adjustment the format makes (a defaulted or raised {@code max_tokens}, a thinking budget, several
     * choices); {@code modelOutputCap} is what the provider allows when no limit is sent. Hard budgets reserve this
     * and {@code maxCost} is checked against it, so it must never be below what {@link #toUpstream} lets through.
     * OpenAI-compatible providers get the request as it is: {@code n} choices of at most the request's limit.
     */
    default long billableOutputTokens(ChatRequest request, long modelOutputCap) {
        Integer limit = request.outputLimit();
        long perChoice = limit == null ? modelOutputCap : Math.min(limit, modelOutputCap);
        return perChoice * choices(request);
    }

    /**
     * Input tokens the provider bills on top of the request's own messages and tools for what the format adds
     * (a system prompt of its own for tool use, an output instruction); zero for formats that add nothing.
     */
    default long addedInputTokens(ChatRequest request) {
        return 0;
    }

    /** How many choices the request asks for; {@code n} below 1 is refused by providers and counted as one. */
    static long choices(ChatRequest request) {
        return request.n() == null ? 1 : Math.max(1, request.n());
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
     * How this format's providers take a client's request written in this very format, as it is; null when the
     * format has no pass-through and every request is translated.
     */
    default PassThrough passThrough() {
        return null;
    }

    /**
     * Where this format's API lives below the simulator's root, so a provider without a key can be pointed at it
     * (OpenAI's base URLs end in {@code /v1}; Anthropic's and Gemini's are bare hosts).
     */
    default String simulatorPath() {
        return "";
    }
}
