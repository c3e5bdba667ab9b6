package dev.caravan.format.responses;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.Content;
import dev.caravan.canonical.ContentPart;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.Warning;
import dev.caravan.error.GatewayException;
import dev.caravan.format.responses.ResponsesWire.FunctionCallItem;
import dev.caravan.format.responses.ResponsesWire.FunctionCallOutputItem;
import dev.caravan.format.responses.ResponsesWire.InputContent;
import dev.caravan.format.responses.ResponsesWire.InputMessage;
import dev.caravan.format.responses.ResponsesWire.ReasoningItem;
import dev.caravan.format.responses.ResponsesWire.TextPart;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Responses API's {@code input} as canonical messages. The Responses API lists an assistant turn as separate
 * items (reasoning, a message, one item per function call); Chat Completions, and through it every provider format,
 * wants them as one assistant message, so consecutive assistant items are folded into one. Anthropic refuses a
 * history where two assistant messages follow each other, which unfolded items would produce.
 */
final class ResponsesInput {

    private static final Set<String> INPUT_ROLES = Set.of("user", "system", "developer");

    private ResponsesInput() {
    }

    static List<Message> toMessages(JsonNode input, List<Warning> warnings) {
        if (input == null || input.isNull()) {
            return List.of();
        }
        if (input.isTextual()) {
            return List.of(Message.of("user", input.textValue()));
        }
        if (!input.isArray()) {
            throw GatewayException.invalid("'input' must be a string or a list of input items.", "input");
        }
        List<Message> messages = new ArrayList<>();
        AssistantTurn turn = null;
        for (int i = 0; i < input.size(); i++) {
            String at = "input[" + i + "]";
            JsonNode item = input.get(i);
            String type = itemType(item, at);
            switch (type) {
                case "message" -> {
                    InputMessage message = ResponsesApiReader.convert(item, InputMessage.class, at);
                    if ("assistant".equals(message.role())) {
                        turn = turn == null || turn.hasAnswer() ? flush(turn, messages, new AssistantTurn()) : turn;
                        turn.addMessage(message, at);
                    } else {
                        turn = flush(turn, messages, null);
                        messages.add(toInputMessage(message, at));
                    }
                }
                case "function_call" -> {
                    turn = turn == null ? new AssistantTurn() : turn;
                    turn.addCall(ResponsesApiReader.convert(item, FunctionCallItem.class, at), at);
                }
                case "function_call_output" -> {
                    turn = flush(turn, messages, null);
                    messages.add(toToolResult(ResponsesApiReader.convert(item, FunctionCallOutputItem.class, at), at));
                }
                case "reasoning" -> {
                    turn = turn == null || turn.hasAnswer() ? flush(turn, messages, new AssistantTurn()) : turn;
                    turn.addReasoning(ResponsesApiReader.convert(item, ReasoningItem.class, at), warnings);
                }
                case "item_reference" -> throw GatewayException.invalid("'" + at + "' is an item_reference: this "
                        + "gateway does not store responses; send the item itself.", at + ".type");
                default -> throw GatewayException.invalid("'" + at + "' has type '" + type + "': only message, "
                        + "function_call, function_call_output and reasoning items are served; built-in tools' items "
                        + "belong to tools OpenAI runs on its side.", at + ".type");
            }
        }
        flush(turn, messages, null);
        return messages;
    }

    /** An item's {@code type}; the "easy" message form has none and is known by its {@code role}. */
    private static String itemType(JsonNode item, String at) {
        if (!item.isObject()) {
            throw GatewayException.invalid("'" + at + "' must be a JSON object.", at);
        }
        JsonNode type = item.get("type");
        if (type == null || type.isNull()) {
            if (item.has("role")) {
                return "message";
            }
            throw GatewayException.invalid("'" + at + ".type' is required.", at + ".type");
        }
        if (!type.isTextual()) {
            throw GatewayException.invalid("'" + at + ".type' must be a string.", at + ".type");
        }
        return type.textValue();
    }

    /** Adds the open turn, if any, to {@code messages} and returns {@code next} as the open turn. */
    private static AssistantTurn flush(AssistantTurn turn, List<Message> messages, AssistantTurn next) {
        if (turn != null) {
            messages.add(turn.toMessage());
        }
        return next;
    }

    private static Message toInputMessage(InputMessage message, String at) {
        if (message.role() == null || !INPUT_ROLES.contains(message.role())) {
            throw GatewayException.invalid("'" + at + ".role' must be user, system, developer or assistant.",
                    at + ".role");
        }
        return new Message(message.role(), toContent(message.content(), at + ".content"), null, null, null, null,
                null, null);
    }

    /** A string, or parts; text-only messages keep the form the client chose, as Chat Completions does. */
    static Content toContent(JsonNode content, String at) {
        if (content != null && content.isTextual()) {
            return Content.of(content.textValue());
        }
        if (content == null || !content.isArray()) {
            throw GatewayException.invalid("'" + at + "' must be a string or a list of content parts.", at);
        }
        List<ContentPart> parts = new ArrayList<>(content.size());
        for (int i = 0; i < content.size(); i++) {
            String partAt = at + "[" + i + "]";
            parts.add(toPart(ResponsesApiReader.convert(content.get(i), InputContent.class, partAt), partAt));
        }
        return new Content(null, parts);
    }

    static ContentPart toPart(InputContent part, String at) {
        String type = part.type() == null ? "" : part.type();
        return switch (type) {
            // output_text appears when a client replays an assistant message under another role
            case InputContent.INPUT_TEXT, InputContent.OUTPUT_TEXT -> ContentPart.text(requireText(part.text(), at));
            case InputContent.INPUT_IMAGE -> {
                if (part.imageUrl() == null) {
                    throw GatewayException.invalid("'" + at + "' needs 'image_url' (an https or data URL): file "
                            + "ids point into OpenAI's Files API, which this gateway does not have.", at + ".image_url");
                }
                yield new ContentPart("image_url", null, new ContentPart.ImageUrl(part.imageUrl(), part.detail()),
                        null);
            }
            case InputContent.INPUT_FILE -> {
                if (part.fileData() == null) {
                    throw GatewayException.invalid("'" + at + "' needs 'file_data' (a base64 data URL): file ids "
                            + "and file URLs are not fetched by this gateway.", at + ".file_data");
                }
                // Chat Completions' file part, which the provider formats translate
                var file = Json.MAPPER.createObjectNode().put("file_data", part.fileData());
                if (part.filename() != null) {
                    file.put("filename", part.filename());
                }
                yield new ContentPart("file", null, null, new LinkedHashMap<>(Map.of("file", file)));
            }
            default -> throw GatewayException.invalid("'" + at + ".type' must be input_text, input_image or "
                    + "input_file.", at + ".type");
        };
    }

    private static String requireText(String text, String at) {
        if (text == null) {
            throw GatewayException.invalid("'" + at + ".text' is required.", at + ".text");
        }
        return text;
    }

    /** A function's result, as the {@code tool} message that answers the assistant's call. */
    private static Message toToolResult(FunctionCallOutputItem item, String at) {
        if (item.callId() == null || item.callId().isBlank()) {
            throw GatewayException.invalid("'" + at + ".call_id' is required.", at + ".call_id");
        }
        return new Message("tool", toContent(item.output(), at + ".output"), null, null, item.callId(), null, null,
                null);
    }

    /** One assistant turn being gathered from consecutive reasoning, message and function_call items. */
    private static final class AssistantTurn {

        private final StringBuilder text = new StringBuilder();
        private final StringBuilder reasoning = new StringBuilder();
        private final List<ToolCall> calls = new ArrayList<>();
        private String refusal;
        private boolean hasText;

        /** Text or calls: a reasoning item or a second message after them begins the next turn. */
        boolean hasAnswer() {
            return hasText || refusal != null || !calls.isEmpty();
        }

        void addMessage(InputMessage message, String at) {
            JsonNode content = message.content();
            if (content != null && content.isTextual()) {
                text.append(content.textValue());
                hasText = true;
                return;
            }
            if (content == null || !content.isArray()) {
                throw GatewayException.invalid("'" + at + ".content' must be a string or a list of content parts.",
                        at + ".content");
            }
            for (int i = 0; i < content.size(); i++) {
                String partAt = at + ".content[" + i + "]";
                InputContent part = ResponsesApiReader.convert(content.get(i), InputContent.class, partAt);
                String type = part.type() == null ? "" : part.type();
                switch (type) {
                    case InputContent.OUTPUT_TEXT, InputContent.INPUT_TEXT -> {
                        text.append(requireText(part.text(), partAt));
                        hasText = true;
                    }
                    case InputContent.REFUSAL -> refusal = part.refusal();
                    default -> throw GatewayException.invalid("'" + partAt + ".type' must be output_text or "
                            + "refusal in an assistant message.", partAt + ".type");
                }
            }
        }

        void addCall(FunctionCallItem call, String at) {
            if (call.callId() == null || call.callId().isBlank()) {
                throw GatewayException.invalid("'" + at + ".call_id' is required.", at + ".call_id");
            }
            if (call.name() == null || call.name().isBlank()) {
                throw GatewayException.invalid("'" + at + ".name' is required.", at + ".name");
            }
            if (call.arguments() == null) {
                throw GatewayException.invalid("'" + at + ".arguments' is required (a JSON object as a string).",
                        at + ".arguments");
            }
            calls.add(ToolCall.of(call.callId(), call.name(), call.arguments()));
        }

        /**
         * The reasoning text, else its summaries. Encrypted reasoning is readable by OpenAI's Responses API only,
         * never through Chat Completions, so it cannot be forwarded to any provider.
         */
        void addReasoning(ReasoningItem item, List<Warning> warnings) {
            List<TextPart> parts = item.content() != null && !item.content().isEmpty() ? item.content()
                    : item.summary() == null ? List.of() : item.summary();
            for (TextPart part : parts) {
                if (part != null && part.text() != null) {
                    if (!reasoning.isEmpty()) {
                        reasoning.append("\n\n");
                    }
                    reasoning.append(part.text());
                }
            }
            Warning encrypted = new Warning("unsupported_parameter", "input.reasoning.encrypted_content",
                    "encrypted reasoning can be read by OpenAI's Responses API only; not forwarded");
            if (item.encryptedContent() != null && !warnings.contains(encrypted)) {
                warnings.add(encrypted);
            }
        }

        Message toMessage() {
            return new Message("assistant", hasText ? Content.of(text.toString()) : null, null,
                    calls.isEmpty() ? null : List.copyOf(calls), null, refusal,
                    reasoning.isEmpty() ? null : reasoning.toString(), null);
        }
    }
}
