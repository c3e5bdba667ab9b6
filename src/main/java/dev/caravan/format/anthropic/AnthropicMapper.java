package dev.caravan.format.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ResponseFormat;
import dev.caravan.canonical.Tool;
import dev.caravan.canonical.ToolChoice;
import dev.caravan.canonical.Warning;
import dev.caravan.error.GatewayException;
import dev.caravan.format.anthropic.AnthropicWire.Metadata;
import dev.caravan.format.anthropic.AnthropicWire.MessagesRequest;
import dev.caravan.format.anthropic.AnthropicWire.Thinking;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A canonical (OpenAI-shaped) request as an Anthropic Messages request. What Anthropic cannot express is reported
 * as a warning; what it expresses differently (JSON output, thinking budgets, the required max_tokens) is adjusted
 * and reported too. The conversation itself is translated by {@link AnthropicMessages}; answers are read back by
 * {@link AnthropicResults}.
 */
final class AnthropicMapper {

    static final String PROVIDER = "anthropic";
    static final int DEFAULT_MAX_TOKENS = 4096;
    /** An upper bound of the input Anthropic adds for tool use (its own system prompt) and JSON output. */
    static final int TOOL_USE_PROMPT_TOKENS = 500;

    /**
     * Names the tool that stands in for {@code response_format: json_schema}. Answers are read without the request
     * at hand, so the name alone must tell this tool apart from the client's own; client tools may not use it.
     */
    static final String OUTPUT_TOOL_PREFIX = "caravan_output_";
    private static final int MAX_TOOL_NAME = 64;

    static final String JSON_OBJECT_INSTRUCTION =
            "Answer with a single JSON object only: no text before or after it, no code fences.";

    private static final String TOP_K = "top_k";
    /**
     * Anthropic's own {@code thinking} object, which an Anthropic client's request carries in {@code extra} beside
     * the {@code reasoning_effort} read from it, so the exact budget reaches an Anthropic target.
     */
    static final String THINKING = "thinking";

    private AnthropicMapper() {
    }

    static MessagesRequest toRequest(ChatRequest request, String model, List<Warning> warnings) {
        warnUnsupported(request, warnings);
        List<Message> messages = Objects.requireNonNullElse(request.messages(), List.of());
        AnthropicWire.Tool outputTool = toOutputTool(request.responseFormat());
        List<AnthropicWire.Tool> clientTools = toTools(request.tools(), warnings);
        AnthropicWire.ToolChoice toolChoice = toToolChoice(request.toolChoice(), request.parallelToolCalls(),
                !clientTools.isEmpty(), outputTool == null ? null : outputTool.name());
        Thinking thinking = toThinking(request.reasoningEffort(), request.extra().get(THINKING), toolChoice, messages,
                warnings);
        List<AnthropicWire.Tool> tools = new ArrayList<>(clientTools);
        if (outputTool != null) {
            tools.add(outputTool);
        }
        return new MessagesRequest(
                model,
                AnthropicMessages.toMessages(messages, warnings),
                AnthropicMessages.toSystem(messages, toFormatInstruction(request.responseFormat(), warnings)),
                toMaxTokens(request.outputLimit(), thinking, warnings),
                request.user() == null ? null : new Metadata(request.user()),
                toStopSequences(request.stop(), warnings),
                request.streaming() ? Boolean.TRUE : null,
                toTemperature(request.temperature(), thinking, warnings),
                toTopP(request.topP(), thinking, warnings),
                toTopK(request.extra().get(TOP_K), thinking, warnings),
                tools.isEmpty() ? null : tools,
                toolChoice,
                thinking);
    }

    /** Adds {@code warning} unless the same one is already listed (a per-message warning would repeat). */
    static void warn(List<Warning> warnings, Warning warning) {
        if (!warnings.contains(warning)) {
            warnings.add(warning);
        }
    }

    /** OpenAI parameters with no Anthropic counterpart; a value equal to OpenAI's default changes nothing. */
    static void warnUnsupported(ChatRequest request, List<Warning> warnings) {
        if (request.n() != null && request.n() != 1) {
            warn(warnings, Warning.unsupported("n", PROVIDER));
        }
        if (request.seed() != null) {
            warn(warnings, Warning.unsupported("seed", PROVIDER));
        }
        if (request.presencePenalty() != null && request.presencePenalty() != 0) {
            warn(warnings, Warning.unsupported("presence_penalty", PROVIDER));
        }
        if (request.frequencyPenalty() != null && request.frequencyPenalty() != 0) {
            warn(warnings, Warning.unsupported("frequency_penalty", PROVIDER));
        }
        for (Map.Entry<String, JsonNode> field : request.extra().entrySet()) {
            if (!TOP_K.equals(field.getKey()) && !THINKING.equals(field.getKey())) {
                warn(warnings, Warning.unsupported(field.getKey(), PROVIDER));
            }
        }
    }

    static List<AnthropicWire.Tool> toTools(List<Tool> tools, List<Warning> warnings) {
        if (tools == null) {
            return List.of();
        }
        List<AnthropicWire.Tool> out = new ArrayList<>();
        for (Tool tool : tools) {
            if (tool.type() != null && !"function".equals(tool.type())) {
                warn(warnings, Warning.unsupported("tools[].type=" + tool.type(), PROVIDER));
                continue;
            }
            if (tool.function() == null || tool.function().name() == null) {
                throw GatewayException.invalid("a function tool needs a name", "tools");
            }
            if (tool.function().name().startsWith(OUTPUT_TOOL_PREFIX)) {
                throw GatewayException.invalid("tool names starting with '" + OUTPUT_TOOL_PREFIX
                        + "' are reserved by the gateway", "tools");
            }
            out.add(new AnthropicWire.Tool(tool.function().name(), tool.function().description(),
                    toInputSchema(tool.function().parameters())));
        }
        return out;
    }

    /** Anthropic requires an object schema even for a tool without parameters. */
    static JsonNode toInputSchema(JsonNode parameters) {
        return parameters != null && !parameters.isNull()
                ? parameters : Json.MAPPER.createObjectNode().put("type", "object");
    }

    /**
     * {@code json_schema} as a tool the model is made to call: Anthropic's native structured outputs are not
     * available on every model and platform, while forced tool use is, and the tool input obeys the schema.
     */
    static AnthropicWire.Tool toOutputTool(ResponseFormat format) {
        if (format == null || !ResponseFormat.JSON_SCHEMA.equals(format.type())) {
            return null;
        }
        ResponseFormat.JsonSchema schema = format.jsonSchema();
        String name = schema == null || schema.name() == null || schema.name().isBlank()
                ? "response" : schema.name().replaceAll("[^a-zA-Z0-9_-]", "_");
        String toolName = OUTPUT_TOOL_PREFIX + name;
        String description = "Give your final answer by calling this tool; its input is the answer."
                + (schema != null && schema.description() != null ? " " + schema.description() : "");
        return new AnthropicWire.Tool(toolName.substring(0, Math.min(toolName.length(), MAX_TOOL_NAME)), description,
                toInputSchema(schema == null ? null : schema.schema()));
    }

    /** The extra system instruction a response format needs, or null. */
    static String toFormatInstruction(ResponseFormat format, List<Warning> warnings) {
        if (format == null || format.type() == null) {
            return null;
        }
        return switch (format.type()) {
            case ResponseFormat.TEXT, ResponseFormat.JSON_SCHEMA -> null;
            case ResponseFormat.JSON_OBJECT -> {
                warn(warnings, Warning.adjusted("response_format", PROVIDER
                        + " has no JSON mode; the system prompt asks for a JSON object instead"));
                yield JSON_OBJECT_INSTRUCTION;
            }
            default -> {
                warn(warnings, Warning.unsupported("response_format=" + format.type(), PROVIDER));
                yield null;
            }
        };
    }

    /**
     * OpenAI's tool choice, given that a json_schema output tool may be present. With the output tool the model
     * must call some tool: the client's (when it has tools and allows them) or the output tool.
     */
    static AnthropicWire.ToolChoice toToolChoice(ToolChoice choice, Boolean parallelToolCalls, boolean clientTools,
                                                 String outputTool) {
        Boolean disableParallel = Boolean.FALSE.equals(parallelToolCalls) ? Boolean.TRUE : null;
        String mode = choice == null ? null : choice.mode();
        if (outputTool != null) {
            if (clientTools && choice != null && choice.functionName() != null) {
                return AnthropicWire.ToolChoice.tool(choice.functionName(), disableParallel);
            }
            if (clientTools && !ToolChoice.NONE.equals(mode)) {
                return AnthropicWire.ToolChoice.any(disableParallel);
            }
            return AnthropicWire.ToolChoice.tool(outputTool, disableParallel);
        }
        if (!clientTools) {
            // Anthropic rejects a tool_choice without tools; without tools there is nothing to choose anyway
            return null;
        }
        if (mode == null) {
            return disableParallel == null ? null : AnthropicWire.ToolChoice.auto(disableParallel);
        }
        return switch (mode) {
            case ToolChoice.AUTO -> AnthropicWire.ToolChoice.auto(disableParallel);
            case ToolChoice.REQUIRED -> AnthropicWire.ToolChoice.any(disableParallel);
            case ToolChoice.NONE -> AnthropicWire.ToolChoice.none();
            case ToolChoice.FUNCTION -> AnthropicWire.ToolChoice.tool(choice.functionName(), disableParallel);
            default -> throw GatewayException.invalid(
                    "tool_choice must be auto, none, required or a named function", "tool_choice");
        };
    }

    /**
     * {@code reasoning_effort} (or the exact budget of an Anthropic client's {@code thinking}) as a thinking budget.
     * Thinking is left off, with a warning, where Anthropic would reject it: with a forced tool call, and after a
     * tool-calling turn whose signed thinking the history lacks.
     */
    static Thinking toThinking(String effort, JsonNode anthropicThinking, AnthropicWire.ToolChoice toolChoice,
                               List<Message> messages, List<Warning> warnings) {
        Integer budget = anthropicBudget(anthropicThinking);
        if (budget == null && effort != null) {
            budget = toBudget(effort, warnings);
        }
        if (budget == null) {
            return null;
        }
        if (toolChoice != null && toolChoice.forcesToolUse()) {
            warn(warnings, Warning.adjusted("reasoning_effort", PROVIDER + " does not allow thinking when a tool"
                    + " call is forced (tool_choice required or named, or response_format json_schema);"
                    + " thinking not enabled"));
            return null;
        }
        if (AnthropicMessages.lastAssistantCalledToolsUnsigned(messages)) {
            warn(warnings, Warning.adjusted("reasoning_effort", PROVIDER + " requires the signed thinking of the last"
                    + " tool-calling turn, which the conversation does not carry; thinking not enabled"));
            return null;
        }
        return Thinking.enabled(budget);
    }

    /** The budget of {@code {"type":"enabled","budget_tokens":N}}; null for any other thinking object. */
    private static Integer anthropicBudget(JsonNode thinking) {
        if (thinking == null || !"enabled".equals(thinking.path("type").asText())) {
            return null;
        }
        JsonNode budget = thinking.path("budget_tokens");
        return budget.canConvertToInt() ? budget.intValue() : null;
    }

    private static Integer toBudget(String effort, List<Warning> warnings) {
        return switch (effort) {
            case "none" -> null;
            case "minimal", "low" -> 1024;
            case "medium" -> 4096;
            case "high" -> 16384;
            default -> {
                warn(warnings, Warning.adjusted("reasoning_effort", PROVIDER + " has no thinking budget for '"
                        + effort + "'; thinking not enabled"));
                yield null;
            }
        };
    }

    /** Anthropic requires max_tokens, and counts thinking against it: it must exceed the thinking budget. */
    static int toMaxTokens(Integer limit, Thinking thinking, List<Warning> warnings) {
        int budget = thinking == null ? 0 : thinking.budgetTokens();
        if (limit == null) {
            int defaulted = budget + DEFAULT_MAX_TOKENS;
            warn(warnings, Warning.adjusted("max_tokens", PROVIDER + " requires max_tokens; set to " + defaulted
                    + (budget > 0 ? " (" + DEFAULT_MAX_TOKENS + " plus the thinking budget)" : "")));
            return defaulted;
        }
        if (limit <= budget) {
            int raised = budget + limit;
            warn(warnings, Warning.adjusted("max_tokens", "raised from " + limit + " to " + raised + ": " + PROVIDER
                    + " counts thinking against max_tokens and requires it to exceed the thinking budget of "
                    + budget));
            return raised;
        }
        return limit;
    }

    /** Anthropic rejects stop sequences that are empty or only whitespace (OpenAI clients often send "\n"). */
    static List<String> toStopSequences(List<String> stop, List<Warning> warnings) {
        if (stop == null || stop.isEmpty()) {
            return null;
        }
        List<String> kept = stop.stream().filter(s -> s != null && !s.isBlank()).toList();
        if (kept.size() < stop.size()) {
            warn(warnings, Warning.adjusted("stop", "whitespace-only stop sequences dropped: " + PROVIDER
                    + " rejects them"));
        }
        return kept.isEmpty() ? null : kept;
    }

    /** Anthropic's range is 0 to 1 where OpenAI's is 0 to 2, and thinking allows no temperature but 1. */
    static Double toTemperature(Double temperature, Thinking thinking, List<Warning> warnings) {
        if (temperature == null) {
            return null;
        }
        if (thinking != null) {
            // 1 is the one value Anthropic accepts with thinking, and Claude Code sends it beside its thinking budget
            if (temperature == 1.0) {
                return temperature;
            }
            warn(warnings, Warning.adjusted("temperature", "dropped: " + PROVIDER
                    + " allows temperature only at 1 with thinking (reasoning_effort)"));
            return null;
        }
        if (temperature > 1) {
            warn(warnings, Warning.adjusted("temperature", "lowered from " + temperature + " to 1.0, "
                    + PROVIDER + "'s maximum"));
            return 1.0;
        }
        return temperature;
    }

    /** With thinking, Anthropic accepts top_p only from 0.95 to 1. */
    static Double toTopP(Double topP, Thinking thinking, List<Warning> warnings) {
        if (topP != null && thinking != null && topP < 0.95) {
            warn(warnings, Warning.adjusted("top_p", "dropped: " + PROVIDER
                    + " allows top_p below 0.95 only without thinking (reasoning_effort)"));
            return null;
        }
        return topP;
    }

    /** {@code top_k} is not OpenAI's but clients send it as an extra; Anthropic has it, except with thinking. */
    static Integer toTopK(JsonNode topK, Thinking thinking, List<Warning> warnings) {
        if (topK == null || topK.isNull()) {
            return null;
        }
        if (!topK.canConvertToInt()) {
            throw GatewayException.invalid("top_k must be an integer", TOP_K);
        }
        if (thinking != null) {
            warn(warnings, Warning.adjusted(TOP_K, "dropped: " + PROVIDER
                    + " does not allow top_k with thinking (reasoning_effort)"));
            return null;
        }
        return topK.intValue();
    }
}
