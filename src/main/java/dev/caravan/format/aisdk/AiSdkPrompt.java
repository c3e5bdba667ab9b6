package dev.caravan.format.aisdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.Content;
import dev.caravan.canonical.ContentPart;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ReasoningDetail;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.Warning;
import dev.caravan.error.GatewayException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.caravan.format.aisdk.AiSdkReader.text;

/**
 * The AI SDK's prompt (LanguageModelV3/V4 messages: system, user, assistant, tool, each with typed parts) as
 * canonical messages, which are OpenAI's: a tool message per tool result, an assistant's tool calls beside its text,
 * its reasoning as {@code reasoning_content} (with Anthropic's signatures, {@link AiSdkReasoning}), images as {@code image_url} parts and other files as OpenAI's
 * {@code file} part (which the Anthropic and Gemini translators carry as documents).
 * <p>
 * File data comes in two shapes: V4's {@code {type:"data",data}} / {@code {type:"url",url}} / {@code {type:"text",text}}
 * objects and V3's plain string (base64 or a URL); both are read. What the providers have no place for (a file in an
 * assistant message, a provider-executed tool result, a tool approval, per-part provider options) is named in a
 * warning and left out.
 */
final class AiSdkPrompt {

    private AiSdkPrompt() {
    }

    static List<Message> toMessages(JsonNode prompt, List<Warning> warnings) {
        if (prompt == null || !prompt.isArray() || prompt.isEmpty()) {
            throw GatewayException.invalid("'prompt' is required: a list of messages.", "prompt");
        }
        List<Message> messages = new ArrayList<>(prompt.size());
        for (int i = 0; i < prompt.size(); i++) {
            String at = "prompt[" + i + "]";
            JsonNode message = prompt.get(i);
            String role = text(message, "role", at);
            if (message.hasNonNull("providerOptions") && !message.get("providerOptions").isEmpty()) {
                warnings.add(providerOptionsIgnored(at));
            }
            switch (role == null ? "" : role) {
                case "system" -> messages.add(Message.of("system", systemText(message.get("content"), at)));
                case "user" -> messages.add(new Message("user", userContent(parts(message, at), at, warnings), null,
                        null, null, null, null, null));
                case "assistant" -> messages.add(assistant(parts(message, at), at, warnings));
                case "tool" -> messages.addAll(toolResults(parts(message, at), at, warnings));
                default -> throw GatewayException.invalid("'" + at + ".role' must be system, user, assistant or tool.",
                        at + ".role");
            }
        }
        return messages;
    }

    private static String systemText(JsonNode content, String at) {
        if (content == null || !content.isTextual()) {
            throw GatewayException.invalid("'" + at + ".content' of a system message must be a string.",
                    at + ".content");
        }
        return content.textValue();
    }

    private static JsonNode parts(JsonNode message, String at) {
        JsonNode content = message.get("content");
        if (content == null || !content.isArray()) {
            throw GatewayException.invalid("'" + at + ".content' must be a list of parts.", at + ".content");
        }
        return content;
    }

    /** A user's text and files; text alone stays a plain string, which every OpenAI-compatible server takes. */
    static Content userContent(JsonNode parts, String at, List<Warning> warnings) {
        List<ContentPart> out = new ArrayList<>(parts.size());
        eachPart(parts, at, warnings, (part, partAt, type) -> {
            switch (type) {
                case "text" -> out.add(ContentPart.text(nonNull(text(part, "text", partAt), partAt + ".text")));
                case "file" -> out.add(toFilePart(part, partAt));
                default -> throw GatewayException.invalid("'" + partAt + ".type' must be text or file in a user "
                        + "message.", partAt + ".type");
            }
        });
        boolean textOnly = out.stream().allMatch(p -> "text".equals(p.type()));
        if (textOnly && out.size() == 1) {
            return Content.of(out.getFirst().text());
        }
        return new Content(null, out);
    }

    /**
     * An image as {@code image_url} (a URL or a data URL), a text file as its text, any other file (a PDF) as
     * OpenAI's {@code file} part with a data URL.
     */
    static ContentPart toFilePart(JsonNode part, String at) {
        String mediaType = nonNull(text(part, "mediaType", at), at + ".mediaType");
        JsonNode data = part.get("data");
        String url = null;
        String base64 = null;
        if (data != null && data.isTextual()) {
            // V3: a base64 string or a URL string (the SDK serialises a URL object as its href)
            String value = data.textValue();
            if (value.startsWith("http://") || value.startsWith("https://") || value.startsWith("data:")) {
                url = value;
            } else {
                base64 = value;
            }
        } else if (data != null && data.isObject()) {
            String kind = text(data, "type", at + ".data");
            switch (kind == null ? "" : kind) {
                case "data" -> base64 = nonNull(text(data, "data", at + ".data"), at + ".data.data");
                case "url" -> url = nonNull(text(data, "url", at + ".data"), at + ".data.url");
                case "text" -> {
                    return ContentPart.text(nonNull(text(data, "text", at + ".data"), at + ".data.text"));
                }
                default -> throw GatewayException.invalid("'" + at + ".data.type' must be data, url or text; a "
                        + "provider file reference cannot be read by another provider.", at + ".data.type");
            }
        } else {
            throw GatewayException.invalid("'" + at + ".data' is required: base64 data or a URL.", at + ".data");
        }
        boolean image = mediaType.startsWith("image");
        if (image && base64 != null && !mediaType.startsWith("image/")) {
            // the SDK sends a bare "image" for an image part whose type it was not told; a data URL needs one
            mediaType = imageType(base64);
        }
        String dataUrl = url != null ? url : "data:" + mediaType + ";base64," + base64;
        if (image) {
            return new ContentPart("image_url", null, new ContentPart.ImageUrl(dataUrl, null), null);
        }
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("file_data", dataUrl);
        String filename = text(part, "filename", at);
        if (filename != null) {
            file.put("filename", filename);
        }
        return new ContentPart("file", null, null,
                new LinkedHashMap<>(Map.of("file", Json.MAPPER.valueToTree(file))));
    }

    /** An image's media type from its first bytes, as base64: PNG, JPEG, GIF or WebP (PNG when unknown). */
    static String imageType(String base64) {
        if (base64.startsWith("/9j/")) {
            return "image/jpeg";
        }
        if (base64.startsWith("R0lG")) {
            return "image/gif";
        }
        if (base64.startsWith("UklG")) {
            return "image/webp";
        }
        return "image/png";
    }

    /** An assistant's earlier turn: its text, reasoning and tool calls in one message. */
    static Message assistant(JsonNode parts, String at, List<Warning> warnings) {
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        List<ReasoningDetail> details = new ArrayList<>();
        eachPart(parts, at, warnings, (part, partAt, type) -> {
            switch (type) {
                case "text" -> text.append(nonNull(text(part, "text", partAt), partAt + ".text"));
                case "reasoning" -> {
                    String thinking = nonNull(text(part, "text", partAt), partAt + ".text");
                    reasoning.append(thinking);
                    ReasoningDetail detail = AiSdkReasoning.fromProviderOptions(thinking, part.get("providerOptions"));
                    if (detail != null) {
                        details.add(detail);
                    }
                }
                case "tool-call" -> calls.add(ToolCall.of(
                        nonNull(text(part, "toolCallId", partAt), partAt + ".toolCallId"),
                        nonNull(text(part, "toolName", partAt), partAt + ".toolName"), arguments(part.get("input"))));
                default -> warnings.add(new Warning("unsupported_parameter", partAt,
                        "An assistant part of type '" + type + "' has no place in the providers' messages; left out"));
            }
        });
        return Message.assistant(text.isEmpty() && calls.isEmpty() ? "" : text.isEmpty() ? null : text.toString(),
                calls, reasoning.isEmpty() ? null : reasoning.toString()).withReasoningDetails(details);
    }

    /** The SDK sends a tool call's input parsed (V3 and V4 prompts) or, from older callers, as its JSON text. */
    private static String arguments(JsonNode input) {
        if (input == null || input.isNull()) {
            return "{}";
        }
        return input.isTextual() ? input.textValue() : Json.writeString(input);
    }

    /** A tool message's results, one OpenAI tool message each, in order. */
    static List<Message> toolResults(JsonNode parts, String at, List<Warning> warnings) {
        List<Message> out = new ArrayList<>(parts.size());
        eachPart(parts, at, warnings, (part, partAt, type) -> {
            if (!"tool-result".equals(type)) {
                warnings.add(new Warning("unsupported_parameter", partAt, "A tool part of type '" + type
                        + "' (tool approvals are the client's) has no place in the providers' messages; left out"));
                return;
            }
            String callId = nonNull(text(part, "toolCallId", partAt), partAt + ".toolCallId");
            out.add(new Message("tool", Content.of(resultText(part, partAt, warnings)), null, null, callId, null,
                    null, null));
        });
        return out;
    }

    /**
     * A tool result's output as the text a tool message carries: V4/V3's typed output ({@code text}, {@code json},
     * {@code error-text}, {@code error-json}, {@code execution-denied}, {@code content}), or an older caller's bare
     * {@code result}.
     */
    static String resultText(JsonNode part, String at, List<Warning> warnings) {
        JsonNode output = part.get("output");
        if (output == null || output.isNull()) {
            JsonNode result = part.get("result");
            return result == null ? "" : result.isTextual() ? result.textValue() : Json.writeString(result);
        }
        String type = text(output, "type", at + ".output");
        JsonNode value = output.get("value");
        return switch (type == null ? "" : type) {
            case "text", "error-text" -> value == null ? "" : value.asText();
            case "json", "error-json" -> value == null ? "null" : Json.writeString(value);
            case "execution-denied" -> "Tool execution denied" + (output.hasNonNull("reason")
                    ? ": " + output.get("reason").asText() : ".");
            case "content" -> contentText(value, at + ".output.value", warnings);
            default -> throw GatewayException.invalid("'" + at + ".output.type' is not a tool output type.",
                    at + ".output.type");
        };
    }

    private static String contentText(JsonNode value, String at, List<Warning> warnings) {
        StringBuilder text = new StringBuilder();
        if (value != null && value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                if ("text".equals(item.path("type").asText())) {
                    text.append(text.isEmpty() ? "" : "\n").append(item.path("text").asText());
                } else {
                    warnings.add(new Warning("unsupported_parameter", at + "[" + i + "]", "A tool result's "
                            + item.path("type").asText() + " content is sent to providers as text only; left out"));
                }
            }
        }
        return text.toString();
    }

    /** One part of a message's content as a reader takes it: the part, its path, its type ("" when it has none). */
    private interface PartReader {
        void read(JsonNode part, String at, String type);
    }

    /** Hands each part to {@code reader}, after warning for provider options on it, which no translator carries. */
    private static void eachPart(JsonNode parts, String at, List<Warning> warnings, PartReader reader) {
        for (int i = 0; i < parts.size(); i++) {
            String partAt = at + ".content[" + i + "]";
            JsonNode part = parts.get(i);
            String type = text(part, "type", partAt);
            if (part.hasNonNull("providerOptions") && !part.get("providerOptions").isEmpty()
                    && !("reasoning".equals(type) && AiSdkReasoning.onlySignature(part.get("providerOptions")))) {
                warnings.add(providerOptionsIgnored(partAt));
            }
            reader.read(part, partAt, type == null ? "" : type);
        }
    }

    private static Warning providerOptionsIgnored(String at) {
        return new Warning("unsupported_parameter", at + ".providerOptions",
                "Provider-specific options on messages and parts are not translated by the gateway; ignored");
    }

    private static String nonNull(String value, String at) {
        if (value == null) {
            throw GatewayException.invalid("'" + at + "' is required.", at);
        }
        return value;
    }
}
