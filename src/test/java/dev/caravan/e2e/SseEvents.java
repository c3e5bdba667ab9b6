package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.Json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Splits an OpenAI SSE body into its {@code data:} payloads, checking the framing on the way. */
final class SseEvents {

    private SseEvents() {
    }

    static List<String> data(String body) {
        List<String> out = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            if (event.isBlank() || event.startsWith(":")) {
                continue; // a heartbeat comment
            }
            if (!event.startsWith("data: ")) {
                throw new AssertionError("event is not a data line: " + event);
            }
            out.add(event.substring(6));
        }
        return out;
    }

    static List<JsonNode> chunks(String body) {
        return data(body).stream().filter(d -> !d.equals("[DONE]"))
                .map(d -> Json.tree(d.getBytes(StandardCharsets.UTF_8))).toList();
    }

    static String text(List<JsonNode> chunks) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode chunk : chunks) {
            for (JsonNode choice : chunk.path("choices")) {
                sb.append(choice.path("delta").path("content").asText(""));
            }
        }
        return sb.toString();
    }
}
