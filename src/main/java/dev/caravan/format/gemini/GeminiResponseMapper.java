package dev.caravan.format.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.FinishReason;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.Usage;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.format.gemini.GeminiWire.Blob;
import dev.caravan.format.gemini.GeminiWire.Candidate;
import dev.caravan.format.gemini.GeminiWire.FunctionCall;
import dev.caravan.format.gemini.GeminiWire.GenerateContentResponse;
import dev.caravan.format.gemini.GeminiWire.Part;
import dev.caravan.format.gemini.GeminiWire.UsageMetadata;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Gemini answers (whole, or one stream event) read back into the canonical shape. */
final class GeminiResponseMapper {

    private static final char[] ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    private GeminiResponseMapper() {
    }

    /**
     * What a candidate's parts say: answer text, thinking text, function calls, in order of appearance, and the
     * images an image model answered with ({@code inlineData} parts).
     */
    record Answer(String text, String reasoning, List<FunctionCall> calls, List<Blob> images) {

        boolean isEmpty() {
            return text.isEmpty() && reasoning.isEmpty() && calls.isEmpty() && images.isEmpty();
        }
    }

    /**
     * The message field that carries generated images on the OpenAI wire, as OpenRouter defines it (and the AI SDK's
     * OpenRouter provider reads as files): {@code images: [{"type":"image_url","image_url":{"url":"data:..."}}]}.
     * OpenAI's own Chat Completions has no image output; this is the shape OpenAI-compatible clients already meet.
     */
    static final String IMAGES_FIELD = "images";

    /** {@code images} as the message's extra field, or the message as it is when there are none. */
    static Message withImages(Message message, List<Blob> images) {
        if (images.isEmpty()) {
            return message;
        }
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (Blob image : images) {
            ObjectNode item = list.addObject();
            item.put("type", "image_url");
            item.putObject("image_url").put("url", "data:" + image.mimeType() + ";base64," + image.data());
        }
        message.extra().put(IMAGES_FIELD, list);
        return message;
    }

    static ChatCompletion toCompletion(GenerateContentResponse response) {
        List<ChatCompletion.Choice> choices = new ArrayList<>();
        List<Candidate> candidates = response.candidates() == null ? List.of() : response.candidates();
        for (Candidate candidate : candidates) {
            choices.add(toChoice(candidate));
        }
        if (choices.isEmpty()) {
            // a prompt blocked before generation has promptFeedback and no candidates at all
            choices.add(new ChatCompletion.Choice(0, Message.assistant("", null, null),
                    isBlocked(response) ? FinishReason.CONTENT_FILTER : FinishReason.STOP, null));
        }
        return new ChatCompletion(toCompletionId(response.responseId()), ChatCompletion.OBJECT,
                Instant.now().getEpochSecond(), response.modelVersion(), choices,
                toUsage(response.usageMetadata()), null, null, null);
    }

    static ChatCompletion.Choice toChoice(Candidate candidate) {
        Answer answer = toAnswer(candidate);
        List<ToolCall> toolCalls = new ArrayList<>(answer.calls().size());
        for (FunctionCall call : answer.calls()) {
            toolCalls.add(ToolCall.of(toToolCallId(call), call.name(), toArguments(call.args())));
        }
        // OpenAI's content is null beside tool calls, and a string otherwise
        String text = answer.text().isEmpty() && !toolCalls.isEmpty() ? null : answer.text();
        Message message = withImages(Message.assistant(text, toolCalls,
                answer.reasoning().isEmpty() ? null : answer.reasoning()), answer.images());
        return new ChatCompletion.Choice(candidate.indexOrZero(), message,
                toFinishReason(GeminiFinishReason.parse(candidate.finishReason()), !toolCalls.isEmpty()), null);
    }

    static boolean isBlocked(GenerateContentResponse response) {
        return response.promptFeedback() != null && response.promptFeedback().blockReason() != null;
    }

    static Answer toAnswer(Candidate candidate) {
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<FunctionCall> calls = new ArrayList<>();
        List<Blob> images = new ArrayList<>();
        List<Part> parts = candidate.content() == null || candidate.content().parts() == null
                ? List.of() : candidate.content().parts();
        for (Part part : parts) {
            if (part.functionCall() != null) {
                calls.add(part.functionCall());
            } else if (part.text() != null) {
                (Boolean.TRUE.equals(part.thought()) ? reasoning : text).append(part.text());
            } else if (part.inlineData() != null && part.inlineData().data() != null
                    && !Boolean.TRUE.equals(part.thought())) {
                // Gemini 3 image models show draft images while thinking: only the final ones are the answer
                images.add(part.inlineData());
            }
        }
        return new Answer(text.toString(), reasoning.toString(), calls, images);
    }

    /**
     * Gemini's finish reason as OpenAI's. Gemini says STOP after function calls too, so the calls decide; the
     * image filters count as content filters like the text ones.
     */
    static String toFinishReason(GeminiFinishReason reason, boolean hasToolCalls) {
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case STOP -> hasToolCalls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
            case MAX_TOKENS -> FinishReason.LENGTH;
            case SAFETY, RECITATION, BLOCKLIST, PROHIBITED_CONTENT, SPII, IMAGE_SAFETY, IMAGE_PROHIBITED_CONTENT,
                 IMAGE_RECITATION -> FinishReason.CONTENT_FILTER;
            case FINISH_REASON_UNSPECIFIED, LANGUAGE, OTHER, MALFORMED_FUNCTION_CALL, IMAGE_OTHER, NO_IMAGE,
                 UNEXPECTED_TOOL_CALL, TOO_MANY_TOOL_CALLS, MISSING_THOUGHT_SIGNATURE, MALFORMED_RESPONSE,
                 UNKNOWN -> FinishReason.STOP;
        };
    }

    /**
     * Gemini's prompt count already includes cached tokens, as OpenAI's does; tool-use prompt tokens (search and
     * code-execution results) are input too. Thinking tokens are billed as output but counted apart.
     */
    static Usage toUsage(UsageMetadata usage) {
        if (usage == null) {
            return null;
        }
        int prompt = orZero(usage.promptTokenCount()) + orZero(usage.toolUsePromptTokenCount());
        int completion = orZero(usage.candidatesTokenCount()) + orZero(usage.thoughtsTokenCount());
        return Usage.of(prompt, completion, usage.cachedContentTokenCount(), null, usage.thoughtsTokenCount());
    }

    /** Arguments as OpenAI's JSON string; a call to a function without parameters may carry no args. */
    static String toArguments(JsonNode args) {
        return args == null || args.isNull() ? "{}" : Json.writeString(args);
    }

    /** Gemini's own call id when it sent one; most models send none, and OpenAI clients need one to answer. */
    static String toToolCallId(FunctionCall call) {
        return call.id() != null && !call.id().isBlank() ? call.id() : "call_" + randomId();
    }

    static String toCompletionId(String responseId) {
        return "chatcmpl-" + (responseId != null && !responseId.isBlank() ? responseId : randomId());
    }

    private static String randomId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[24];
        for (int i = 0; i < id.length; i++) {
            id[i] = ID_CHARS[random.nextInt(ID_CHARS.length)];
        }
        return new String(id);
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }
}
