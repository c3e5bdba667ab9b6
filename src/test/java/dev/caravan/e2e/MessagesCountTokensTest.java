package dev.caravan.e2e;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.RecordedRequest;
import dev.caravan.simulator.Reply;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v1/messages/count_tokens} to an Anthropic target is Anthropic's own count: the client's body goes to
 * the provider's {@code /v1/messages/count_tokens} with the provider's model id, and its answer comes back marked
 * exact. When the provider cannot count the estimate stands in, marked; when it refuses the request, its refusal
 * comes back in Anthropic's shape. The simulator counts deterministically (its prompt estimate plus the tools).
 */
class MessagesCountTokensTest extends GatewayTestBase {

    private static final String REQUEST = """
            {"model":"claude-sonnet-4-6-20260101",
             "system":[{"type":"text","text":"You are a careful reviewer.","cache_control":{"type":"ephemeral"}}],
             "messages":[{"role":"user","content":"Summarise the change in three sentences, then list its risks."}],
             "tools":[{"name":"Read","input_schema":{"type":"object","properties":{"path":{"type":"string"}}}}],
             "providerOptions":{"gateway":{"user":"alice"}}}""";

    private HttpResponse<String> count(String body) throws Exception {
        return http.send(post("/v1/messages/count_tokens", body).header("anthropic-version", "2023-06-01")
                .header("anthropic-beta", "claude-code-20250219,oauth-2025-04-20").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void asks_an_anthropic_target_for_its_exact_count() throws Exception {
        HttpResponse<String> response = count(REQUEST);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-token-count")).hasValue("exact");
        RecordedRequest upstream = SIMULATOR.lastRequest();
        assertThat(upstream.path()).isEqualTo("/v1/messages/count_tokens");
        assertThat(upstream.header("x-api-key")).isEqualTo(ANTHROPIC_KEY);
        assertThat(upstream.header("anthropic-beta")).isEqualTo("claude-code-20250219");
        // the client's body, the gateway's own options taken out and the provider's model id put in
        String expected = REQUEST.replace("\"claude-sonnet-4-6-20260101\"", "\"claude-sonnet-4-6\"")
                .replace(",\n \"providerOptions\":{\"gateway\":{\"user\":\"alice\"}}", "");
        assertThat(upstream.body()).isEqualTo(expected);
        // 27 + 61 characters of prompt, 90 of tool JSON, four to a token: the simulator's count, not the gateway's
        assertThat(json(response.body()).path("input_tokens").asLong()).isEqualTo(88 / 4 + 90 / 4);
    }

    @Test
    void counts_through_the_anthropic_sdk() {
        AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port)
                .apiKey(GATEWAY_KEY).maxRetries(0).build();
        try {
            long tokens = client.messages().countTokens(MessageCountTokensParams.builder().model("claude-sonnet-4-6")
                    .system("You are terse.").addUserMessage("Say hello in French, please.").build()).inputTokens();

            // 14 + 28 characters, four to a token
            assertThat(tokens).isEqualTo(42 / 4);
            assertThat(SIMULATOR.lastRequest().path()).isEqualTo("/v1/messages/count_tokens");
        } finally {
            client.close();
        }
    }

    @Test
    void falls_back_to_the_marked_estimate_when_the_provider_cannot_count() throws Exception {
        SIMULATOR.enqueue(Reply.error(529, "Overloaded"));

        HttpResponse<String> response = count(REQUEST);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-token-count")).hasValue("estimate");
        assertThat(response.headers().firstValue("x-caravan-token-count-fallback")).hasValue("anthropic");
        assertThat(json(response.body()).path("input_tokens").asLong()).isPositive();
        assertThat(SIMULATOR.requests()).hasSize(1);
    }

    @Test
    void answers_the_providers_refusal_of_the_request_in_anthropic_shape() throws Exception {
        SIMULATOR.enqueue(Reply.error(400, "messages.0.content: Input should be a valid list"));

        HttpResponse<String> response = count(REQUEST);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = json(response.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(body.at("/error/message").asText()).contains("Input should be a valid list");
        assertThat(response.body()).doesNotContain(ANTHROPIC_KEY);
    }

    @Test
    void estimates_for_a_target_of_another_format_without_calling_it() throws Exception {
        HttpResponse<String> response = count(REQUEST.replace("claude-sonnet-4-6-20260101", "openai/gpt-5-mini"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-token-count")).hasValue("estimate");
        assertThat(response.headers().firstValue("x-caravan-token-count-fallback")).isEmpty();
        assertThat(SIMULATOR.requests()).isEmpty();
    }
}
