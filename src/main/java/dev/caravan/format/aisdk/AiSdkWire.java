package dev.caravan.format.aisdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.FinishReason;
import dev.caravan.canonical.Usage;
import dev.caravan.canonical.Warning;
import dev.caravan.error.GatewayException;

import java.util.List;

/**
 * The AI SDK's own shapes that an answer carries (LanguageModelV3/V4: finish reason, usage, warnings, response
 * metadata), as records serialised as they are named (camelCase), and the small pure functions from the canonical
 * answer to them. Both the whole answer ({@link AiSdkResults}) and the stream ({@link AiSdkStreamEncoder}) use them.
 */
public final class AiSdkWire {

    private AiSdkWire() {
    }

    /** {@code {unified, raw}}: the SDK's finish reason, and the provider's as the gateway heard it. */
    public record Finish(String unified, String raw) {
    }

    public record InputTokens(Integer total, Integer noCache, Integer cacheRead, Integer cacheWrite) {
    }

    public record OutputTokens(Integer total, Integer text, Integer reasoning) {
    }

    /** LanguageModelV3/V4 usage; {@code raw} is the canonical (OpenAI-shaped) usage with its cost. */
    public record TokenUsage(InputTokens inputTokens, OutputTokens outputTokens, JsonNode raw) {
    }

    /** SharedV3/V4 warning: {@code unsupported} and {@code compatibility} name a feature, {@code other} a message. */
    public record SdkWarning(String type, String feature, String details, String message) {
    }

    /** LanguageModelV3/V4 response metadata; the timestamp is ISO-8601, which the gateway provider parses. */
    public record ResponseInfo(String id, String modelId, String timestamp) {
    }

    /** OpenAI's finish reasons (the canonical ones) as the SDK's unified ones. */
    static Finish toFinish(String finishReason) {
        if (finishReason == null) {
            // the provider's stream ended without saying why: the SDK's word for that
            return new Finish("other", null);
        }
        String unified = switch (finishReason) {
            case FinishReason.STOP -> "stop";
            case FinishReason.LENGTH -> "length";
            case FinishReason.TOOL_CALLS, "function_call" -> "tool-calls";
            case FinishReason.CONTENT_FILTER -> "content-filter";
            case "error" -> "error";
            default -> "other";
        };
        return new Finish(unified, finishReason);
    }

    /**
     * Canonical usage, whose prompt count includes cached tokens (OpenAI's convention), split as the SDK splits it:
     * input into uncached, cache reads and cache writes; output into text and reasoning. Null when the provider
     * gave no usage: the SDK then reports unknown counts, not zeros.
     */
    static TokenUsage toUsage(Usage usage, JsonNode raw) {
        if (usage == null) {
            return new TokenUsage(new InputTokens(null, null, null, null), new OutputTokens(null, null, null), null);
        }
        Integer cacheRead = usage.promptTokensDetails() == null ? null : usage.promptTokensDetails().cachedTokens();
        Integer cacheWrite = usage.promptTokensDetails() == null ? null
                : usage.promptTokensDetails().cacheWriteTokens();
        Integer reasoning = usage.completionTokensDetails() == null ? null
                : usage.completionTokensDetails().reasoningTokens();
        Integer input = usage.promptTokens();
        Integer output = usage.completionTokens();
        Integer noCache = input == null ? null : input - zero(cacheRead) - zero(cacheWrite);
        Integer text = output == null ? null : output - zero(reasoning);
        return new TokenUsage(new InputTokens(input, noCache, cacheRead, cacheWrite),
                new OutputTokens(output, text, reasoning), raw);
    }

    /**
     * The gateway's warnings in the SDK's shape, which {@code generateText} returns and logs; each once, as a
     * translator's warning can be both on the provider's answer and among the request's.
     */
    static List<SdkWarning> toWarnings(List<Warning> warnings) {
        return warnings == null ? List.of() : warnings.stream().distinct().map(AiSdkWire::toWarning).toList();
    }

    static SdkWarning toWarning(Warning warning) {
        return switch (warning.type()) {
            case "unsupported_parameter" -> new SdkWarning("unsupported", warning.param(), warning.message(), null);
            case "adjusted_parameter" -> new SdkWarning("compatibility", warning.param(), warning.message(), null);
            default -> new SdkWarning("other", null, null,
                    (warning.param() == null ? "" : warning.param() + ": ") + warning.message());
        };
    }

    private static int zero(Integer value) {
        return value == null ? 0 : value;
    }

    /**
     * An embedding-model or image-model call's body and model header: a JSON object of the protocol's
     * {@code fields} (its first the one it needs), the model named in {@code ai-model-id}; else the 400 saying which.
     */
    static void checkModelCall(JsonNode body, String modelId, List<String> fields, String kind, String example) {
        if (body == null || !body.isObject()) {
            throw GatewayException.invalid("The request body must be a JSON object with '" + fields.getFirst()
                    + "'.", null);
        }
        if (modelId == null || modelId.isBlank()) {
            throw GatewayException.invalid("The 'ai-model-id' header is required: a model id such as '" + example
                    + "'.", "model");
        }
        body.fieldNames().forEachRemaining(name -> {
            if (!fields.contains(name)) {
                throw GatewayException.invalid("Unknown field '" + name + "': the " + kind + " model takes "
                        + String.join(", ", fields) + ".", name);
            }
        });
    }
}
