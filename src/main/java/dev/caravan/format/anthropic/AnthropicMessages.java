package dev.caravan.format.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.Content;
import dev.caravan.canonical.ContentPart;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ReasoningDetail;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.Warning;
import dev.caravan.error.GatewayException;
import dev.caravan.format.anthropic.AnthropicWire.Block;
import dev.caravan.format.anthropic.AnthropicWire.Source;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * An OpenAI-shaped conversation as Anthropic wants it: system and developer messages lifted into the top-level
 * {@code system}, tool results turned into user messages, and consecutive messages of one role merged, because
 * Anthropic requires user and assistant turns to alternate.
 */
final class AnthropicMessages {

    /** OpenAI-compatible clients may put Anthropic's {@code cache_control} on a content part; it is kept. */
    static final String CACHE_CONTROL = "cache_control";
    /**
     * Anthropic's {@code is_error} of a tool result, kept in the tool message's {@code extra}: OpenAI's tool message
     * has no such flag, and a model told that a tool failed answers differently.
     */
    static final String IS_ERROR = "is_error";
    /** OpenAI's file part: {@code {"type":"file","file":{"file_data":"data:...;base64,...","filename":"..."}}}. */
    static final String FILE = "file";

    private AnthropicMessages() {
    }

    /** The system prompt: one string, or text blocks when a part asks for prompt caching. Null when empty. */
    static Object toSystem(List<Message> messages, String instruction) {
        List<Block> blocks = new ArrayList<>();
        for (Message message : messages) {
            if (isSystem(message.role()) && message.content() != null) {
                blocks.addAll(toTextBlocks(message.content()));
            }
        }
        if (instruction != null) {
            blocks.add(Block.text(instruction, null));
        }
        if (blocks.isEmpty()) {
            return null;
        }
        if (blocks.stream().allMatch(block -> block.cacheControl() == null)) {
            return String.join("\n\n", blocks.stream().map(Block::text).toList());
        }
        return blocks;
    }

    /** The conversation without its system messages, in alternating user and assistant turns. */
    static List<AnthropicWire.Message> toMessages(List<Message> messages, List<Warning> warnings) {
        List<AnthropicWire.Message> out = new ArrayList<>();
        for (Message message : messages) {
            if (message.name() != null) {
                AnthropicMapper.warn(warnings, Warning.unsupported("messages[].name", AnthropicMapper.PROVIDER));
            }
            String role = Objects.requireNonNullElse(message.role(), "");
            switch (role) {
                case "system", "developer" -> {
                }
                case "user" -> out.add(new AnthropicWire.Message("user", toBlocks(message.content(), warnings)));
                case "assistant" -> out.add(new AnthropicWire.Message("assistant", toAssistantBlocks(message)));
                case "tool" -> out.add(new AnthropicWire.Message("user", List.of(toToolResult(message, warnings))));
                default -> throw GatewayException.invalid(
                        "message role '" + role + "' is not supported; use system, developer, user, assistant or tool",
                        "messages");
            }
        }
        return alternate(out);
    }

    static boolean isSystem(String role) {
        return "system".equals(role) || "developer".equals(role);
    }

    /**
     * Whether the last assistant turn called tools without its signed thinking. Anthropic insists on getting that
     * turn's signed thinking blocks back when thinking is on; a history from an OpenAI client has no signatures,
     * one from an Anthropic client carries them as reasoning details.
     */
    static boolean lastAssistantCalledToolsUnsigned(List<Message> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            Message message = messages.get(i);
            if ("assistant".equals(message.role())) {
                return message.toolCalls() != null && !message.toolCalls().isEmpty()
                        && toThinkingBlocks(message).isEmpty();
            }
        }
        return false;
    }

    /** User content: text and images; other part types are reported, not sent. */
    static List<Block> toBlocks(Content content, List<Warning> warnings) {
        if (content == null) {
            return List.of();
        }
        List<Block> blocks = new ArrayList<>();
        for (ContentPart part : content.asParts()) {
            String type = Objects.requireNonNullElse(part.type(), "text");
            switch (type) {
                case "text" -> {
                    if (part.text() != null && !part.text().isEmpty()) {
                        blocks.add(Block.text(part.text(), part.extra().get(CACHE_CONTROL)));
                    }
                }
                case "image_url" -> blocks.add(Block.image(toImageSource(part.imageUrl()),
                        part.extra().get(CACHE_CONTROL)));
                case FILE -> blocks.add(toDocument(part, warnings));
                default -> AnthropicMapper.warn(warnings,
                        Warning.unsupported("messages[].content[].type=" + type, AnthropicMapper.PROVIDER));
            }
        }
        return blocks;
    }

    static Source toImageSource(ContentPart.ImageUrl image) {
        if (image == null || image.url() == null) {
            throw GatewayException.invalid("an image_url part has no url", "messages");
        }
        return image.isData() ? Source.base64(image.mediaType(), image.base64Data()) : Source.url(image.url());
    }

    /**
     * A file part as a document block. Anthropic reads PDFs (and plain text) only from base64 or a URL; a
     * {@code file_id} names a file in OpenAI's storage, which Anthropic cannot read.
     */
    static Block toDocument(ContentPart part, List<Warning> warnings) {
        JsonNode file = part.extra().get(FILE);
        JsonNode data = file == null ? null : file.get("file_data");
        if (data == null || !data.isTextual() || !data.textValue().startsWith("data:")) {
            throw GatewayException.invalid(AnthropicMapper.PROVIDER + " needs file parts as file_data data: URLs",
                    "messages");
        }
        ContentPart.ImageUrl url = new ContentPart.ImageUrl(data.textValue(), null);
        JsonNode filename = file.get("filename");
        return Block.document(Source.base64(url.mediaType(), url.base64Data()),
                filename != null && filename.isTextual() ? filename.textValue() : null,
                part.extra().get(CACHE_CONTROL));
    }

    /**
     * Signed thinking first (Anthropic requires it ahead of the text and tool calls it led to), then text, then tool
     * calls. Reasoning without a signature is not sent back: Anthropic rejects unsigned thinking.
     */
    static List<Block> toAssistantBlocks(Message message) {
        List<Block> blocks = new ArrayList<>(toThinkingBlocks(message));
        if (message.content() != null) {
            blocks.addAll(toTextBlocks(message.content()));
        }
        if (message.toolCalls() != null) {
            for (ToolCall call : message.toolCalls()) {
                blocks.add(toToolUse(call));
            }
        }
        return blocks;
    }

    /** The signed and the redacted thinking of an assistant message, in order. */
    static List<Block> toThinkingBlocks(Message message) {
        List<Block> blocks = new ArrayList<>();
        for (ReasoningDetail detail : message.reasoningDetails()) {
            switch (Objects.requireNonNullElse(detail.type(), "")) {
                case ReasoningDetail.TEXT -> {
                    if (detail.signature() != null && !detail.signature().isEmpty()) {
                        blocks.add(Block.thinking(Objects.requireNonNullElse(detail.text(), ""), detail.signature()));
                    }
                }
                case ReasoningDetail.ENCRYPTED -> {
                    if (detail.data() != null) {
                        blocks.add(Block.redactedThinking(detail.data()));
                    }
                }
                // another provider's reasoning format (OpenRouter has reasoning.summary): nothing Anthropic reads
                default -> {
                }
            }
        }
        return blocks;
    }

    static Block toToolUse(ToolCall call) {
        if (call.id() == null || call.function() == null || call.function().name() == null) {
            throw GatewayException.invalid("an assistant tool call needs an id and a function name", "messages");
        }
        return Block.toolUse(toToolUseId(call.id()), call.function().name(), toToolInput(call));
    }

    /** OpenAI carries arguments as a JSON string; Anthropic wants the object itself. */
    static JsonNode toToolInput(ToolCall call) {
        String arguments = call.function().arguments();
        if (arguments == null || arguments.isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        JsonNode input;
        try {
            input = Json.MAPPER.readTree(arguments);
        } catch (JsonProcessingException e) {
            input = null;
        }
        if (input == null || !input.isObject()) {
            throw GatewayException.invalid("the arguments of tool call '" + call.id()
                    + "' are not a JSON object; Anthropic needs them as an object", "messages");
        }
        return input;
    }

    static Block toToolResult(Message message, List<Warning> warnings) {
        if (message.toolCallId() == null) {
            throw GatewayException.invalid("a tool message needs the tool_call_id it answers", "messages");
        }
        List<Block> content = toBlocks(message.content(), warnings);
        JsonNode isError = message.extra().get(IS_ERROR);
        return Block.toolResult(toToolUseId(message.toolCallId()), content.isEmpty() ? null : content,
                isError != null && isError.asBoolean() ? Boolean.TRUE : null)
                .withCacheControl(message.extra().get(CACHE_CONTROL));
    }

    /**
     * Anthropic accepts only {@code [a-zA-Z0-9_-]} in tool_use ids, while ids minted by other providers may hold
     * more. The same rewrite is applied to the call and to its result, so they still pair up.
     */
    static String toToolUseId(String id) {
        return id.replaceAll("[^a-zA-Z0-9_-]", "_");
    }

    /** Text parts as text blocks; Anthropic rejects empty text blocks, so they are left out. */
    private static List<Block> toTextBlocks(Content content) {
        List<Block> blocks = new ArrayList<>();
        for (ContentPart part : content.asParts()) {
            if (part.text() != null && !part.text().isEmpty()) {
                blocks.add(Block.text(part.text(), part.extra().get(CACHE_CONTROL)));
            }
        }
        return blocks;
    }

    /**
     * Merges consecutive messages of one role and drops empty ones (Anthropic rejects both). In a merged user
     * message the tool results go first: Anthropic requires them ahead of any text in the message that answers
     * the tool calls.
     */
    static List<AnthropicWire.Message> alternate(List<AnthropicWire.Message> messages) {
        List<AnthropicWire.Message> out = new ArrayList<>();
        for (AnthropicWire.Message message : messages) {
            if (message.content().isEmpty()) {
                continue;
            }
            if (!out.isEmpty() && out.getLast().role().equals(message.role())) {
                List<Block> merged = Stream.concat(out.getLast().content().stream(), message.content().stream())
                        .toList();
                out.set(out.size() - 1, new AnthropicWire.Message(message.role(), toolResultsFirst(merged)));
            } else {
                out.add(message);
            }
        }
        return out;
    }

    private static List<Block> toolResultsFirst(List<Block> blocks) {
        return Stream.concat(
                blocks.stream().filter(block -> Block.TOOL_RESULT.equals(block.type())),
                blocks.stream().filter(block -> !Block.TOOL_RESULT.equals(block.type()))).toList();
    }
}
