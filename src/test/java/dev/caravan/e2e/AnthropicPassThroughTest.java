package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.RecordedRequest;
import dev.caravan.simulator.Reply;
import dev.caravan.simulator.ToolCallSpec;
import dev.caravan.usage.UsageRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.caravan.e2e.UsageAccountingTest.RECORDS;
import static dev.caravan.e2e.UsageAccountingTest.onlyRecord;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Anthropic to Anthropic is a pass-through: a recorded Claude Code-shaped request (a long system prompt in blocks
 * with {@code cache_control}, 22 tools, thinking on, a prior assistant turn with a signed thinking block and a
 * redacted one, {@code metadata.user_id}, a field newer than the gateway, escapes a re-serialiser would rewrite)
 * reaches the provider byte for byte but for its model id, and the provider's answer, streamed or whole, reaches
 * the client as the provider sent it but for the model id, while the usage record still has its tokens and cost.
 * A fallback to another format is still translated. Raw HTTP, as Claude Code sends it, over real sockets.
 */
@Import(UsageAccountingTest.CapturingSink.class)
class AnthropicPassThroughTest extends GatewayTestBase {

    private static final String FIXTURE = "/fixtures/anthropic/claude-code-request.json";
    /** As Claude Code sends it: a dated id, which the catalog serves as anthropic/claude-sonnet-4.6. */
    private static final String CLIENT_MODEL = "\"model\":\"claude-sonnet-4-6-20260101\"";
    private static final String PROVIDER_MODEL = "\"model\":\"claude-sonnet-4-6\"";
    private static final String CATALOG_MODEL = "\"model\":\"anthropic/claude-sonnet-4.6\"";

    @BeforeEach
    void clearRecords() {
        RECORDS.clear();
    }

    private static String fixture() {
        try (InputStream in = AnthropicPassThroughTest.class.getResourceAsStream(FIXTURE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Claude Code's headers: its key as x-api-key, a version, and betas, one of them not on the allow-list. */
    private HttpResponse<String> send(String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/v1/messages"))
                .header("x-api-key", GATEWAY_KEY)
                .header("Content-Type", "application/json")
                .header("anthropic-version", "2026-10-21")
                .header("anthropic-beta", "claude-code-20250219,interleaved-thinking-2025-05-14,oauth-2025-04-20")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Reply thinkingTextAndToolCall() {
        return Reply.reasoning("The assertion compares the escaped name.").withText("The test expects the accent.")
                .withToolCalls(ToolCallSpec.of("Read", "{\"file_path\":\"/home/dev/caravan/pom.xml\"}"))
                .chunks(3).usage(9000, 420).cachedTokens(6000).cacheWriteTokens(2500);
    }

    @Test
    void streams_a_claude_code_request_through_byte_for_byte_and_its_events_back_unchanged() throws Exception {
        String sent = fixture();
        assertThat(sent).contains(CLIENT_MODEL).contains("caf\\u00e9").contains("\"stream\":true");
        SIMULATOR.enqueue(thinkingTextAndToolCall());

        HttpResponse<String> response = send(sent);

        assertThat(response.statusCode()).isEqualTo(200);
        RecordedRequest upstream = SIMULATOR.lastRequest();
        assertThat(upstream.body()).isEqualTo(sent.replace(CLIENT_MODEL, PROVIDER_MODEL));
        assertThat(upstream.header("anthropic-beta")).isEqualTo("claude-code-20250219,interleaved-thinking-2025-05-14");
        assertThat(upstream.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(upstream.header("x-api-key")).isEqualTo(ANTHROPIC_KEY);
        assertThat(response.headers().firstValue("x-caravan-dropped-betas")).hasValue("oauth-2025-04-20");

        List<String> answered = events(response.body());
        List<String> provided = events(SIMULATOR.answersSent().getFirst());
        assertThat(provided.getFirst()).startsWith("event: message_start").contains(PROVIDER_MODEL);
        List<String> expected = new ArrayList<>(provided);
        expected.set(0, provided.getFirst().replace(PROVIDER_MODEL, CATALOG_MODEL));
        // the gateway's own heartbeats (a ping while the provider is silent) are the only events it may add
        assertThat(withoutPings(answered)).isEqualTo(withoutPings(expected));
        assertThat(answered).contains("event: content_block_delta\ndata: {\"type\":\"content_block_delta\","
                + "\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":"
                + "\"EqQBCkYIBRgCKkBjYXJhdmFuLXNpbXVsYXRvci10aGlua2luZy1zaWduYXR1cmU=\"}}");

        UsageRecord record = onlyRecord();
        assertThat(record.streamed()).isTrue();
        assertThat(record.provider()).isEqualTo("anthropic");
        assertThat(record.inputTokens()).isEqualTo(9000);
        assertThat(record.cachedReadTokens()).isEqualTo(6000);
        assertThat(record.cacheWriteTokens()).isEqualTo(2500);
        assertThat(record.outputTokens()).isEqualTo(420);
        // claude-sonnet-4.6 at 3 / 15 per million, cache reads 0.30, writes 3.75: 500×3 + 6000×0.3 + 2500×3.75 + 420×15
        assertThat(record.costUsd()).isEqualByComparingTo("0.018975");
        assertThat(response.headers().firstValue("x-caravan-generation-id")).hasValue(record.id());
    }

    @Test
    void answers_a_whole_claude_code_request_with_the_providers_own_bytes() throws Exception {
        String sent = fixture().replace("\"stream\":true", "\"stream\":false");
        SIMULATOR.enqueue(thinkingTextAndToolCall());

        HttpResponse<String> response = send(sent);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(SIMULATOR.lastRequest().body()).isEqualTo(sent.replace(CLIENT_MODEL, PROVIDER_MODEL));
        String provided = SIMULATOR.answersSent().getFirst();
        assertThat(response.body()).isEqualTo(provided.replace(PROVIDER_MODEL, CATALOG_MODEL));
        assertThat(response.headers().firstValue("x-caravan-model")).hasValue("anthropic/claude-sonnet-4.6");
        UsageRecord record = onlyRecord();
        assertThat(record.cachedReadTokens()).isEqualTo(6000);
        assertThat(record.cacheWriteTokens()).isEqualTo(2500);
        assertThat(response.headers().firstValue("x-caravan-cost")).hasValue(record.costUsd().toPlainString());
    }

    /**
     * The gateway's own options leave the body on the way (Anthropic would refuse the field); the fallback to an
     * OpenAI model gets the canonical request translated and answers in Anthropic's format as ever.
     */
    @Test
    void fails_over_from_a_passed_through_attempt_to_a_translated_one() throws Exception {
        String options = ",\"providerOptions\":{\"gateway\":{\"models\":[\"openai/gpt-5-mini\"]}}";
        String sent = fixture().replace("\"stream\":true", "\"stream\":false" + options);
        SIMULATOR.enqueue(Reply.error(503, "Overloaded"), Reply.text("from the fallback"));

        HttpResponse<String> response = send(sent);

        assertThat(response.statusCode()).isEqualTo(200);
        List<RecordedRequest> upstream = SIMULATOR.requests();
        assertThat(upstream).extracting(RecordedRequest::path)
                .containsExactly("/v1/messages", "/v1/chat/completions");
        assertThat(upstream.get(0).body()).isEqualTo(sent.replace(options, "").replace(CLIENT_MODEL, PROVIDER_MODEL));
        JsonNode answer = json(response.body());
        assertThat(answer.path("type").asText()).isEqualTo("message");
        assertThat(answer.path("model").asText()).isEqualTo("openai/gpt-5-mini");
        assertThat(answer.at("/content/0/text").asText()).isEqualTo("from the fallback");
    }

    /**
     * A passed-through stream that fails before its first event leaves the client nothing to see: the fallback's
     * stream, translated from OpenAI's, is what it gets, in Anthropic's events.
     */
    @Test
    void fails_over_a_stream_before_its_first_event_to_a_translated_one() throws Exception {
        String options = ",\"providerOptions\":{\"gateway\":{\"models\":[\"openai/gpt-5-mini\"]}}";
        SIMULATOR.enqueue(Reply.error(529, "Overloaded"), Reply.text("from the fallback").chunks(2));

        HttpResponse<String> response = send(fixture().replace("\"stream\":true", "\"stream\":true" + options));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(SIMULATOR.requests()).extracting(RecordedRequest::path)
                .containsExactly("/v1/messages", "/v1/chat/completions");
        List<String> events = withoutPings(events(response.body()));
        assertThat(events.getFirst()).startsWith("event: message_start").contains("\"model\":\"openai/gpt-5-mini\"");
        assertThat(events.getLast()).startsWith("event: message_stop");
        assertThat(response.body()).contains("from the").contains("fallback");
        assertThat(response.headers().firstValue("x-caravan-dropped-betas")).isEmpty();
    }

    /** The worst case is read from the body as it is sent: its max_tokens of 32,000, thinking inside. */
    @Test
    void reserves_the_passed_through_bodys_own_output_limit() throws Exception {
        HttpResponse<String> response = send(fixture(), "x-caravan-options", "{\"maxCost\":0.0001}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).at("/error/message").asText()).contains("up to 32000 output tokens");
        assertThat(SIMULATOR.requests()).isEmpty();
    }

    /** An SSE body's events, each as its text without the blank line that ends it. */
    static List<String> events(String body) {
        List<String> out = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            if (!event.isBlank()) {
                out.add(event);
            }
        }
        return out;
    }

    private static List<String> withoutPings(List<String> events) {
        return events.stream().filter(event -> !event.startsWith("event: ping\n")).toList();
    }
}
