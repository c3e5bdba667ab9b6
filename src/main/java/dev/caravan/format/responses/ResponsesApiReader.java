package dev.caravan.format.responses;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ResponseFormat;
import dev.caravan.canonical.Tool;
import dev.caravan.canonical.ToolChoice;
import dev.caravan.canonical.Warning;
import dev.caravan.error.GatewayException;
import dev.caravan.format.JsonInput;
import dev.caravan.format.responses.ResponsesWire.CreateResponse;
import dev.caravan.format.responses.ResponsesWire.FunctionTool;
import dev.caravan.format.responses.ResponsesWire.ReasoningConfig;
import dev.caravan.format.responses.ResponsesWire.TextConfig;
import dev.caravan.format.responses.ResponsesWire.TextFormat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a Responses API request body into the canonical request. As strict as the Chat Completions reader (one JSON
 * object, no float where the wire has an integer, wrong types named by their path); what has no canonical form comes
 * back as warnings, and what would change the answer if ignored is refused with a 400:
 * <ul>
 *   <li>built-in tools ({@code web_search}, {@code file_search}, {@code code_interpreter}, {@code mcp}, …) and their
 *       items in {@code input}: OpenAI runs them on its side and no other provider can, so answering without them
 *       would silently answer a different question;</li>
 *   <li>what needs state the gateway does not keep: {@code item_reference} items, {@code conversation},
 *       {@code background}, stored {@code prompt} templates, file ids. {@code previous_response_id} is only read
 *       and exposed: serving or refusing it is the route's decision.</li>
 * </ul>
 * The request body's size is bounded by the route before it gets here.
 */
public final class ResponsesApiReader {

    /** One JSON object and nothing after it; whole numbers where the wire has integers (no 1.5 read as 1). */
    private static final ObjectReader READER = Json.MAPPER.readerFor(CreateResponse.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    private static final Set<String> MODES = Set.of(ToolChoice.AUTO, ToolChoice.NONE, ToolChoice.REQUIRED);

    private ResponsesApiReader() {
    }

    public static ResponsesRequest read(byte[] body) {
        if (body == null || body.length == 0) {
            throw GatewayException.invalid("The request body is empty; send a JSON Responses API request.", null);
        }
        CreateResponse wire;
        try {
            wire = READER.readValue(body);
        } catch (JsonProcessingException e) {
            throw wrongInput(e, null);
        } catch (IOException e) {
            throw GatewayException.invalid("The request body could not be read.", null);
        }
        if (wire == null) {
            throw GatewayException.invalid("The request body is empty; send a JSON Responses API request.", null);
        }
        return toRequest(wire);
    }

    static ResponsesRequest toRequest(CreateResponse wire) {
        if (wire.model() == null || wire.model().isBlank()) {
            throw GatewayException.invalid("'model' is required, e.g. \"openai/gpt-5-mini\".", "model");
        }
        List<Warning> warnings = new ArrayList<>();
        List<Message> messages = new ArrayList<>();
        if (wire.instructions() != null) {
            messages.add(Message.of("system", wire.instructions()));
        }
        messages.addAll(ResponsesInput.toMessages(wire.input(), warnings));
        if (messages.size() == (wire.instructions() == null ? 0 : 1) && wire.previousResponseId() == null) {
            throw GatewayException.invalid("'input' is required: a string or a list of input items.", "input");
        }
        if (wire.maxOutputTokens() != null && wire.maxOutputTokens() < 1) {
            throw GatewayException.invalid("'max_output_tokens' must be a positive integer.", "max_output_tokens");
        }
        boolean streaming = Boolean.TRUE.equals(wire.stream());
        ChatRequest chat = new ChatRequest(
                wire.model(),
                messages,
                streaming ? Boolean.TRUE : null,
                // response.completed carries usage, so the provider is always asked for it
                streaming ? new ChatRequest.StreamOptions(true) : null,
                wire.temperature(),
                wire.topP(),
                null,
                wire.maxOutputTokens(),
                null,
                toTools(wire.tools()),
                toToolChoice(wire.toolChoice()),
                wire.parallelToolCalls(),
                toResponseFormat(wire.text()),
                toReasoningEffort(wire.reasoning(), warnings),
                null,
                null,
                null,
                null,
                wire.user(),
                toExtra(wire, warnings));
        return new ResponsesRequest(chat, warnings, Boolean.TRUE.equals(wire.store()), wire.previousResponseId(),
                toEcho(wire));
    }

    /** Function tools in the Chat Completions shape, which nests what the Responses API writes flat. */
    static List<Tool> toTools(JsonNode tools) {
        if (tools == null || tools.isNull()) {
            return null;
        }
        if (!tools.isArray()) {
            throw GatewayException.invalid("'tools' must be a list of tools.", "tools");
        }
        List<Tool> out = new ArrayList<>(tools.size());
        for (int i = 0; i < tools.size(); i++) {
            String at = "tools[" + i + "]";
            if (!tools.get(i).isObject()) {
                throw GatewayException.invalid("'" + at + "' must be a JSON object.", at);
            }
            JsonNode type = tools.get(i).path("type");
            if (!"function".equals(type.textValue())) {
                throw GatewayException.invalid("'" + at + "' has type '" + type.asText() + "': only function "
                        + "tools are served; built-in tools (web_search, file_search, code_interpreter, mcp, ...) run "
                        + "on OpenAI's side and no other provider can run them.", at + ".type");
            }
            FunctionTool tool = convert(tools.get(i), FunctionTool.class, at);
            if (tool.name() == null || tool.name().isBlank()) {
                throw GatewayException.invalid("'" + at + ".name' is required.", at + ".name");
            }
            out.add(new Tool("function", new Tool.Function(tool.name(), tool.description(), tool.parameters(),
                    tool.strict())));
        }
        return out.isEmpty() ? null : out;
    }

    /** A mode, or {@code {"type":"function","name":...}}; choices of built-in or allowed tools have no canonical form. */
    static ToolChoice toToolChoice(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isTextual() && MODES.contains(choice.textValue())) {
            return new ToolChoice(choice.textValue(), null);
        }
        if (choice.isObject() && "function".equals(choice.path("type").textValue())
                && choice.path("name").isTextual()) {
            return ToolChoice.named(choice.path("name").textValue());
        }
        throw GatewayException.invalid("'tool_choice' must be \"auto\", \"none\", \"required\" or "
                + "{\"type\":\"function\",\"name\":\"...\"}.", "tool_choice");
    }

    /** {@code text.format} as {@code response_format}; a JSON schema moves under {@code json_schema}. */
    static ResponseFormat toResponseFormat(TextConfig text) {
        if (text == null || text.format() == null) {
            return null;
        }
        TextFormat format = text.format();
        String type = format.type() == null ? "" : format.type();
        return switch (type) {
            case ResponseFormat.TEXT -> new ResponseFormat(ResponseFormat.TEXT, null);
            case ResponseFormat.JSON_OBJECT -> new ResponseFormat(ResponseFormat.JSON_OBJECT, null);
            case ResponseFormat.JSON_SCHEMA -> {
                if (format.name() == null || format.name().isBlank()) {
                    throw GatewayException.invalid("'text.format.name' is required for a json_schema format.",
                            "text.format.name");
                }
                if (format.schema() == null || !format.schema().isObject()) {
                    throw GatewayException.invalid("'text.format.schema' must be a JSON Schema object.",
                            "text.format.schema");
                }
                yield new ResponseFormat(ResponseFormat.JSON_SCHEMA, new ResponseFormat.JsonSchema(format.name(),
                        format.description(), format.schema(), format.strict()));
            }
            default -> throw GatewayException.invalid("'text.format.type' must be text, json_object or "
                    + "json_schema.", "text.format.type");
        };
    }

    static String toReasoningEffort(ReasoningConfig reasoning, List<Warning> warnings) {
        if (reasoning == null) {
            return null;
        }
        if (reasoning.summary() != null) {
            warnings.add(new Warning("unsupported_parameter", "reasoning.summary", "reasoning summaries are not "
                    + "produced; the model's reasoning text, where the provider returns it, comes back as "
                    + "reasoning_text content; ignored"));
        }
        return reasoning.effort();
    }

    /**
     * Fields beyond the modelled ones. Those Chat Completions has under the same name and meaning (service_tier,
     * prompt_cache_key, safety_identifier, and any the gateway does not know yet) pass on to the provider;
     * {@code text.verbosity} becomes Chat Completions' {@code verbosity}. {@code metadata} stays with the gateway:
     * it is the client's bookkeeping, echoed back on the Response, and OpenAI's Chat Completions refuses it
     * without {@code store}.
     */
    static Map<String, JsonNode> toExtra(CreateResponse wire, List<Warning> warnings) {
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        if (wire.text() != null && wire.text().verbosity() != null) {
            extra.put("verbosity", Json.MAPPER.getNodeFactory().textNode(wire.text().verbosity()));
        }
        for (Map.Entry<String, JsonNode> field : wire.extra().entrySet()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            switch (name) {
                case "background" -> {
                    if (value.asBoolean(false)) {
                        throw GatewayException.invalid("'background' responses are not supported: they need "
                                + "responses stored for later retrieval; send the request without it.", name);
                    }
                }
                case "conversation", "prompt" -> {
                    if (!value.isNull()) {
                        throw GatewayException.invalid("'" + name + "' refers to state kept on OpenAI's side, "
                                + "which this gateway does not have; send the conversation in 'input'.", name);
                    }
                }
                case "include", "max_tool_calls", "top_logprobs", "stream_options" -> {
                    // an empty include list asks for nothing
                    if (!value.isNull() && !(value.isContainerNode() && value.isEmpty())) {
                        warnings.add(new Warning("unsupported_parameter", name, "'" + name + "' has no equivalent "
                                + "across providers; ignored"));
                    }
                }
                case "truncation" -> {
                    // "disabled" is the default and means what every provider does: fail when the input is too long
                    if (!"disabled".equals(value.textValue()) && !value.isNull()) {
                        warnings.add(new Warning("unsupported_parameter", name, "truncation '" + value.asText()
                                + "' is not supported; the input is sent whole; ignored"));
                    }
                }
                default -> extra.put(name, value);
            }
        }
        return extra;
    }

    private static ResponsesRequest.Echo toEcho(CreateResponse wire) {
        return new ResponsesRequest.Echo(
                wire.instructions(),
                wire.maxOutputTokens(),
                wire.parallelToolCalls(),
                wire.reasoning() == null ? null : Json.MAPPER.valueToTree(wire.reasoning()),
                wire.temperature(),
                wire.text() == null ? null : Json.MAPPER.valueToTree(wire.text()),
                wire.toolChoice(),
                wire.tools(),
                wire.topP(),
                wire.user(),
                wire.metadata() == null ? null : Json.MAPPER.valueToTree(wire.metadata()));
    }

    // ------------------------------------------------------------------------------- strict reading of parts

    /** Parts of the body ({@code input[2]}, {@code tools[0]}) are read as strictly as the body itself. */
    private static final ObjectReader PART_READER = Json.MAPPER.reader()
            .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    /** {@code node} as {@code type}; a wrong type is a 400 naming its path below {@code at}. */
    static <T> T convert(JsonNode node, Class<T> type, String at) {
        if (!node.isObject()) {
            throw GatewayException.invalid("'" + at + "' must be a JSON object.", at);
        }
        try {
            return PART_READER.forType(type).readValue(node);
        } catch (JsonProcessingException e) {
            throw wrongInput(e, at);
        } catch (IOException e) {
            throw GatewayException.invalid("'" + at + "' could not be read.", at);
        }
    }

    /** A client-facing 400 for a read failure, in words a client developer can act on, never Jackson's. */
    private static GatewayException wrongInput(JsonProcessingException e, String prefix) {
        String path = join(prefix, JsonInput.path(e));
        if (JsonInput.trailingData(e)) {
            return GatewayException.invalid(JsonInput.TRAILING_DATA, null);
        }
        if (e instanceof MismatchedInputException) {
            return GatewayException.invalid(path == null ? "The request body must be a JSON object."
                    : "'" + path + "' has the wrong type.", path);
        }
        if (e instanceof JsonMappingException) {
            return GatewayException.invalid(path == null ? "The request body is not a valid Responses API request."
                    : "'" + path + "' is not valid.", path);
        }
        return GatewayException.invalid(JsonInput.notJson(e), null);
    }

    private static String join(String prefix, String path) {
        if (prefix == null) {
            return path;
        }
        return path == null ? prefix : path.startsWith("[") ? prefix + path : prefix + "." + path;
    }
}
