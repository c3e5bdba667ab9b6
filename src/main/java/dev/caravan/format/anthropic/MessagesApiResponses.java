package dev.caravan.format.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.FinishReason;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ReasoningDetail;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.Usage;
import dev.caravan.canonical.Warning;
import dev.caravan.format.anthropic.AnthropicWire.Block;
import dev.caravan.format.anthropic.AnthropicWire.MessagesResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A canonical answer, from whichever provider served it, as the answer of the gateway's own {@code /v1/messages}.
 * Warnings (parameters the serving provider could not honour) go in a top-level {@code warnings} array, the place
 * Chat Completions answers have them; Anthropic's SDKs ignore fields they do not know.
 */
public final class MessagesApiResponses {

    static final String ID_PREFIX = "msg_";
    static final String ROLE = "assistant";

    private MessagesApiResponses() {
    }

    /** The JSON body; {@code model} is the catalog id the client asked for, not the provider's own. */
    public static byte[] toJson(ChatCompletion completion, String model) {
        return Json.write(toResponse(completion, model));
    }

    static MessagesResponse toResponse(ChatCompletion completion, String model) {
        ChatCompletion.Choice choice = completion.choices() == null || completion.choices().isEmpty()
                ? null : completion.choices().getFirst();
        Message message = choice == null ? null : choice.message();
        List<Warning> warnings = new ArrayList<>(Objects.requireNonNullElse(completion.warnings(), List.of()));
        List<Block> content = message == null ? List.of() : toContent(message, warnings);
        boolean calledTools = message != null && message.toolCalls() != null && !message.toolCalls().isEmpty();
        return new MessagesResponse(toId(completion.id()), MessagesResponse.TYPE, ROLE, model, content,
                toStopReason(choice == null ? null : choice.finishReason(), calledTools), null,
                toUsage(completion.usage()), warnings.isEmpty() ? null : warnings);
    }

    /** Anthropic's ids start with {@code msg_}; clients and logs that tell them apart by prefix keep working. */
    static String toId(String id) {
        if (id == null) {
            return ID_PREFIX + java.util.UUID.randomUUID().toString().replace("-", "");
        }
        return id.startsWith(ID_PREFIX) ? id : ID_PREFIX + id;
    }

    /** Thinking, then text, then tool calls: the order Anthropic answers in. */
    static List<Block> toContent(Message message, List<Warning> warnings) {
        List<Block> blocks = new ArrayList<>(toThinking(message));
        String text = message.content() == null ? "" : message.content().text();
        if (!text.isEmpty()) {
            blocks.add(Block.text(text, null));
        }
        if (message.refusal() != null && !message.refusal().isEmpty()) {
            blocks.add(Block.text(message.refusal(), null));
        }
        for (ToolCall call : Objects.requireNonNullElse(message.toolCalls(), List.<ToolCall>of())) {
            blocks.add(Block.toolUse(call.id(), call.function().name(), toInput(call, warnings)));
        }
        return blocks;
    }

    /**
     * Signed thinking as it came from Anthropic; reasoning from another provider as a thinking block with an empty
     * signature, which the SDKs accept and which the gateway leaves out when the conversation goes back to
     * Anthropic (an invalid signature would be refused there).
     */
    static List<Block> toThinking(Message message) {
        List<Block> blocks = new ArrayList<>();
        for (ReasoningDetail detail : message.reasoningDetails()) {
            switch (Objects.requireNonNullElse(detail.type(), "")) {
                case ReasoningDetail.TEXT -> blocks.add(Block.thinking(Objects.requireNonNullElse(detail.text(), ""),
                        Objects.requireNonNullElse(detail.signature(), "")));
                case ReasoningDetail.ENCRYPTED -> blocks.add(Block.redactedThinking(detail.data()));
                default -> {
                }
            }
        }
        if (blocks.isEmpty() && message.reasoningContent() != null && !message.reasoningContent().isEmpty()) {
            blocks.add(Block.thinking(message.reasoningContent(), ""));
        }
        return blocks;
    }

    /** OpenAI's arguments string as Anthropic's input object; arguments that are no object cannot be sent. */
    static JsonNode toInput(ToolCall call, List<Warning> warnings) {
        String arguments = call.function().arguments();
        if (arguments == null || arguments.isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode input = Json.MAPPER.readTree(arguments);
            if (input != null && input.isObject()) {
                return input;
            }
        } catch (JsonProcessingException notJson) {
            // reported below
        }
        AnthropicMapper.warn(warnings, Warning.adjusted("content[].input", "the model's arguments for tool call '"
                + call.id() + "' were not a JSON object; sent as an empty input"));
        return Json.MAPPER.createObjectNode();
    }

    /**
     * The canonical finish reason as Anthropic's stop reason. Which stop sequence matched is not carried by the
     * canonical answer, so a stop is always {@code end_turn} and {@code stop_sequence} stays null.
     */
    static String toStopReason(String finishReason, boolean calledTools) {
        if (finishReason == null) {
            return null;
        }
        return switch (finishReason) {
            case FinishReason.LENGTH -> "max_tokens";
            case FinishReason.TOOL_CALLS, "function_call" -> "tool_use";
            case FinishReason.CONTENT_FILTER -> "refusal";
            // Gemini's and OpenAI's "stop" beside tool calls still means the client must run them
            default -> calledTools ? "tool_use" : "end_turn";
        };
    }

    /**
     * Canonical prompt tokens count every input token; Anthropic's input_tokens are only the uncached ones, with
     * cache reads and writes beside them, always present as Anthropic sends them (in an answer and in a stream's
     * message_delta alike).
     */
    static AnthropicWire.Usage toUsage(Usage usage) {
        if (usage == null) {
            return new AnthropicWire.Usage(0, 0, 0, 0);
        }
        Usage.PromptDetails details = usage.promptTokensDetails();
        int read = details == null || details.cachedTokens() == null ? 0 : details.cachedTokens();
        int write = details == null || details.cacheWriteTokens() == null ? 0 : details.cacheWriteTokens();
        int prompt = usage.promptTokens() == null ? 0 : usage.promptTokens();
        return new AnthropicWire.Usage(Math.max(0, prompt - read - write),
                usage.completionTokens() == null ? 0 : usage.completionTokens(), write, read);
    }
}
