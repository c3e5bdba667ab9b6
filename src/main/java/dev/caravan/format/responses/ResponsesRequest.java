package dev.caravan.format.responses;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Warning;

import java.util.List;

/**
 * A Responses API request as the gateway holds it: the canonical {@link ChatRequest} every provider format
 * translates, the warnings reading it produced (parameters with no canonical form), and what the Responses API has
 * beyond Chat Completions: {@code store}, {@code previous_response_id}, and the parameters a Response echoes back.
 *
 * @param store              what the client asked for; false when absent (Caravan's default, unlike OpenAI's)
 * @param previousResponseId the earlier response this one continues, or null; whether that is served or refused is
 *                           the route's decision, so the reader only exposes it
 */
public record ResponsesRequest(
        ChatRequest chat,
        List<Warning> warnings,
        boolean store,
        String previousResponseId,
        Echo echo) {

    public ResponsesRequest {
        warnings = List.copyOf(warnings);
    }

    public boolean streaming() {
        return chat.streaming();
    }

    /**
     * Request parameters a Response repeats, as the client sent them (trees, so they come back byte for byte in
     * meaning); null where the client sent nothing, and the Response writes OpenAI's default.
     */
    public record Echo(
            String instructions,
            Integer maxOutputTokens,
            Boolean parallelToolCalls,
            JsonNode reasoning,
            Double temperature,
            JsonNode text,
            JsonNode toolChoice,
            JsonNode tools,
            Double topP,
            String user,
            JsonNode metadata) {
    }
}
