package dev.caravan.format.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.canonical.Content;
import dev.caravan.canonical.ContentPart;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ReasoningDetail;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.Warning;
import dev.caravan.error.GatewayException;
import dev.caravan.format.anthropic.MessagesApiReader.Fields;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An inbound Messages conversation as canonical messages: the system prompt as a system message, each user turn as
 * its tool results (one {@code tool} message each, in order) followed by the rest of its content, each assistant
 * turn as one message whose thinking stays signed. {@link AnthropicMessages} is the way back, and for the blocks
 * both sides know the two are inverse (the round-trip test holds them to it).
 */
final class MessagesContentReader {

    private static final Set<String> TEXT_FIELDS = Set.of("type", "text", "cache_control");
    private static final Set<String> SOURCE_FIELDS = Set.of("type", "source", "cache_control");
    private static final Set<String> DOCUMENT_FIELDS = Set.of("type", "source", "title", "cache_control");
    private static final Set<String> TOOL_RESULT_FIELDS = Set.of("type", "tool_use_id", "content", "is_error",
            "cache_control");

    private MessagesContentReader() {
    }

    /** {@code system} as a string, or as text blocks whose {@code cache_control} breakpoints are kept. */
    static Message toSystem(JsonNode system, List<Warning> warnings) {
        if (system.isTextual()) {
            return Message.of("system", system.textValue());
        }
        if (!system.isArray()) {
            throw Fields.wrongType("system", "a string or an array of text blocks");
        }
        List<ContentPart> parts = new ArrayList<>();
        for (int i = 0; i < system.size(); i++) {
            String at = "system[" + i + "]";
            JsonNode block = block(system.get(i), at);
            if (!AnthropicWire.Block.TEXT.equals(Fields.text(block, "type", at))) {
                throw GatewayException.invalid("'" + at + ".type' must be text.", at + ".type");
            }
            parts.add(toText(block, at, "system[]", warnings));
        }
        return new Message("system", MessagesApiReader.parts(parts), null, null, null, null, null, null);
    }

    /** One turn: an assistant message, or a user turn's tool messages and then its other content. */
    static List<Message> toMessages(JsonNode turn, String at, List<Warning> warnings) {
        if (!turn.isObject()) {
            throw Fields.wrongType(at, "an object");
        }
        MessagesApiReader.warnUnknown(turn, Set.of("role", "content"), "messages[]", warnings);
        String role = Fields.text(turn, "role", at);
        JsonNode content = turn.get("content");
        if (content == null || !(content.isTextual() || content.isArray())) {
            throw Fields.wrongType(at + ".content", "a string or an array of content blocks");
        }
        return switch (role == null ? "" : role) {
            case "user" -> content.isTextual()
                    ? List.of(Message.of("user", content.textValue())) : toUserMessages(content, at, warnings);
            case "assistant" -> List.of(content.isTextual()
                    ? Message.of("assistant", content.textValue()) : toAssistant(content, at, warnings));
            default -> throw GatewayException.invalid("'" + at + ".role' must be user or assistant.", at + ".role");
        };
    }

    private static List<Message> toUserMessages(JsonNode blocks, String at, List<Warning> warnings) {
        List<Message> toolResults = new ArrayList<>();
        List<ContentPart> parts = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            String blockAt = at + ".content[" + i + "]";
            JsonNode block = block(blocks.get(i), blockAt);
            String type = Fields.text(block, "type", blockAt);
            if (AnthropicWire.Block.TOOL_RESULT.equals(type)) {
                toolResults.add(toToolResult(block, blockAt, warnings));
            } else {
                ContentPart part = toUserPart(block, type, blockAt, warnings);
                if (part != null) {
                    parts.add(part);
                }
            }
        }
        List<Message> out = new ArrayList<>(toolResults);
        if (!parts.isEmpty() || toolResults.isEmpty()) {
            out.add(new Message("user", MessagesApiReader.parts(parts), null, null, null, null, null, null));
        }
        return out;
    }

    /** Text, images and documents: what a user message and a tool result may hold. Null for what is dropped. */
    private static ContentPart toUserPart(JsonNode block, String type, String at, List<Warning> warnings) {
        return switch (type == null ? "" : type) {
            case AnthropicWire.Block.TEXT -> toText(block, at, "messages[].content[]", warnings);
            case AnthropicWire.Block.IMAGE -> toImage(block, at, warnings);
            case AnthropicWire.Block.DOCUMENT -> toDocument(block, at, warnings);
            case AnthropicWire.Block.TOOL_USE, AnthropicWire.Block.THINKING, AnthropicWire.Block.REDACTED_THINKING ->
                    throw GatewayException.invalid("'" + at + ".type' is " + type + ", a block only an assistant"
                            + " message may hold.", at + ".type");
            default -> {
                AnthropicMapper.warn(warnings, new Warning("unsupported_parameter",
                        "messages[].content[].type=" + type, "content blocks of type '" + type
                        + "' are not translated; left out"));
                yield null;
            }
        };
    }

    private static ContentPart toText(JsonNode block, String at, String param, List<Warning> warnings) {
        String text = Fields.text(block, "text", at);
        if (text == null) {
            throw GatewayException.invalid("'" + at + ".text' is required.", at + ".text");
        }
        MessagesApiReader.warnUnknown(block, TEXT_FIELDS, param, warnings);
        return MessagesApiReader.textPart(text, block.get("cache_control"));
    }

    /** An image as OpenAI's {@code image_url}: a base64 source becomes a data URL, a URL source stays a URL. */
    private static ContentPart toImage(JsonNode block, String at, List<Warning> warnings) {
        MessagesApiReader.warnUnknown(block, SOURCE_FIELDS, "messages[].content[]", warnings);
        JsonNode source = source(block, at);
        String sourceType = Fields.text(source, "type", at + ".source");
        String url = switch (sourceType == null ? "" : sourceType) {
            case "base64" -> dataUrl(source, at);
            case "url" -> required(source, "url", at + ".source");
            default -> {
                // "file" names a file in Anthropic's Files API, which no other provider can read
                AnthropicMapper.warn(warnings, new Warning("unsupported_parameter",
                        "messages[].content[].source.type=" + sourceType, "image sources of type '" + sourceType
                        + "' are not translated; left out"));
                yield null;
            }
        };
        if (url == null) {
            return null;
        }
        return withCacheControl(new ContentPart("image_url", null, new ContentPart.ImageUrl(url, null), null), block);
    }

    /**
     * A base64 document (a PDF) as OpenAI's file part, its title as the file name. A plain-text document becomes
     * text; URL and Files API documents have no canonical form.
     */
    private static ContentPart toDocument(JsonNode block, String at, List<Warning> warnings) {
        MessagesApiReader.warnUnknown(block, DOCUMENT_FIELDS, "messages[].content[]", warnings);
        JsonNode source = source(block, at);
        String sourceType = Fields.text(source, "type", at + ".source");
        switch (sourceType == null ? "" : sourceType) {
            case "base64" -> {
                ObjectNode file = Json.MAPPER.createObjectNode().put("file_data", dataUrl(source, at));
                String title = Fields.text(block, "title", at);
                if (title != null) {
                    file.put("filename", title);
                }
                ContentPart part = new ContentPart(AnthropicMessages.FILE, null, null, null);
                part.extra().put(AnthropicMessages.FILE, file);
                return withCacheControl(part, block);
            }
            case "text" -> {
                AnthropicMapper.warn(warnings, Warning.adjusted("messages[].content[].source.type=text",
                        "a plain-text document is sent as text"));
                return MessagesApiReader.textPart(required(source, "data", at + ".source"),
                        block.get("cache_control"));
            }
            default -> {
                AnthropicMapper.warn(warnings, new Warning("unsupported_parameter",
                        "messages[].content[].source.type=" + sourceType, "document sources of type '" + sourceType
                        + "' are not translated; left out"));
                return null;
            }
        }
    }

    /** A tool result as a {@code tool} message; its content a string or text, image and document blocks. */
    private static Message toToolResult(JsonNode block, String at, List<Warning> warnings) {
        MessagesApiReader.warnUnknown(block, TOOL_RESULT_FIELDS, "messages[].content[]", warnings);
        String toolUseId = required(block, "tool_use_id", at);
        JsonNode content = block.get("content");
        Content canonical;
        if (content == null || content.isNull()) {
            canonical = null;
        } else if (content.isTextual()) {
            canonical = Content.of(content.textValue());
        } else if (content.isArray()) {
            List<ContentPart> parts = new ArrayList<>();
            for (int i = 0; i < content.size(); i++) {
                String partAt = at + ".content[" + i + "]";
                JsonNode part = block(content.get(i), partAt);
                String type = Fields.text(part, "type", partAt);
                if (AnthropicWire.Block.TOOL_RESULT.equals(type)) {
                    throw GatewayException.invalid("'" + partAt + ".type' may not be tool_result.",
                            partAt + ".type");
                }
                ContentPart converted = toUserPart(part, type, partAt, warnings);
                if (converted != null) {
                    parts.add(converted);
                }
            }
            canonical = MessagesApiReader.parts(parts);
        } else {
            throw Fields.wrongType(at + ".content", "a string or an array of content blocks");
        }
        Message message = new Message("tool", canonical, null, null, toolUseId, null, null, null);
        if (Boolean.TRUE.equals(Fields.bool(block, "is_error", at))) {
            message.extra().put(AnthropicMessages.IS_ERROR, Json.MAPPER.getNodeFactory().booleanNode(true));
        }
        // Claude Code marks the newest block for the prompt cache, and in a tool loop that is a tool result
        JsonNode cacheControl = block.get("cache_control");
        if (cacheControl != null && !cacheControl.isNull()) {
            message.extra().put(AnthropicMessages.CACHE_CONTROL, cacheControl);
        }
        return message;
    }

    /**
     * An assistant turn: text parts, tool calls (input serialised as OpenAI's arguments string), and thinking as
     * reasoning text plus its signed (or redacted) details in order, so an Anthropic target gets it back intact.
     */
    private static Message toAssistant(JsonNode blocks, String at, List<Warning> warnings) {
        List<ContentPart> parts = new ArrayList<>();
        List<ToolCall> calls = new ArrayList<>();
        List<String> reasoning = new ArrayList<>();
        List<ReasoningDetail> details = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            String blockAt = at + ".content[" + i + "]";
            JsonNode block = block(blocks.get(i), blockAt);
            String type = Fields.text(block, "type", blockAt);
            switch (type == null ? "" : type) {
                case AnthropicWire.Block.TEXT -> parts.add(toText(block, blockAt, "messages[].content[]", warnings));
                case AnthropicWire.Block.TOOL_USE -> {
                    MessagesApiReader.warnUnknown(block, Set.of("type", "id", "name", "input"),
                            "messages[].content[]", warnings);
                    JsonNode input = block.get("input");
                    if (input != null && !input.isObject()) {
                        throw Fields.wrongType(blockAt + ".input", "an object");
                    }
                    calls.add(ToolCall.of(required(block, "id", blockAt), required(block, "name", blockAt),
                            input == null ? "{}" : Json.writeString(input)));
                }
                case AnthropicWire.Block.THINKING -> {
                    String thinking = required(block, "thinking", blockAt);
                    reasoning.add(thinking);
                    details.add(ReasoningDetail.text(thinking, Fields.text(block, "signature", blockAt)));
                }
                case AnthropicWire.Block.REDACTED_THINKING ->
                        details.add(ReasoningDetail.encrypted(required(block, "data", blockAt)));
                case AnthropicWire.Block.TOOL_RESULT -> throw GatewayException.invalid("'" + blockAt
                        + ".type' is tool_result, a block only a user message may hold.", blockAt + ".type");
                default -> AnthropicMapper.warn(warnings, new Warning("unsupported_parameter",
                        "messages[].content[].type=" + type, "content blocks of type '" + type
                        + "' are not translated; left out"));
            }
        }
        Message message = new Message("assistant", parts.isEmpty() ? null : MessagesApiReader.parts(parts), null,
                calls.isEmpty() ? null : calls, null, null, reasoning.isEmpty() ? null : String.join("\n", reasoning),
                null);
        return message.withReasoningDetails(details);
    }

    private static JsonNode block(JsonNode block, String at) {
        if (block == null || !block.isObject()) {
            throw Fields.wrongType(at, "an object");
        }
        return block;
    }

    private static JsonNode source(JsonNode block, String at) {
        JsonNode source = Fields.object(block, "source", at);
        if (source == null) {
            throw GatewayException.invalid("'" + at + ".source' is required.", at + ".source");
        }
        return source;
    }

    private static String dataUrl(JsonNode source, String at) {
        return "data:" + required(source, "media_type", at + ".source") + ";base64,"
                + required(source, "data", at + ".source");
    }

    private static String required(JsonNode node, String name, String at) {
        String value = Fields.text(node, name, at);
        if (value == null) {
            throw GatewayException.invalid("'" + at + "." + name + "' is required.", at + "." + name);
        }
        return value;
    }

    private static ContentPart withCacheControl(ContentPart part, JsonNode block) {
        JsonNode cacheControl = block.get("cache_control");
        if (cacheControl != null && !cacheControl.isNull()) {
            Map<String, JsonNode> extra = part.extra();
            extra.put(AnthropicMessages.CACHE_CONTROL, cacheControl);
        }
        return part;
    }
}
