package dev.caravan.format.aisdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.ResponseFormat;
import dev.caravan.canonical.Tool;
import dev.caravan.canonical.ToolChoice;
import dev.caravan.canonical.Warning;
import dev.caravan.error.GatewayException;
import dev.caravan.format.JsonInput;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the body of {@code POST {base}/language-model}, the AI SDK's call options (LanguageModelV3/V4
 * {@code CallOptions} as {@code @ai-sdk/gateway} posts them), into the canonical request. The model and whether to
 * stream come from the {@code ai-language-model-id} and {@code ai-language-model-streaming} headers, not the body.
 * <p>
 * Call options with no canonical form are reported as warnings ({@code includeRawChunks}, provider-defined tools,
 * another provider's {@code providerOptions}, unknown options), never dropped silently; options of the wrong type are
 * a 400 naming the option. {@code providerOptions.gateway} is kept for the gateway's routing options, exactly as a
 * Chat Completions body carries it.
 */
public final class AiSdkReader {

    /**
     * Where the canonical request carries the client's {@code providerOptions}, which the intake takes the routing
     * options from ({@code RoutingOptions.BODY_FIELD}: the same name as in a Chat Completions body).
     */
    static final String PROVIDER_OPTIONS = "providerOptions";

    /** One JSON object and nothing after it. */
    private static final ObjectReader READER = Json.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * What the reader maps. {@code headers} and {@code abortSignal} are the SDK's own call options that the gateway
     * provider leaves in the body (it strips only the signal): the headers were sent as HTTP headers already.
     */
    private static final Set<String> KNOWN = Set.of("prompt", "maxOutputTokens", "temperature", "stopSequences",
            "topP", "topK", "presencePenalty", "frequencyPenalty", "responseFormat", "seed", "tools", "toolChoice",
            "includeRawChunks", "headers", "abortSignal", "reasoning", "providerOptions");

    /** The SDK's {@code reasoning} levels that OpenAI's {@code reasoning_effort} has under the same name. */
    private static final Set<String> EFFORTS = Set.of("none", "minimal", "low", "medium", "high", "xhigh");

    private AiSdkReader() {
    }

    /**
     * @param model     the {@code ai-language-model-id} header, {@code creator/model}
     * @param streaming the {@code ai-language-model-streaming} header is {@code true}
     */
    public static AiSdkRequest read(byte[] body, String model, boolean streaming) {
        if (model == null || model.isBlank()) {
            throw GatewayException.invalid("The 'ai-language-model-id' header is required, e.g. "
                    + "\"openai/gpt-5-mini\".", "ai-language-model-id");
        }
        if (body == null || body.length == 0) {
            throw GatewayException.invalid("The request body is empty; send the AI SDK's call options as JSON.", null);
        }
        JsonNode options;
        try {
            options = READER.readTree(body);
        } catch (JsonProcessingException e) {
            throw GatewayException.invalid(JsonInput.trailingData(e) ? JsonInput.TRAILING_DATA : JsonInput.notJson(e),
                    null);
        } catch (IOException e) {
            throw GatewayException.invalid("The request body could not be read.", null);
        }
        if (options == null || !options.isObject()) {
            throw GatewayException.invalid("The request body must be a JSON object of call options.", null);
        }
        return toRequest((ObjectNode) options, model.strip(), streaming);
    }

    static AiSdkRequest toRequest(ObjectNode options, String model, boolean streaming) {
        List<Warning> warnings = new ArrayList<>();
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        for (Iterator<String> names = options.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KNOWN.contains(name)) {
                warnings.add(Warning.unsupported(name, "The gateway"));
            }
        }
        if (options.path("includeRawChunks").asBoolean(false)) {
            warnings.add(new Warning("unsupported_parameter", "includeRawChunks",
                    "The gateway translates providers' answers and has no raw chunks to send; none are sent"));
        }
        Integer topK = integer(options, "topK");
        if (topK != null) {
            // as a Chat Completions client's own top_k: passed to OpenAI-compatible servers, mapped for Anthropic
            extra.put("top_k", Json.MAPPER.getNodeFactory().numberNode(topK));
        }
        JsonNode providerOptions = providerOptions(options.get("providerOptions"), warnings);
        if (providerOptions != null) {
            extra.put(PROVIDER_OPTIONS, providerOptions);
        }
        Integer maxOutputTokens = integer(options, "maxOutputTokens");
        if (maxOutputTokens != null && maxOutputTokens < 1) {
            throw GatewayException.invalid("'maxOutputTokens' must be a positive integer.", "maxOutputTokens");
        }
        JsonNode seedValue = options.get("seed");
        if (seedValue != null && !seedValue.isNull() && !(seedValue.isIntegralNumber() && seedValue.canConvertToLong())) {
            throw GatewayException.invalid("'seed' must be an integer.", "seed");
        }
        Long seed = seedValue == null || seedValue.isNull() ? null : seedValue.longValue();
        ChatRequest chat = new ChatRequest(
                model,
                AiSdkPrompt.toMessages(options.get("prompt"), warnings),
                streaming ? Boolean.TRUE : null,
                // the finish part carries usage, so the provider is always asked for it
                streaming ? new ChatRequest.StreamOptions(true) : null,
                number(options, "temperature"),
                number(options, "topP"),
                null,
                maxOutputTokens,
                stopSequences(options.get("stopSequences")),
                toTools(options.get("tools"), warnings),
                toToolChoice(options.get("toolChoice")),
                null,
                toResponseFormat(options.get("responseFormat")),
                toReasoningEffort(options.get("reasoning"), warnings),
                null,
                seed,
                number(options, "presencePenalty"),
                number(options, "frequencyPenalty"),
                null,
                extra);
        return new AiSdkRequest(chat, warnings);
    }

    /** Function tools in the Chat Completions shape; provider-defined tools run only on their provider's side. */
    static List<Tool> toTools(JsonNode tools, List<Warning> warnings) {
        if (tools == null || tools.isNull()) {
            return null;
        }
        if (!tools.isArray()) {
            throw GatewayException.invalid("'tools' must be a list of tools.", "tools");
        }
        List<Tool> out = new ArrayList<>(tools.size());
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String at = "tools[" + i + "]";
            String type = text(tool, "type", at);
            if ("provider".equals(type) || "provider-defined".equals(type)) {
                warnings.add(new Warning("unsupported_parameter", at, "The provider tool '" + tool.path("id").asText()
                        + "' runs on its provider's side only; it was not offered to the model"));
                continue;
            }
            if (!"function".equals(type)) {
                throw GatewayException.invalid("'" + at + ".type' must be 'function' or 'provider'.", at + ".type");
            }
            String name = text(tool, "name", at);
            if (name == null || name.isBlank()) {
                throw GatewayException.invalid("'" + at + ".name' is required.", at + ".name");
            }
            JsonNode strict = tool.get("strict");
            if (tool.hasNonNull("inputExamples")) {
                warnings.add(new Warning("unsupported_parameter", at + ".inputExamples",
                        "Tool input examples have no place in the providers' tool definitions; not sent"));
            }
            out.add(new Tool("function", new Tool.Function(name, text(tool, "description", at),
                    tool.get("inputSchema"), strict != null && strict.isBoolean() ? strict.booleanValue() : null)));
        }
        return out.isEmpty() ? null : out;
    }

    /** {@code {type:auto|none|required}} or {@code {type:tool, toolName}}. */
    static ToolChoice toToolChoice(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        String type = text(choice, "type", "toolChoice");
        return switch (type == null ? "" : type) {
            case "auto" -> new ToolChoice(ToolChoice.AUTO, null);
            case "none" -> new ToolChoice(ToolChoice.NONE, null);
            case "required" -> new ToolChoice(ToolChoice.REQUIRED, null);
            case "tool" -> {
                String name = text(choice, "toolName", "toolChoice");
                if (name == null || name.isBlank()) {
                    throw GatewayException.invalid("'toolChoice.toolName' is required with type 'tool'.",
                            "toolChoice.toolName");
                }
                yield ToolChoice.named(name);
            }
            default -> throw GatewayException.invalid("'toolChoice.type' must be auto, none, required or tool.",
                    "toolChoice.type");
        };
    }

    /** {@code {type:json, schema?, name?, description?}}: a schema as OpenAI's json_schema, else json_object. */
    static ResponseFormat toResponseFormat(JsonNode format) {
        if (format == null || format.isNull()) {
            return null;
        }
        String type = text(format, "type", "responseFormat");
        if ("text".equals(type)) {
            return null;
        }
        if (!"json".equals(type)) {
            throw GatewayException.invalid("'responseFormat.type' must be 'text' or 'json'.", "responseFormat.type");
        }
        JsonNode schema = format.get("schema");
        if (schema == null || schema.isNull()) {
            return new ResponseFormat(ResponseFormat.JSON_OBJECT, null);
        }
        String name = text(format, "name", "responseFormat");
        return new ResponseFormat(ResponseFormat.JSON_SCHEMA, new ResponseFormat.JsonSchema(
                name == null ? "response" : name, text(format, "description", "responseFormat"), schema, null));
    }

    /** AI SDK 7's {@code reasoning} level as OpenAI's {@code reasoning_effort}; the translators take it on. */
    static String toReasoningEffort(JsonNode reasoning, List<Warning> warnings) {
        if (reasoning == null || reasoning.isNull()) {
            return null;
        }
        if (!reasoning.isTextual()) {
            throw GatewayException.invalid("'reasoning' must be a string such as 'low' or 'high'.", "reasoning");
        }
        String level = reasoning.textValue();
        if ("provider-default".equals(level)) {
            return null;
        }
        if ("max".equals(level)) {
            warnings.add(Warning.adjusted("reasoning", "'max' is sent as the highest effort providers name, 'xhigh'"));
            return "xhigh";
        }
        if (!EFFORTS.contains(level)) {
            throw GatewayException.invalid("'reasoning' must be one of provider-default, none, minimal, low, medium, "
                    + "high, xhigh, max.", "reasoning");
        }
        return level;
    }

    /**
     * {@code providerOptions} as the routing options read them: {@code gateway} is the gateway's; another
     * provider's options (openai, anthropic, ...) have no canonical form and are named in a warning.
     */
    static JsonNode providerOptions(JsonNode providerOptions, List<Warning> warnings) {
        if (providerOptions == null || providerOptions.isNull()) {
            return null;
        }
        if (!providerOptions.isObject()) {
            throw GatewayException.invalid("providerOptions must be an object.", PROVIDER_OPTIONS);
        }
        ObjectNode kept = Json.MAPPER.createObjectNode();
        providerOptions.properties().forEach(entry -> {
            if ("gateway".equals(entry.getKey())) {
                kept.set("gateway", entry.getValue());
            } else {
                warnings.add(new Warning("unsupported_parameter", "providerOptions." + entry.getKey(),
                        "Provider-specific options are not translated by the gateway; ignored"));
            }
        });
        return kept.isEmpty() ? null : kept;
    }

    private static List<String> stopSequences(JsonNode stop) {
        if (stop == null || stop.isNull()) {
            return null;
        }
        if (!stop.isArray()) {
            throw GatewayException.invalid("'stopSequences' must be a list of strings.", "stopSequences");
        }
        List<String> out = new ArrayList<>(stop.size());
        for (JsonNode sequence : stop) {
            if (!sequence.isTextual()) {
                throw GatewayException.invalid("'stopSequences' must be a list of strings.", "stopSequences");
            }
            out.add(sequence.textValue());
        }
        return out.isEmpty() ? null : out;
    }

    private static Double number(JsonNode options, String name) {
        JsonNode value = options.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw GatewayException.invalid("'" + name + "' must be a number.", name);
        }
        return value.doubleValue();
    }

    private static Integer integer(JsonNode options, String name) {
        JsonNode value = options.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw GatewayException.invalid("'" + name + "' must be an integer.", name);
        }
        return value.intValue();
    }

    /** A string field of {@code node}, or null; anything but a string there is a 400 naming it. */
    static String text(JsonNode node, String name, String at) {
        if (!node.isObject()) {
            throw GatewayException.invalid("'" + at + "' must be a JSON object.", at);
        }
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw GatewayException.invalid("'" + at + "." + name + "' must be a string.", at + "." + name);
        }
        return value.textValue();
    }
}
