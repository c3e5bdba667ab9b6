package dev.caravan.format.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Content;
import dev.caravan.canonical.ContentPart;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
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
 * Reads the body of an inbound Anthropic Messages request ({@code POST /v1/messages}, what Claude Code and the
 * Anthropic SDKs send) into the canonical request, so it can be served by any provider format. The conversation
 * itself is read by {@link MessagesContentReader}.
 *
 * <p>Input is strict, as on Chat Completions: one JSON object and nothing after it, whole numbers where Anthropic has
 * integers ({@code max_tokens: 1.5} is refused, not rounded), and a wrong type is refused naming the field
 * ({@code messages[2].content[0].source.data}). Fields with no canonical counterpart are reported as warnings, never
 * dropped silently; the Anthropic-to-Anthropic pass-through, not this reader, is where they reach Anthropic intact.
 *
 * <p>What only Anthropic reads is carried where {@link AnthropicMapper} finds it: {@code top_k} and the
 * {@code thinking} object (exact budget) in {@link ChatRequest#extra()}, thinking signatures as reasoning details,
 * {@code is_error} and {@code cache_control} in the {@code extra} of their message or part.
 *
 * <p>The canonical assistant message holds its parts in one order: thinking, text, tool calls. An assistant turn in
 * another order (interleaved thinking between tool calls) reaches Anthropic in that order, which Anthropic accepts.
 * The request size is not bounded here: the route reads the body with its limit.
 */
public final class MessagesApiReader {

    /** The canonical request and what could not be carried into it. */
    public record Read(ChatRequest request, List<Warning> warnings) {
    }

    private static final ObjectReader READER = Json.MAPPER.readerFor(JsonNode.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * The gateway's own per-request options ({@code providerOptions.gateway}: fallbacks, maxCost, BYOK, user, tags),
     * which a Messages request may carry as a Chat Completions request does; kept in {@code extra} for the API
     * layer, which takes them off the request before any provider sees it.
     */
    static final String GATEWAY_OPTIONS = "providerOptions";

    /** Top-level fields this reader translates; any other is reported. */
    private static final Set<String> KNOWN = Set.of("model", "messages", "system", "max_tokens", "metadata",
            "stop_sequences", "stream", "temperature", "top_p", "top_k", "tools", "tool_choice", "thinking",
            GATEWAY_OPTIONS);

    /** Budgets up to these map to the effort whose Anthropic budget ({@link AnthropicMapper}) is the same. */
    private static final int LOW_BUDGET = 1024;
    private static final int MEDIUM_BUDGET = 4096;

    private MessagesApiReader() {
    }

    public static Read read(byte[] body) {
        return read(parse(body));
    }

    /**
     * A {@code count_tokens} request: a Messages request whose {@code max_tokens} may be left out, as nothing is
     * generated for it.
     */
    public static Read readForCounting(byte[] body) {
        JsonNode root = parse(body);
        if (root instanceof ObjectNode request && !request.has("max_tokens")) {
            // any positive limit: the rest of the request reads the same whatever it is
            request.put("max_tokens", 1);
        }
        return read(root);
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw GatewayException.invalid("The request body is empty; send a JSON Messages request.", null);
        }
        JsonNode root;
        try {
            root = READER.readValue(body);
        } catch (MismatchedInputException e) {
            throw GatewayException.invalid(JsonInput.trailingData(e) ? JsonInput.TRAILING_DATA
                    : "The request body is empty; send a JSON Messages request.", null);
        } catch (JsonProcessingException e) {
            throw GatewayException.invalid(JsonInput.notJson(e), null);
        } catch (IOException e) {
            throw GatewayException.invalid("The request body could not be read.", null);
        }
        return root;
    }

    public static Read read(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw GatewayException.invalid("The request body must be a JSON object.", null);
        }
        List<Warning> warnings = new ArrayList<>();
        warnUnknown(root, KNOWN, "", warnings);
        String model = Fields.text(root, "model", "");
        if (model == null || model.isBlank()) {
            throw GatewayException.invalid("'model' is required, e.g. \"claude-sonnet-4-6\".", "model");
        }
        Integer maxTokens = Fields.integer(root, "max_tokens", "");
        if (maxTokens == null || maxTokens < 1) {
            throw GatewayException.invalid("'max_tokens' is required and must be a positive integer.", "max_tokens");
        }
        List<Message> messages = new ArrayList<>();
        JsonNode system = root.get("system");
        if (system != null && !system.isNull()) {
            messages.add(MessagesContentReader.toSystem(system, warnings));
        }
        JsonNode turns = Fields.array(root, "messages", "");
        if (turns == null || turns.isEmpty()) {
            throw GatewayException.invalid("'messages' is required and must contain at least one message.",
                    "messages");
        }
        for (int i = 0; i < turns.size(); i++) {
            messages.addAll(MessagesContentReader.toMessages(turns.get(i), "messages[" + i + "]", warnings));
        }
        boolean stream = Boolean.TRUE.equals(Fields.bool(root, "stream", ""));
        JsonNode toolChoice = Fields.object(root, "tool_choice", "");
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        Integer topK = Fields.integer(root, "top_k", "");
        if (topK != null) {
            extra.put("top_k", IntNode.valueOf(topK));
        }
        String effort = toReasoningEffort(Fields.object(root, "thinking", ""), extra, warnings);
        JsonNode gatewayOptions = root.get(GATEWAY_OPTIONS);
        if (gatewayOptions != null) {
            extra.put(GATEWAY_OPTIONS, gatewayOptions);
        }
        return new Read(new ChatRequest(
                model,
                messages,
                stream ? Boolean.TRUE : null,
                // a Messages stream ends with usage in message_delta, so every target must be asked for it
                stream ? new ChatRequest.StreamOptions(true) : null,
                Fields.number(root, "temperature", ""),
                Fields.number(root, "top_p", ""),
                maxTokens,
                null,
                toStop(Fields.array(root, "stop_sequences", "")),
                toTools(Fields.array(root, "tools", ""), warnings),
                toToolChoice(toolChoice),
                toParallelToolCalls(toolChoice),
                null,
                effort,
                null,
                null,
                null,
                null,
                toUser(Fields.object(root, "metadata", ""), warnings),
                extra), warnings);
    }

    /** Each field of {@code node} not in {@code known}, as an unsupported-parameter warning naming its path. */
    static void warnUnknown(JsonNode node, Set<String> known, String at, List<Warning> warnings) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                String param = at.isEmpty() ? name : at + "." + name;
                AnthropicMapper.warn(warnings, new Warning("unsupported_parameter", param,
                        "'" + param + "' has no counterpart in the gateway's translation of the Messages API;"
                                + " ignored"));
            }
        }
    }

    private static List<String> toStop(JsonNode stopSequences) {
        if (stopSequences == null) {
            return null;
        }
        List<String> stop = new ArrayList<>(stopSequences.size());
        for (int i = 0; i < stopSequences.size(); i++) {
            JsonNode value = stopSequences.get(i);
            if (!value.isTextual()) {
                throw Fields.wrongType("stop_sequences[" + i + "]", "a string");
            }
            stop.add(value.textValue());
        }
        return stop.isEmpty() ? null : stop;
    }

    /**
     * Client tools as functions. Anthropic's server tools (web search, bash, text editor, computer use) run inside
     * Anthropic and have no canonical form; a {@code cache_control} on a tool has nowhere to go either.
     */
    static List<Tool> toTools(JsonNode tools, List<Warning> warnings) {
        if (tools == null) {
            return null;
        }
        List<Tool> out = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            String at = "tools[" + i + "]";
            JsonNode tool = tools.get(i);
            if (!tool.isObject()) {
                throw Fields.wrongType(at, "an object");
            }
            String type = Fields.text(tool, "type", at);
            if (type != null && !"custom".equals(type)) {
                AnthropicMapper.warn(warnings, new Warning("unsupported_parameter", "tools[].type=" + type,
                        "the server tool '" + type + "' runs only on Anthropic and is not translated; ignored"));
                continue;
            }
            String name = Fields.text(tool, "name", at);
            if (name == null) {
                throw GatewayException.invalid("'" + at + ".name' is required.", at + ".name");
            }
            JsonNode schema = Fields.object(tool, "input_schema", at);
            if (schema == null) {
                throw GatewayException.invalid("'" + at + ".input_schema' is required.", at + ".input_schema");
            }
            if (tool.has("cache_control")) {
                AnthropicMapper.warn(warnings, Warning.adjusted("tools[].cache_control",
                        "a cache breakpoint on a tool is not carried through translation; the request is sent"
                                + " without it"));
            }
            warnUnknown(tool, Set.of("type", "name", "description", "input_schema", "cache_control"), "tools[]",
                    warnings);
            out.add(new Tool("function", new Tool.Function(name, Fields.text(tool, "description", at), schema, null)));
        }
        return out.isEmpty() ? null : out;
    }

    static ToolChoice toToolChoice(JsonNode choice) {
        if (choice == null) {
            return null;
        }
        String type = Fields.text(choice, "type", "tool_choice");
        return switch (type == null ? "" : type) {
            case AnthropicWire.ToolChoice.AUTO -> new ToolChoice(ToolChoice.AUTO, null);
            case AnthropicWire.ToolChoice.ANY -> new ToolChoice(ToolChoice.REQUIRED, null);
            case AnthropicWire.ToolChoice.NONE -> new ToolChoice(ToolChoice.NONE, null);
            case AnthropicWire.ToolChoice.TOOL -> {
                String name = Fields.text(choice, "name", "tool_choice");
                if (name == null) {
                    throw GatewayException.invalid("'tool_choice.name' is required when its type is 'tool'.",
                            "tool_choice.name");
                }
                yield ToolChoice.named(name);
            }
            default -> throw GatewayException.invalid("'tool_choice.type' must be auto, any, tool or none.",
                    "tool_choice.type");
        };
    }

    /** {@code disable_parallel_tool_use: true} is OpenAI's {@code parallel_tool_calls: false}. */
    static Boolean toParallelToolCalls(JsonNode choice) {
        Boolean disable = choice == null ? null : Fields.bool(choice, "disable_parallel_tool_use", "tool_choice");
        return disable == null ? null : !disable;
    }

    /**
     * {@code thinking: {type: enabled, budget_tokens}} as the effort whose budget is nearest above it, so targets
     * other than Anthropic think too; the object itself is kept for an Anthropic target, which gets the exact budget.
     */
    static String toReasoningEffort(JsonNode thinking, Map<String, JsonNode> extra, List<Warning> warnings) {
        if (thinking == null) {
            return null;
        }
        String type = Fields.text(thinking, "type", "thinking");
        if (type == null) {
            throw GatewayException.invalid("'thinking.type' is required, e.g. \"enabled\".", "thinking.type");
        }
        switch (type) {
            case "enabled" -> {
                Integer budget = Fields.integer(thinking, "budget_tokens", "thinking");
                if (budget == null || budget < 1) {
                    throw GatewayException.invalid("'thinking.budget_tokens' must be a positive integer.",
                            "thinking.budget_tokens");
                }
                extra.put(AnthropicMapper.THINKING, thinking);
                return budget <= LOW_BUDGET ? "low" : budget <= MEDIUM_BUDGET ? "medium" : "high";
            }
            case "disabled" -> {
                return null;
            }
            default -> {
                AnthropicMapper.warn(warnings, new Warning("unsupported_parameter", "thinking.type=" + type,
                        "thinking of type '" + type + "' is not translated; the request is sent without thinking"));
                return null;
            }
        }
    }

    static String toUser(JsonNode metadata, List<Warning> warnings) {
        if (metadata == null) {
            return null;
        }
        warnUnknown(metadata, Set.of("user_id"), "metadata", warnings);
        return Fields.text(metadata, "user_id", "metadata");
    }

    /** Typed reads of optional fields: null when absent or null, refused naming the field when of another type. */
    static final class Fields {

        private Fields() {
        }

        static String text(JsonNode node, String name, String at) {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isTextual()) {
                throw wrongType(path(at, name), "a string");
            }
            return value.textValue();
        }

        static Integer integer(JsonNode node, String name, String at) {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                throw wrongType(path(at, name), "an integer");
            }
            return value.intValue();
        }

        static Double number(JsonNode node, String name, String at) {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isNumber()) {
                throw wrongType(path(at, name), "a number");
            }
            return value.doubleValue();
        }

        static Boolean bool(JsonNode node, String name, String at) {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isBoolean()) {
                throw wrongType(path(at, name), "true or false");
            }
            return value.booleanValue();
        }

        static JsonNode array(JsonNode node, String name, String at) {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isArray()) {
                throw wrongType(path(at, name), "an array");
            }
            return value;
        }

        static ObjectNode object(JsonNode node, String name, String at) {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isObject()) {
                throw wrongType(path(at, name), "an object");
            }
            return (ObjectNode) value;
        }

        static String path(String at, String name) {
            return at.isEmpty() ? name : at + "." + name;
        }

        static GatewayException wrongType(String path, String expected) {
            return GatewayException.invalid("'" + path + "' must be " + expected + ".", path);
        }
    }

    /** A text part with its {@code cache_control} kept, which {@link AnthropicMessages} writes back. */
    static ContentPart textPart(String text, JsonNode cacheControl) {
        ContentPart part = ContentPart.text(text);
        if (cacheControl != null && !cacheControl.isNull()) {
            part.extra().put(AnthropicMessages.CACHE_CONTROL, cacheControl);
        }
        return part;
    }

    static Content parts(List<ContentPart> parts) {
        return new Content(null, parts);
    }
}
