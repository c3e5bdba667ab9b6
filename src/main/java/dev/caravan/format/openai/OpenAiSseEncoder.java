package dev.caravan.format.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Usage;
import dev.caravan.canonical.Warning;
import dev.caravan.error.GatewayException;
import dev.caravan.format.JsonSplice;
import dev.caravan.stream.SseEvent;
import dev.caravan.stream.ChunkStream;
import dev.caravan.stream.ClientStreamEncoder;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A canonical stream as OpenAI Chat Completions server-sent events ({@code data: {...}}, then {@code data: [DONE]}).
 * The chunks carry the gateway's generation id and the catalog id of the serving model; warnings ride on the first
 * chunk; the chunk that carries the finish reason also carries the routing metadata; the usage-only chunk is passed
 * on only when the client asked for it ({@code stream_options.include_usage}), with its cost, as a stream cannot
 * carry a cost header, and the routing metadata again: it is the last chunk, the one such clients read the stream's
 * totals from. One encoder per response.
 *
 * <p>From an OpenAI-format provider whose stream keeps its events, a chunk in the middle of the stream (content,
 * reasoning or tool-call deltas: not the first, no finish reason, no usage) is written as the provider sent it with
 * only its {@code id} and {@code model} spliced ({@link JsonSplice}): nothing to add to it, so re-encoding it would
 * only cost CPU on every event and drop nothing the canonical chunk keeps anyway.
 */
public final class OpenAiSseEncoder implements ClientStreamEncoder {

    /** Where the routing metadata goes in a completion or chunk: {@code provider_metadata.gateway.routing}. */
    public static final String METADATA_FIELD = "provider_metadata";

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    /** An SSE comment: clients ignore it; writing it tells the gateway whether the client is still there. */
    private static final byte[] HEARTBEAT = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private static final Set<String> NO_USAGE = Set.of("usage");

    private final String generationId;
    private final String model;
    /** {@code id} and {@code model} as JSON, for spliced events. */
    private final Map<String, byte[]> renamed;
    private final List<Warning> warnings;
    private final JsonNode routingMetadata;
    private final boolean includeUsage;
    private final Function<Usage, BigDecimal> cost;
    private boolean first = true;

    /**
     * @param cost the cost of a usage, USD, or null when the model has no prices
     */
    public OpenAiSseEncoder(String generationId, String model, List<Warning> warnings, JsonNode routingMetadata,
                            boolean includeUsage, Function<Usage, BigDecimal> cost) {
        this.generationId = generationId;
        this.model = model;
        this.renamed = Map.of("id", Json.write(generationId), "model", Json.write(model));
        this.warnings = warnings;
        this.routingMetadata = routingMetadata;
        this.includeUsage = includeUsage;
        this.cost = cost;
    }

    @Override
    public byte[] encode(ChatCompletionChunk chunk) {
        if (chunk.usage() != null) {
            if (!includeUsage && isUsageOnly(chunk)) {
                return NOTHING;
            }
            chunk = chunk.withUsage(chunk.usage().withCost(cost.apply(chunk.usage())));
        }
        chunk = chunk.renamed(generationId, model);
        if (first) {
            first = false;
            chunk = chunk.withWarnings(Warning.merge(chunk.warnings(), warnings));
        }
        if (hasFinishReason(chunk) || chunk.usage() != null && isUsageOnly(chunk)) {
            // on chunks the stream has anyway, never one of its own: the OpenAI SDK's accumulator refuses any chunk
            // after the final ones, and a usage-only chunk may not come at all (so the finish chunk has it too)
            chunk = chunk.withExtra(METADATA_FIELD, routingMetadata);
        }
        return event(Json.write(chunk));
    }

    @Override
    public byte[] encode(ChatCompletionChunk chunk, SseEvent upstream) {
        if (chunk == ChunkStream.EVENT_ONLY) {
            // an event that decodes to no chunk ([DONE]): finish() writes the client's own
            return NOTHING;
        }
        if (upstream == null || first || chunk.usage() != null || hasFinishReason(chunk) || chunk.id() == null
                || chunk.model() == null || upstream.data().indexOf('\n') >= 0) {
            return encode(chunk);
        }
        // "usage": null rides on every chunk once usage is asked for, and the gateway always asks: not the client's
        return event(JsonSplice.edit(upstream.data().getBytes(StandardCharsets.UTF_8), renamed, NO_USAGE));
    }

    @Override
    public byte[] finish() {
        return DONE;
    }

    /** {@code data: {"error":{...}}}, which the OpenAI SDKs raise as an error, with no {@code [DONE]} after it. */
    @Override
    public byte[] error(GatewayException error) {
        return event(ErrorBody.json(error));
    }

    @Override
    public byte[] heartbeat() {
        return HEARTBEAT;
    }

    private static boolean hasFinishReason(ChatCompletionChunk chunk) {
        if (chunk.choices() != null) {
            for (ChatCompletionChunk.ChunkChoice choice : chunk.choices()) {
                if (choice.finishReason() != null) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isUsageOnly(ChatCompletionChunk chunk) {
        return chunk.choices() == null || chunk.choices().isEmpty();
    }

    private static byte[] event(byte[] json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + 8);
        out.writeBytes(DATA);
        out.writeBytes(json);
        out.writeBytes(END);
        return out.toByteArray();
    }
}
