package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Every error class leaves in OpenAI's shape with the right status, and no key or stack trace ever leaves. */
@ExtendWith(OutputCaptureExtension.class)
class ErrorsTest extends GatewayTestBase {

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode assertError(HttpResponse<String> response, int status, String type) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        JsonNode error = json(response.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo(type);
        assertThat(error.has("param")).isTrue();
        assertThat(error.has("code")).isTrue();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at dev.caravan");
        return error;
    }

    @Test
    void refuses_a_request_without_a_gateway_key() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(simpleRequest("openai/gpt-5-mini", false))).build());
        assertError(response, 401, "authentication_error");
        assertThat(SIMULATOR.requests()).isEmpty();
    }

    @Test
    void refuses_a_wrong_gateway_key_without_echoing_it() throws Exception {
        HttpResponse<String> response = send(post("/v1/chat/completions", simpleRequest("openai/gpt-5-mini", false))
                .setHeader("Authorization", "Bearer wrong-key-123456").build());
        assertError(response, 401, "authentication_error");
        assertThat(response.body()).doesNotContain("wrong-key-123456");
    }

    @Test
    void accepts_the_key_as_x_api_key_as_anthropic_clients_send_it() throws Exception {
        SIMULATOR.enqueue(Reply.text("ok"));
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("x-api-key", GATEWAY_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(simpleRequest("openai/gpt-5-mini", false))).build());
        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void names_an_unknown_model_in_a_404() throws Exception {
        JsonNode error = assertError(chat(simpleRequest("acme/no-such-model", false)), 404, "model_not_found");
        assertThat(error.path("message").asText()).contains("acme/no-such-model");
        assertThat(error.path("param").asText()).isEqualTo("model");
        assertThat(error.path("code").asText()).isEqualTo("model_not_found");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not json           | {\"model\": ",
            "missing model      | {\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "missing messages   | {\"model\":\"openai/gpt-5-mini\"}",
            "empty messages     | {\"model\":\"openai/gpt-5-mini\",\"messages\":[]}",
            "messages wrong type| {\"model\":\"openai/gpt-5-mini\",\"messages\":\"hi\"}",
            "unknown role       | {\"model\":\"openai/gpt-5-mini\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}",
            "body not an object | [1,2,3]"})
    void refuses_a_malformed_request_with_a_400_naming_the_problem(String name, String body) throws Exception {
        JsonNode error = assertError(chat(body), 400, "invalid_request_error");
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(SIMULATOR.requests()).isEmpty();
    }

    @Test
    void refuses_a_body_that_is_not_json_by_content_type() throws Exception {
        HttpResponse<String> response = send(post("/v1/chat/completions", simpleRequest("openai/gpt-5-mini", false))
                .setHeader("Content-Type", "text/plain").build());
        assertError(response, 415, "invalid_request_error");
    }

    @Test
    void refuses_a_body_over_the_configured_limit() throws Exception {
        String big = "x".repeat(70 * 1024);
        HttpResponse<String> response = chat("""
                {"model":"openai/gpt-5-mini","messages":[{"role":"user","content":"%s"}]}""".formatted(big));
        JsonNode error = assertError(response, 413, "invalid_request_error");
        assertThat(error.path("code").asText()).isEqualTo("request_too_large");
    }

    @Test
    void passes_a_provider_429_on_with_its_retry_after() throws Exception {
        SIMULATOR.enqueue(Reply.error(429, "Rate limit reached for requests").retryAfter(7));
        HttpResponse<String> response = chat(simpleRequest("openai/gpt-5-mini", false));
        JsonNode error = assertError(response, 429, "rate_limit_exceeded");
        assertThat(response.headers().firstValue("retry-after")).hasValue("7");
        assertThat(error.path("message").asText()).isEqualTo("openai: Rate limit reached for requests");
    }

    @Test
    void passes_a_provider_request_error_on_naming_the_provider() throws Exception {
        SIMULATOR.enqueue(Reply.error(400, "temperature: must be at most 1"));
        JsonNode error = assertError(chat(simpleRequest("anthropic/claude-haiku-4.5", false)), 400,
                "invalid_request_error");
        assertThat(error.path("message").asText()).isEqualTo("anthropic: temperature: must be at most 1");
    }

    @Test
    void takes_the_provider_key_out_of_a_provider_message_it_passes_on() throws Exception {
        SIMULATOR.enqueue(Reply.error(400, "The model 'gpt-9' does not exist or key " + ANTHROPIC_KEY
                + " has no access to it"));
        JsonNode error = assertError(chat(simpleRequest("anthropic/claude-haiku-4.5", false)), 400,
                "invalid_request_error");
        assertThat(error.path("message").asText())
                .isEqualTo("anthropic: The model 'gpt-9' does not exist or key [credential] has no access to it");
    }

    @Test
    void turns_a_provider_500_into_a_502() throws Exception {
        SIMULATOR.enqueue(Reply.error(500, "internal"));
        JsonNode error = assertError(chat(simpleRequest("google/gemini-2.5-flash", false)), 502, "api_error");
        assertThat(error.path("message").asText()).startsWith("google: ");
    }

    @Test
    void turns_a_refused_connection_into_a_502_naming_the_provider() throws Exception {
        JsonNode error = assertError(chat(simpleRequest("mistral/mistral-large", false)), 502, "api_error");
        assertThat(error.path("message").asText()).isEqualTo("mistral: could not connect to the provider");
        assertThat(error.path("message").asText()).doesNotContain(String.valueOf(DEAD_PORT));
    }

    @Test
    void turns_a_reset_connection_into_a_502() throws Exception {
        SIMULATOR.enqueue(Reply.reset());
        JsonNode error = assertError(chat(simpleRequest("openai/gpt-5-mini", false)), 502, "api_error");
        assertThat(error.path("code").asText()).isEqualTo("provider_unavailable");
    }

    @Test
    void refuses_a_tier_name_that_is_not_a_plain_name() throws Exception {
        HttpResponse<String> response = chat(simpleRequest("tier/classify?block=false&timeout=1", false));
        assertError(response, 404, "model_not_found");
        assertThat(SIMULATOR.requests()).isEmpty();
    }

    @Test
    void answers_unknown_paths_in_the_openai_shape() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/nothing-here"))
                .header("Authorization", "Bearer " + GATEWAY_KEY).GET().build());
        assertError(response, 404, "invalid_request_error");
    }

    @Test
    void never_writes_a_key_to_a_response_or_a_log_line(CapturedOutput output) throws Exception {
        SIMULATOR.enqueue(Reply.error(401, "Incorrect API key provided"));
        HttpResponse<String> failed = chat(simpleRequest("openai/gpt-5-mini", false));
        SIMULATOR.enqueue(Reply.text("fine"));
        HttpResponse<String> served = chat(simpleRequest("anthropic/claude-haiku-4.5", true));
        chat(simpleRequest("mistral/mistral-large", false));

        assertThat(failed.statusCode()).isEqualTo(502);
        // a provider's 401 text may quote part of the provider key: it is replaced, not passed on
        assertThat(json(failed.body()).at("/error/message").asText())
                .isEqualTo("openai: the provider refused the gateway's credential");
        assertThat(served.statusCode()).isEqualTo(200);
        for (String key : new String[]{GATEWAY_KEY, OPENAI_KEY, ANTHROPIC_KEY, GOOGLE_KEY}) {
            assertThat(failed.body()).doesNotContain(key);
            assertThat(served.body()).doesNotContain(key);
            assertThat(failed.headers().map().toString()).doesNotContain(key);
            assertThat(output.getAll()).doesNotContain(key);
        }
    }
}
