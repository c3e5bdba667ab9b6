package dev.caravan.format.aisdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ReasoningDetail;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.Usage;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole canonical answer as the body {@code @ai-sdk/gateway}'s {@code doGenerate} returns to the SDK as it is
 * (LanguageModelV3/V4 generate result): {@code content} parts (reasoning, text, tool calls, in the order the model
 * produced them), {@code finishReason}, {@code usage}, {@code providerMetadata.gateway} (routing and cost),
 * {@code response} and {@code warnings}.
 */
public final class AiSdkResults {

    private AiSdkResults() {
    }

    /**
     * @param completion the metered answer, renamed to the generation id and serving model, with every warning
     * @param routing    the routing metadata ({@code {"gateway":{"routing":...}}})
     * @param cost       the answer's cost in USD, or null when the model has no prices
     */
    public static byte[] toJson(ChatCompletion completion, JsonNode routing, BigDecimal cost, Instant created) {
        Message message = completion.choices() == null || completion.choices().isEmpty() ? null
                : completion.choices().getFirst().message();
        String finishReason = message == null ? null : completion.choices().getFirst().finishReason();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("content", toContent(message));
        result.put("finishReason", AiSdkWire.toFinish(finishReason));
        result.put("usage", AiSdkWire.toUsage(completion.usage(), rawUsage(completion.usage())));
        result.put("providerMetadata", providerMetadata(routing, cost, completion.id()));
        result.put("response", new AiSdkWire.ResponseInfo(completion.id(), completion.model(), created.toString()));
        result.put("warnings", AiSdkWire.toWarnings(completion.warnings()));
        return Json.write(result);
    }

    /** The message's parts as LanguageModel content: reasoning first, as models think before they answer. */
    static List<Map<String, Object>> toContent(Message message) {
        List<Map<String, Object>> content = new ArrayList<>();
        if (message == null) {
            return content;
        }
        List<ReasoningDetail> details = message.reasoningDetails();
        if (!details.isEmpty()) {
            // each signed or redacted block a part of its own, its signature kept for the next turn
            for (ReasoningDetail detail : details) {
                Map<String, Object> part = new LinkedHashMap<>();
                part.put("type", "reasoning");
                part.put("text", detail.text() == null ? "" : detail.text());
                Map<String, Object> metadata = AiSdkReasoning.toProviderMetadata(detail);
                if (metadata != null) {
                    part.put("providerMetadata", metadata);
                }
                content.add(part);
            }
        } else if (message.reasoningContent() != null && !message.reasoningContent().isEmpty()) {
            content.add(Map.of("type", "reasoning", "text", message.reasoningContent()));
        }
        String text = message.content() == null ? null : message.text();
        if (text != null && !text.isEmpty()) {
            content.add(Map.of("type", "text", "text", text));
        }
        if (message.refusal() != null && !message.refusal().isEmpty()) {
            // the SDK has no refusal part: the model's refusal is what it said
            content.add(Map.of("type", "text", "text", message.refusal()));
        }
        if (message.toolCalls() != null) {
            for (ToolCall call : message.toolCalls()) {
                content.add(toolCall(call.id(), call.function().name(), call.function().arguments()));
            }
        }
        return content;
    }

    /** A finished tool call; {@code input} is the arguments' JSON text, as the SDK parses it against the schema. */
    static Map<String, Object> toolCall(String id, String name, String arguments) {
        return Map.of("type", "tool-call", "toolCallId", id, "toolName", name,
                "input", arguments == null || arguments.isBlank() ? "{}" : arguments);
    }

    /**
     * {@code providerMetadata.gateway}: the routing (Vercel's field names, as on every API), the cost in USD as a
     * string (Vercel's {@code cost}), and the generation id {@code GET /v1/generation} looks up.
     */
    static ObjectNode providerMetadata(JsonNode routing, BigDecimal cost, String generationId) {
        ObjectNode metadata = (ObjectNode) Json.tree(Json.write(routing));
        ObjectNode gateway = metadata.withObjectProperty("gateway");
        if (cost != null) {
            gateway.put("cost", cost.toPlainString());
        }
        if (generationId != null) {
            gateway.put("generationId", generationId);
        }
        return metadata;
    }

    static JsonNode rawUsage(Usage usage) {
        return usage == null ? null : Json.MAPPER.valueToTree(usage);
    }
}
