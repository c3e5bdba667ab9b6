package dev.caravan.format.aisdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ReasoningDetail;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.Usage;
import dev.caravan.canonical.Warning;
import dev.caravan.error.GatewayException;
import dev.caravan.stream.ClientStreamEncoder;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A canonical stream as the AI SDK's stream parts (LanguageModelV3/V4 {@code StreamPart}), one SSE {@code data:}
 * event each, which {@code @ai-sdk/gateway}'s {@code doStream} parses and hands to the SDK as they are:
 * {@code stream-start} (warnings) and {@code response-metadata} first; {@code reasoning-start/delta/end},
 * {@code text-start/delta/end} and {@code tool-input-start/delta/end} as the model produces them, each block closed
 * before the next kind opens; a {@code tool-call} per call once its input is complete; and {@code finish} with the
 * usage, finish reason and {@code providerMetadata.gateway} (routing and cost) when the provider's stream ends.
 * There is no {@code [DONE]}: the SDK reads until the stream closes. One encoder per response.
 */
public final class AiSdkStreamEncoder implements ClientStreamEncoder {

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    /** An SSE comment: the SDK's event-source parser skips it; writing it shows whether the client is still there. */
    private static final byte[] HEARTBEAT = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final String generationId;
    private final String model;
    private final List<Warning> warnings;
    private final JsonNode routing;
    private final Function<Usage, BigDecimal> cost;
    private final Instant created;

    private boolean started;
    /** The block now open: "text", "reasoning", or null. A new kind of output closes it first. */
    private String open;
    /** The open reasoning block has its signature: more thinking opens another. */
    private boolean signed;
    private int blocks;
    /** Calls by their stream index: id, name and the input so far; their tool-call parts are written at the end. */
    private final Map<Integer, PendingCall> calls = new TreeMap<>();
    private String finishReason;
    private Usage usage;

    /**
     * @param warnings the gateway's warnings for this request (reading and translation), sent in stream-start
     * @param cost     the cost of a usage, USD, or null when the model has no prices
     */
    public AiSdkStreamEncoder(String generationId, String model, List<Warning> warnings, JsonNode routing,
                              Function<Usage, BigDecimal> cost, Instant created) {
        this.generationId = generationId;
        this.model = model;
        this.warnings = warnings;
        this.routing = routing;
        this.cost = cost;
        this.created = created;
    }

    @Override
    public byte[] encode(ChatCompletionChunk chunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!started) {
            started = true;
            part(out, Map.of("type", "stream-start", "warnings",
                    AiSdkWire.toWarnings(Warning.merge(chunk.warnings(), warnings))));
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("type", "response-metadata");
            metadata.put("id", generationId);
            metadata.put("modelId", model);
            metadata.put("timestamp", created.toString());
            part(out, metadata);
        }
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        if (chunk.choices() != null) {
            for (ChatCompletionChunk.ChunkChoice choice : chunk.choices()) {
                if (choice.delta() != null) {
                    delta(out, choice.delta());
                }
                if (choice.finishReason() != null) {
                    finishReason = choice.finishReason();
                }
            }
        }
        return out.toByteArray();
    }

    private void delta(ByteArrayOutputStream out, Message delta) {
        for (ReasoningDetail detail : delta.reasoningDetails()) {
            reasoningDetail(out, detail);
        }
        if (delta.reasoningContent() != null && !delta.reasoningContent().isEmpty()) {
            text(out, "reasoning", delta.reasoningContent());
        }
        String text = delta.content() == null ? null : delta.text();
        if (text != null && !text.isEmpty()) {
            text(out, "text", text);
        }
        if (delta.refusal() != null && !delta.refusal().isEmpty()) {
            text(out, "text", delta.refusal());
        }
        if (delta.toolCalls() != null) {
            for (ToolCall fragment : delta.toolCalls()) {
                toolInput(out, fragment);
            }
        }
    }

    /**
     * A text or reasoning delta, opening its block (and closing another kind's) when it is the first. Thinking after
     * a signature is a new block: a signature signs the one block it ends.
     */
    private void text(ByteArrayOutputStream out, String kind, String delta) {
        if (!kind.equals(open) || signed) {
            open(out, kind, null);
        }
        part(out, Map.of("type", kind + "-delta", "id", blockId(), "delta", delta));
    }

    private void open(ByteArrayOutputStream out, String kind, Map<String, Object> providerMetadata) {
        close(out);
        open = kind;
        blocks++;
        Map<String, Object> start = new LinkedHashMap<>();
        start.put("type", kind + "-start");
        start.put("id", blockId());
        if (providerMetadata != null) {
            start.put("providerMetadata", providerMetadata);
        }
        part(out, start);
    }

    /**
     * Anthropic's signature, as {@code @ai-sdk/anthropic} streams it: an empty reasoning delta whose provider
     * metadata the SDK keeps on the reasoning part and sends back next turn. Redacted thinking is a block of its own
     * with no text.
     */
    private void reasoningDetail(ByteArrayOutputStream out, ReasoningDetail detail) {
        Map<String, Object> metadata = AiSdkReasoning.toProviderMetadata(detail);
        if (metadata == null) {
            return;
        }
        if (ReasoningDetail.ENCRYPTED.equals(detail.type())) {
            open(out, "reasoning", metadata);
            close(out);
            return;
        }
        if (!"reasoning".equals(open) || signed) {
            open(out, "reasoning", null);
        }
        part(out, Map.of("type", "reasoning-delta", "id", blockId(), "delta", "", "providerMetadata", metadata));
        signed = true;
    }

    /** A tool call's first fragment (id and name) starts its input; later ones carry argument text. */
    private void toolInput(ByteArrayOutputStream out, ToolCall fragment) {
        int index = fragment.index() == null ? calls.size() : fragment.index();
        PendingCall call = calls.get(index);
        if (call == null) {
            close(out);
            String id = fragment.id() != null ? fragment.id() : generationId + "-call-" + index;
            String name = fragment.function() == null ? null : fragment.function().name();
            call = new PendingCall(id, name == null ? "" : name, new StringBuilder());
            calls.put(index, call);
            part(out, Map.of("type", "tool-input-start", "id", call.id(), "toolName", call.name()));
        }
        String arguments = fragment.function() == null ? null : fragment.function().arguments();
        if (arguments != null && !arguments.isEmpty()) {
            call.input().append(arguments);
            part(out, Map.of("type", "tool-input-delta", "id", call.id(), "delta", arguments));
        }
    }

    private void close(ByteArrayOutputStream out) {
        if (open != null) {
            part(out, Map.of("type", open + "-end", "id", blockId()));
            open = null;
            signed = false;
        }
    }

    private String blockId() {
        return open + "-" + blocks;
    }

    /** The open block closed, every tool call completed, then finish with usage, reason and the gateway's metadata. */
    @Override
    public byte[] finish() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!started) {
            // a provider stream with no chunk at all: the SDK still needs its opening parts
            out.writeBytes(encode(new ChatCompletionChunk(generationId, ChatCompletionChunk.OBJECT, null, model,
                    List.of(), null, null, null, null)));
        }
        close(out);
        for (PendingCall call : calls.values()) {
            part(out, Map.of("type", "tool-input-end", "id", call.id()));
            part(out, AiSdkResults.toolCall(call.id(), call.name(), call.input().toString()));
        }
        BigDecimal price = usage == null ? null : cost.apply(usage);
        Usage priced = usage == null ? null : usage.withCost(price);
        Map<String, Object> finish = new LinkedHashMap<>();
        finish.put("type", "finish");
        finish.put("finishReason", AiSdkWire.toFinish(finishReason));
        finish.put("usage", AiSdkWire.toUsage(priced, AiSdkResults.rawUsage(priced)));
        finish.put("providerMetadata", AiSdkResults.providerMetadata(routing, price, generationId));
        part(out, finish);
        return out.toByteArray();
    }

    /** An {@code error} part, which the SDK raises (streamText's onError); nothing follows it. */
    @Override
    public byte[] error(GatewayException error) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        part(out, Map.of("type", "error", "error", AiSdkErrors.toBody(error, null).get("error")));
        return out.toByteArray();
    }

    @Override
    public byte[] heartbeat() {
        return HEARTBEAT;
    }

    private static void part(ByteArrayOutputStream out, Object part) {
        out.writeBytes(DATA);
        out.writeBytes(Json.write(part));
        out.writeBytes(END);
    }

    private record PendingCall(String id, String name, StringBuilder input) {
    }
}
