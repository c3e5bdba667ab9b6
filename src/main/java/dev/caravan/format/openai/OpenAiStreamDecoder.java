package dev.caravan.format.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.canonical.Json;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.stream.SseEvent;
import dev.caravan.stream.StreamDecoder;

import java.util.List;

/** OpenAI stream chunks are already canonical: read each, stop at {@code [DONE]}, raise an in-stream error. */
final class OpenAiStreamDecoder implements StreamDecoder {

    private static final String DONE = "[DONE]";

    @Override
    public List<ChatCompletionChunk> decode(SseEvent event) {
        String data = event.data();
        if (data.isEmpty() || DONE.equals(data)) {
            return List.of();
        }
        ChatCompletionChunk chunk = Json.read(data, ChatCompletionChunk.class);
        JsonNode error = chunk.extra().get("error");
        if (error != null) {
            // the chunk is an error object, not a completion: its "error" landed among the unknown fields
            JsonNode message = error.path("message");
            throw new GatewayException(ErrorKind.UPSTREAM_UNAVAILABLE,
                    message.isTextual() ? message.textValue() : "the provider sent an error in the stream");
        }
        return List.of(chunk);
    }

    @Override
    public List<ChatCompletionChunk> finish() {
        return List.of();
    }
}
