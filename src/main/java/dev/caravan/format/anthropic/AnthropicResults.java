package dev.caravan.format.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.FinishReason;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ReasoningDetail;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.Usage;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.format.anthropic.AnthropicWire.Block;
import dev.caravan.format.anthropic.AnthropicWire.ErrorDetail;
import dev.caravan.format.anthropic.AnthropicWire.MessagesResponse;

import java.util.ArrayList;
import java.util.List;

/** Anthropic answers, whole or streamed, read back into the canonical (OpenAI) shapes. */
final class AnthropicResults {

    private AnthropicResults() {
    }

    /**
     * A non-streamed answer. Text blocks are joined as they are (Anthropic splits one text at citations), the
     * json_schema output tool's input becomes the text, thinking becomes the reasoning, kept signed (and redacted
     * thinking kept whole) as reasoning details for the next turn, and blocks with no OpenAI counterpart (server
     * tool results) are left out.
     */
    static ChatCompletion toCompletion(MessagesResponse response, long created) {
        StringBuilder text = new StringBuilder();
        List<String> reasoning = new ArrayList<>();
        List<ToolCall> toolCalls = new ArrayList<>();
        List<ReasoningDetail> details = new ArrayList<>();
        for (Block block : response.content() == null ? List.<Block>of() : response.content()) {
            switch (block.type() == null ? "" : block.type()) {
                case Block.TEXT -> text.append(block.text() == null ? "" : block.text());
                case Block.THINKING -> {
                    reasoning.add(block.thinking() == null ? "" : block.thinking());
                    details.add(ReasoningDetail.text(block.thinking(), block.signature()));
                }
                case Block.REDACTED_THINKING -> details.add(ReasoningDetail.encrypted(block.data()));
                case Block.TOOL_USE -> {
                    if (isOutputTool(block.name())) {
                        text.append(toArguments(block.input()));
                    } else {
                        toolCalls.add(ToolCall.of(block.id(), block.name(), toArguments(block.input())));
                    }
                }
                default -> {
                }
            }
        }
        // OpenAI sends null content beside tool calls, and a string (possibly empty) otherwise
        String content = text.isEmpty() && !toolCalls.isEmpty() ? null : text.toString();
        Message message = Message.assistant(content, toolCalls,
                reasoning.isEmpty() ? null : String.join("\n", reasoning)).withReasoningDetails(details);
        return new ChatCompletion(response.id(), ChatCompletion.OBJECT, created, response.model(),
                List.of(new ChatCompletion.Choice(0, message, toFinishReason(response.stopReason(),
                        !toolCalls.isEmpty()), null)),
                toUsage(response.usage()), null, null, null);
    }

    /** Whether a tool_use block is the json_schema answer rather than a call for the client to run. */
    static boolean isOutputTool(String toolName) {
        return toolName != null && toolName.startsWith(AnthropicMapper.OUTPUT_TOOL_PREFIX);
    }

    /** Tool input as OpenAI's arguments string; a tool without parameters gets "{}", never "". */
    static String toArguments(JsonNode input) {
        return input == null || input.isNull() ? "{}" : Json.writeString(input);
    }

    /**
     * Anthropic's stop reason as OpenAI's finish reason. {@code tool_use} means "stop" when the only tool called
     * was the json_schema output tool, whose input the client receives as the answer text.
     */
    static String toFinishReason(String stopReason, boolean calledClientTools) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "end_turn", "stop_sequence", "pause_turn" -> FinishReason.STOP;
            case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
            case "tool_use" -> calledClientTools ? FinishReason.TOOL_CALLS : FinishReason.STOP;
            case "refusal" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.STOP;
        };
    }

    /** Canonical prompt tokens count every input token; Anthropic reports cache reads and writes apart. */
    static Usage toUsage(AnthropicWire.Usage usage) {
        if (usage == null) {
            return null;
        }
        int cacheRead = orZero(usage.cacheReadInputTokens());
        int cacheWrite = orZero(usage.cacheCreationInputTokens());
        return Usage.of(orZero(usage.inputTokens()) + cacheRead + cacheWrite, orZero(usage.outputTokens()),
                usage.cacheReadInputTokens(), usage.cacheCreationInputTokens(), null);
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    /** An error event inside a stream, classified like the HTTP status it would have had (529, 429, 5xx). */
    static GatewayException toStreamError(ErrorDetail error) {
        String type = error == null || error.type() == null ? "" : error.type();
        String message = error == null || error.message() == null
                ? "the provider sent an error in the stream" : error.message();
        return new GatewayException(toErrorKind(type), message);
    }

    static ErrorKind toErrorKind(String errorType) {
        return switch (errorType) {
            case "overloaded_error" -> ErrorKind.UPSTREAM_OVERLOADED;
            case "rate_limit_error" -> ErrorKind.RATE_LIMITED;
            default -> ErrorKind.UPSTREAM_UNAVAILABLE;
        };
    }

    /** The message of {@code {"type":"error","error":{"type","message"}}}, or null for any other body. */
    static String errorMessage(byte[] body) {
        try {
            JsonNode message = Json.tree(body).path("error").path("message");
            return message.isTextual() ? message.textValue() : null;
        } catch (RuntimeException notJson) {
            return null;
        }
    }
}
