package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.Json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an SSE body into its payloads, checking the framing on the way: OpenAI's {@code data:}-only events, or the
 * named events of Anthropic's and the Responses API's streams.
 */
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

    /** One named event: its {@code event:} line and its JSON {@code data:}. */
    record Named(String event, JsonNode data) {
    }

    /**
     * The events of a stream whose every event must carry an {@code event:} line before its data (Anthropic's SDKs
     * drop data-only events silently), and name the type its JSON says.
     */
    static List<Named> named(String body) {
        List<Named> out = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            if (event.isBlank() || event.startsWith(":")) {
                continue; // a heartbeat comment
            }
            String[] lines = event.split("\n", 2);
            if (lines.length != 2 || !lines[0].startsWith("event: ") || !lines[1].startsWith("data: ")) {
                throw new AssertionError("event is not an event line and a data line: " + event);
            }
            String name = lines[0].substring(7);
            JsonNode data = Json.tree(lines[1].substring(6).getBytes(StandardCharsets.UTF_8));
            if (!name.equals(data.path("type").asText())) {
                throw new AssertionError("event line names " + name + ", its data " + data.path("type"));
            }
            out.add(new Named(name, data));
        }
        return out;
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
