package dev.caravan.format.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.ContentPart;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ResponseFormat;
import dev.caravan.canonical.Tool;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.ToolChoice;
import dev.caravan.canonical.Warning;
import dev.caravan.error.GatewayException;
import dev.caravan.format.gemini.GeminiWire.Content;
import dev.caravan.format.gemini.GeminiWire.FunctionCallingConfig;
import dev.caravan.format.gemini.GeminiWire.FunctionDeclaration;
import dev.caravan.format.gemini.GeminiWire.GenerateContentRequest;
import dev.caravan.format.gemini.GeminiWire.GenerationConfig;
import dev.caravan.format.gemini.GeminiWire.Part;
import dev.caravan.format.gemini.GeminiWire.ThinkingConfig;
import dev.caravan.format.gemini.GeminiWire.ToolConfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Canonical (OpenAI-shaped) requests written as Gemini {@code generateContent} requests. */
final class GeminiRequestMapper {

    static final String PROVIDER = "gemini";
    static final String USER = "user";
    static final String MODEL = "model";

    /**
     * Gemini 3 rejects a replayed function call without the thought signature it came with, and OpenAI clients
     * have nowhere to keep one. Google documents this value for history it did not produce; earlier models ignore it.
     */
    static final String SKIP_SIGNATURE = "skip_thought_signature_validator";

    /** Extra (non-OpenAI) request fields Gemini can honour; every other extra field is reported unsupported. */
    private static final String TOP_K = "top_k";

    private GeminiRequestMapper() {
    }

    static GenerateContentRequest toRequest(ChatRequest request, List<Warning> warnings) {
        List<Message> messages = request.messages() == null ? List.of() : request.messages();
        reportUnsupported(request, warnings);
        GenerationConfig config = toGenerationConfig(request, warnings);
        return new GenerateContentRequest(
                toContents(messages, warnings),
                toSystemInstruction(messages),
                toTools(request.tools(), warnings),
                toToolConfig(request.toolChoice()),
                config.isEmpty() ? null : config);
    }

    static void reportUnsupported(ChatRequest request, List<Warning> warnings) {
        if (request.user() != null) {
            warn(warnings, Warning.unsupported("user", PROVIDER));
        }
        // Gemini decides alone whether to call functions in parallel; only "false" asks for something it can't do
        if (Boolean.FALSE.equals(request.parallelToolCalls())) {
            warn(warnings, Warning.unsupported("parallel_tool_calls", PROVIDER));
        }
        for (String field : request.extra().keySet()) {
            if (!TOP_K.equals(field)) {
                warn(warnings, Warning.unsupported(field, PROVIDER));
            }
        }
    }

    /** System and developer messages go to {@code systemInstruction}, wherever they stood in the conversation. */
    static Content toSystemInstruction(List<Message> messages) {
        List<Part> parts = new ArrayList<>();
        for (Message message : messages) {
            if (isSystem(message.role()) && !message.text().isEmpty()) {
                parts.add(Part.text(message.text()));
            }
        }
        return parts.isEmpty() ? null : new Content(null, parts);
    }

    static List<Content> toContents(List<Message> messages, List<Warning> warnings) {
        List<Content> contents = new ArrayList<>();
        // Gemini's functionResponse names the function, OpenAI's tool message only the call id
        Map<String, String> toolNames = new HashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            Message message = messages.get(i);
            String at = "messages[" + i + "]";
            if (message.role() == null) {
                throw GatewayException.invalid("every message needs a role", at + ".role");
            }
            if (message.name() != null && !"function".equals(message.role())) {
                warn(warnings, Warning.unsupported("messages[].name", PROVIDER));
            }
            switch (message.role()) {
                case "system", "developer" -> {
                }
                case "user" -> append(contents, USER, toParts(message.content(), at + ".content", warnings));
                case "assistant" -> append(contents, MODEL, toModelParts(message, at, toolNames, warnings));
                case "tool" -> append(contents, USER, List.of(toFunctionResponse(message, at, toolNames)));
                case "function" -> append(contents, USER,
                        List.of(Part.response(message.name(), toToolResponse(message.text()))));
                default -> throw GatewayException.invalid("unknown message role '" + message.role() + "'",
                        at + ".role");
            }
        }
        return contents;
    }

    /**
     * Gemini wants user and model turns to alternate, and the answers to parallel calls in one turn; OpenAI sends one
     * tool message per answer, so consecutive same-role contents are merged. Contents without parts are dropped,
     * since Gemini rejects them.
     */
    static void append(List<Content> contents, String role, List<Part> parts) {
        if (parts.isEmpty()) {
            return;
        }
        if (!contents.isEmpty() && contents.getLast().role().equals(role)) {
            Content last = contents.removeLast();
            List<Part> merged = new ArrayList<>(last.parts());
            merged.addAll(parts);
            contents.add(new Content(role, merged));
        } else {
            contents.add(new Content(role, List.copyOf(parts)));
        }
    }

    static List<Part> toParts(dev.caravan.canonical.Content content, String at, List<Warning> warnings) {
        if (content == null) {
            return List.of();
        }
        List<Part> parts = new ArrayList<>();
        List<ContentPart> source = content.asParts();
        for (int i = 0; i < source.size(); i++) {
            Part part = toPart(source.get(i), at + "[" + i + "]", warnings);
            if (part != null) {
                parts.add(part);
            }
        }
        return parts;
    }

    /** One content part, or null for empty text (Gemini rejects empty text parts). */
    static Part toPart(ContentPart part, String at, List<Warning> warnings) {
        String type = part.type() == null ? "" : part.type();
        return switch (type) {
            case "text" -> part.text() == null || part.text().isEmpty() ? null : Part.text(part.text());
            case "image_url" -> toImagePart(part.imageUrl(), at, warnings);
            case "input_audio" -> toAudioPart(part.extra().get("input_audio"), at);
            case "file" -> toFilePart(part.extra().get("file"), at);
            default -> throw GatewayException.invalid("content part type '" + type + "' is not supported by "
                    + PROVIDER, at + ".type");
        };
    }

    static Part toImagePart(ContentPart.ImageUrl image, String at, List<Warning> warnings) {
        if (image == null || image.url() == null) {
            throw GatewayException.invalid("image_url needs a url", at + ".image_url.url");
        }
        if (image.detail() != null && !"auto".equals(image.detail())) {
            warn(warnings, Warning.unsupported("image_url.detail", PROVIDER));
        }
        if (image.isData()) {
            return Part.inline(image.mediaType(), image.base64Data());
        }
        // fileData needs a MIME type, and an OpenAI image URL carries none
        return Part.file(guessImageType(image.url()), image.url());
    }

    static String guessImageType(String url) {
        String path = url.toLowerCase(Locale.ROOT);
        int end = path.length();
        int query = path.indexOf('?');
        int fragment = path.indexOf('#');
        if (query >= 0) {
            end = query;
        }
        if (fragment >= 0 && fragment < end) {
            end = fragment;
        }
        path = path.substring(0, end);
        int dot = path.lastIndexOf('.');
        String extension = dot < 0 || path.lastIndexOf('/') > dot ? "" : path.substring(dot + 1);
        return switch (extension) {
            case "png" -> "image/png";
            case "gif" -> "image/gif";
            case "webp" -> "image/webp";
            case "heic" -> "image/heic";
            case "heif" -> "image/heif";
            default -> "image/jpeg";
        };
    }

    /** OpenAI's {@code {"input_audio":{"data":"<base64>","format":"wav"}}}. */
    static Part toAudioPart(JsonNode audio, String at) {
        if (audio == null || !audio.path("data").isTextual() || !audio.path("format").isTextual()) {
            throw GatewayException.invalid("input_audio needs data and format", at + ".input_audio");
        }
        return Part.inline("audio/" + audio.path("format").textValue(), audio.path("data").textValue());
    }

    /** OpenAI's {@code {"file":{"file_data":"data:application/pdf;base64,...","filename":"..."}}}. */
    static Part toFilePart(JsonNode file, String at) {
        JsonNode data = file == null ? null : file.get("file_data");
        if (data == null || !data.isTextual() || !data.textValue().startsWith("data:")) {
            // file_id names a file in OpenAI's own storage, which Gemini cannot read
            throw GatewayException.invalid(PROVIDER + " needs file parts as file_data data: URLs", at + ".file");
        }
        ContentPart.ImageUrl url = new ContentPart.ImageUrl(data.textValue(), null);
        return Part.inline(url.mediaType(), url.base64Data());
    }

    static List<Part> toModelParts(Message message, String at, Map<String, String> toolNames,
                                   List<Warning> warnings) {
        // reasoning_content is not sent back: Gemini rebuilds its reasoning from signatures, not from thought text
        List<Part> parts = new ArrayList<>(toParts(message.content(), at + ".content", warnings));
        List<ToolCall> calls = message.toolCalls() == null ? List.of() : message.toolCalls();
        for (int i = 0; i < calls.size(); i++) {
            ToolCall call = calls.get(i);
            String callAt = at + ".tool_calls[" + i + "]";
            if (call.function() == null || call.function().name() == null) {
                throw GatewayException.invalid("a tool call needs a function name", callAt + ".function.name");
            }
            String name = call.function().name();
            if (call.id() != null) {
                toolNames.put(call.id(), name);
            }
            // Gemini 3 checks the signature on the first call of each step only (parallel calls share it)
            parts.add(Part.call(name, toArguments(call.function().arguments(), callAt + ".function.arguments"),
                    i == 0 ? SKIP_SIGNATURE : null));
        }
        return parts;
    }

    /** OpenAI sends arguments as a JSON string; Gemini wants the object. */
    static JsonNode toArguments(String arguments, String at) {
        if (arguments == null || arguments.isBlank()) {
            return JsonNodeFactory.instance.objectNode();
        }
        try {
            JsonNode args = Json.MAPPER.readTree(arguments);
            if (args != null && args.isObject()) {
                return args;
            }
        } catch (JsonProcessingException e) {
            // reported below
        }
        throw GatewayException.invalid("tool call arguments must be a JSON object", at);
    }

    static Part toFunctionResponse(Message message, String at, Map<String, String> toolNames) {
        String name = message.toolCallId() == null ? null : toolNames.get(message.toolCallId());
        if (name == null) {
            throw GatewayException.invalid("tool message answers no earlier assistant tool call (tool_call_id '"
                    + message.toolCallId() + "')", at + ".tool_call_id");
        }
        return Part.response(name, toToolResponse(message.text()));
    }

    /** Gemini's function response must be an object: a JSON object result is passed as it is, anything else wrapped. */
    static JsonNode toToolResponse(String text) {
        try {
            JsonNode parsed = Json.MAPPER.readTree(text);
            if (parsed != null && parsed.isObject()) {
                return parsed;
            }
        } catch (JsonProcessingException e) {
            // plain text: wrapped below
        }
        return JsonNodeFactory.instance.objectNode().put("result", text);
    }

    static List<GeminiWire.Tool> toTools(List<Tool> tools, List<Warning> warnings) {
        if (tools == null || tools.isEmpty()) {
            return null;
        }
        List<FunctionDeclaration> declarations = new ArrayList<>(tools.size());
        for (int i = 0; i < tools.size(); i++) {
            Tool tool = tools.get(i);
            if (!"function".equals(tool.type()) || tool.function() == null) {
                throw GatewayException.invalid(PROVIDER + " supports function tools only", "tools[" + i + "].type");
            }
            Tool.Function function = tool.function();
            if (Boolean.TRUE.equals(function.strict())) {
                warn(warnings, Warning.unsupported("tools[].function.strict", PROVIDER));
            }
            declarations.add(new FunctionDeclaration(function.name(), function.description(), function.parameters()));
        }
        return List.of(new GeminiWire.Tool(declarations));
    }

    static ToolConfig toToolConfig(ToolChoice choice) {
        if (choice == null) {
            return null;
        }
        FunctionCallingConfig config = switch (choice.mode()) {
            case ToolChoice.AUTO -> new FunctionCallingConfig("AUTO", null);
            case ToolChoice.NONE -> new FunctionCallingConfig("NONE", null);
            case ToolChoice.REQUIRED -> new FunctionCallingConfig("ANY", null);
            case ToolChoice.FUNCTION -> new FunctionCallingConfig("ANY", List.of(choice.functionName()));
            default -> throw GatewayException.invalid("unknown tool_choice '" + choice.mode() + "'", "tool_choice");
        };
        return new ToolConfig(config);
    }

    static GenerationConfig toGenerationConfig(ChatRequest request, List<Warning> warnings) {
        ResponseFormat format = request.responseFormat();
        return new GenerationConfig(
                request.temperature(),
                request.topP(),
                toTopK(request.extra().get(TOP_K)),
                request.outputLimit(),
                request.stop() == null || request.stop().isEmpty() ? null : request.stop(),
                request.n(),
                toSeed(request.seed(), warnings),
                request.presencePenalty(),
                request.frequencyPenalty(),
                toResponseMimeType(format),
                format != null && format.jsonSchema() != null ? format.jsonSchema().schema() : null,
                toThinkingConfig(request.reasoningEffort()));
    }

    static Integer toTopK(JsonNode topK) {
        if (topK == null || topK.isNull()) {
            return null;
        }
        if (!topK.canConvertToInt()) {
            throw GatewayException.invalid("top_k must be an integer", TOP_K);
        }
        return topK.intValue();
    }

    /** Gemini's seed is 32 bits; OpenAI's is 64. */
    static Integer toSeed(Long seed, List<Warning> warnings) {
        if (seed == null) {
            return null;
        }
        if (seed != seed.intValue()) {
            warn(warnings, Warning.adjusted("seed", PROVIDER + " takes a 32-bit seed; the low 32 bits were used"));
        }
        return seed.intValue();
    }

    static String toResponseMimeType(ResponseFormat format) {
        if (format == null || format.type() == null) {
            return null;
        }
        return switch (format.type()) {
            case ResponseFormat.TEXT -> null;
            case ResponseFormat.JSON_OBJECT, ResponseFormat.JSON_SCHEMA -> "application/json";
            default -> throw GatewayException.invalid("unknown response_format type '" + format.type() + "'",
                    "response_format.type");
        };
    }

    /**
     * The most a 2.5 model thinks when no budget is sent (dynamic thinking): Gemini 2.5 Pro's ceiling, the highest of
     * the family (Flash's is 24,576).
     */
    static final int MAX_DYNAMIC_THINKING = 32_768;

    /**
     * OpenAI's effort levels as 2.5-style thinking budgets (Gemini 3 still accepts them). 1024 is the least every
     * model takes (Flash-Lite's floor is 512) and 24576 the most (Flash's ceiling).
     */
    static ThinkingConfig toThinkingConfig(String effort) {
        if (effort == null) {
            return null;
        }
        return switch (effort) {
            case "none" -> new ThinkingConfig(0, null);
            case "minimal", "low" -> new ThinkingConfig(1024, true);
            case "medium" -> new ThinkingConfig(8192, true);
            case "high", "xhigh" -> new ThinkingConfig(24576, true);
            default -> throw GatewayException.invalid("unknown reasoning_effort '" + effort + "'",
                    "reasoning_effort");
        };
    }

    static boolean isSystem(String role) {
        return "system".equals(role) || "developer".equals(role);
    }

    /** Each unsupported parameter is reported once, however many messages or tools use it. */
    static void warn(List<Warning> warnings, Warning warning) {
        if (!warnings.contains(warning)) {
            warnings.add(warning);
        }
    }
}
