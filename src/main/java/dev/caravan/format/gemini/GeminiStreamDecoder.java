package dev.caravan.format.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.canonical.Content;
import dev.caravan.canonical.FinishReason;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ToolCall;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.format.gemini.GeminiResponseMapper.Answer;
import dev.caravan.format.gemini.GeminiWire.Candidate;
import dev.caravan.format.gemini.GeminiWire.FunctionCall;
import dev.caravan.format.gemini.GeminiWire.GenerateContentResponse;
import dev.caravan.format.gemini.GeminiWire.UsageMetadata;
import dev.caravan.stream.SseEvent;
import dev.caravan.stream.StreamDecoder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code streamGenerateContent?alt=sse}: every {@code data:} event is a whole GenerateContentResponse holding
 * only the new parts. Gemini sends each function call complete in one event, so a call becomes one tool-call delta
 * with id, name and all its arguments. Usage comes on several events, growing; the last one is the total.
 */
final class GeminiStreamDecoder implements StreamDecoder {

    private String id;
    private long created;
    private String model;
    private UsageMetadata usage;
    private final Map<Integer, CandidateState> candidates = new HashMap<>();

    /** Per candidate (OpenAI choice): whether the role was sent, and how many tool calls so far. */
    private static final class CandidateState {
        boolean started;
        int toolCalls;
    }

    @Override
    public List<ChatCompletionChunk> decode(SseEvent event) {
        String data = event.data();
        if (data == null || data.isBlank()) {
            return List.of();
        }
        JsonNode tree = parse(data);
        if (tree.has("error")) {
            throw toStreamError(tree.get("error"));
        }
        GenerateContentResponse response = Json.convert(tree, GenerateContentResponse.class);
        if (id == null) {
            id = GeminiResponseMapper.toCompletionId(response.responseId());
            created = Instant.now().getEpochSecond();
        }
        if (model == null) {
            model = response.modelVersion();
        }
        if (response.usageMetadata() != null) {
            usage = response.usageMetadata();
        }
        List<Candidate> list = response.candidates() == null ? List.of() : response.candidates();
        if (list.isEmpty()) {
            return GeminiResponseMapper.isBlocked(response) ? List.of(blocked()) : List.of();
        }
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        for (Candidate candidate : list) {
            ChatCompletionChunk chunk = toChunk(candidate);
            if (chunk != null) {
                chunks.add(chunk);
            }
        }
        return chunks;
    }

    @Override
    public List<ChatCompletionChunk> finish() {
        if (usage == null) {
            return List.of();
        }
        ChatCompletionChunk chunk = ChatCompletionChunk.usageOnly(id, created, model,
                GeminiResponseMapper.toUsage(usage));
        usage = null;
        return List.of(chunk);
    }

    private ChatCompletionChunk toChunk(Candidate candidate) {
        int index = candidate.indexOrZero();
        CandidateState state = candidates.computeIfAbsent(index, i -> new CandidateState());
        Answer answer = GeminiResponseMapper.toAnswer(candidate);
        List<ToolCall> toolCalls = new ArrayList<>(answer.calls().size());
        for (FunctionCall call : answer.calls()) {
            toolCalls.add(new ToolCall(state.toolCalls++, GeminiResponseMapper.toToolCallId(call), "function",
                    new ToolCall.FunctionCall(call.name(), GeminiResponseMapper.toArguments(call.args()))));
        }
        // the calls may have come events before the one that says STOP
        String finish = GeminiResponseMapper.toFinishReason(GeminiFinishReason.parse(candidate.finishReason()),
                state.toolCalls > 0);
        if (answer.isEmpty() && finish == null) {
            // e.g. an empty text part that only carries a thought signature
            return null;
        }
        Message delta = GeminiResponseMapper.withImages(new Message(state.started ? null : "assistant",
                answer.text().isEmpty() ? null : Content.of(answer.text()), null,
                toolCalls.isEmpty() ? null : toolCalls, null, null,
                answer.reasoning().isEmpty() ? null : answer.reasoning(), null), answer.images());
        state.started = true;
        return chunk(index, delta, finish);
    }

    /** A prompt blocked before generation: one event with promptFeedback and no candidates. */
    private ChatCompletionChunk blocked() {
        candidates.computeIfAbsent(0, i -> new CandidateState()).started = true;
        return chunk(0, Message.assistant("", null, null), FinishReason.CONTENT_FILTER);
    }

    /** {@link ChatCompletionChunk#of} always writes choice 0; with {@code candidateCount} > 1 others come too. */
    private ChatCompletionChunk chunk(int index, Message delta, String finish) {
        if (index == 0) {
            return ChatCompletionChunk.of(id, created, model, delta, finish);
        }
        return new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created, model,
                List.of(new ChatCompletionChunk.ChunkChoice(index, delta, finish, null)), null, null, null, null);
    }

    private static JsonNode parse(String data) {
        try {
            return Json.MAPPER.readTree(data);
        } catch (JsonProcessingException e) {
            throw new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE, "gemini sent a stream event that is not JSON");
        }
    }

    /** Gemini's error {@code status} names a google.rpc code; the retryable ones decide failover. */
    static GatewayException toStreamError(JsonNode error) {
        JsonNode message = error.path("message");
        String text = message.isTextual() ? message.textValue() : "gemini sent an error in the stream";
        ErrorKind kind = switch (error.path("status").asText("")) {
            case "RESOURCE_EXHAUSTED" -> ErrorKind.RATE_LIMITED;
            case "UNAVAILABLE" -> ErrorKind.UPSTREAM_OVERLOADED;
            case "DEADLINE_EXCEEDED" -> ErrorKind.UPSTREAM_TIMEOUT;
            default -> ErrorKind.UPSTREAM_UNAVAILABLE;
        };
        return new GatewayException(kind, text);
    }
}
