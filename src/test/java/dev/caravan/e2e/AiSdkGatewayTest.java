package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.Reply;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The AI SDK's gateway protocol ({@code POST /v3/ai/language-model}, as {@code @ai-sdk/gateway} sends it) over real
 * sockets in front of the provider simulator: a failed provider falls back to the next model
 * ({@code providerOptions.gateway.models}), streamed and not, with the attempts in {@code providerMetadata.gateway};
 * and a budget refuses before any provider is called, in the SDK's error shape. The SDK's own cases are in
 * src/test/node/ai-sdk-gateway.test.mjs.
 */
class AiSdkGatewayTest extends GatewayTestBase {

    private static final String ADMIN_KEY = "cvn-test-admin-key-aisdk-0123456789";

    @DynamicPropertySource
    static void adminKey(DynamicPropertyRegistry registry) {
        registry.add("CARAVAN_ADMIN_KEY", () -> ADMIN_KEY);
    }

    /** A call as the gateway provider makes it: the model and streaming in headers, the call options as the body. */
    private HttpRequest.Builder languageModel(String model, boolean streaming, String options) {
        return post("/v3/ai/language-model", options)
                .header("ai-gateway-protocol-version", "0.0.1")
                .header("ai-gateway-auth-method", "api-key")
                .header("ai-language-model-specification-version", "4")
                .header("ai-language-model-id", model)
                .header("ai-language-model-streaming", String.valueOf(streaming));
    }

    private static String hello(String gatewayOptions) {
        return """
                {"prompt":[{"role":"user","content":[{"type":"text","text":"Say hello"}]}],"maxOutputTokens":50,
                 "providerOptions":{"gateway":%s}}""".formatted(gatewayOptions);
    }

    @Test
    void falls_back_to_the_next_model_when_the_first_provider_fails_and_reports_both_attempts() throws Exception {
        SIMULATOR.enqueue(Reply.error(500, "down"), Reply.text("Hello from Claude").usage(12, 4));

        HttpResponse<String> response = http.send(languageModel("openai/gpt-5-mini", false,
                hello("{\"models\":[\"anthropic/claude-sonnet-4.6\"]}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        JsonNode result = json(response.body());
        assertThat(result.at("/content/0/type").asText()).isEqualTo("text");
        assertThat(result.at("/content/0/text").asText()).isEqualTo("Hello from Claude");
        assertThat(result.at("/finishReason/unified").asText()).isEqualTo("stop");
        assertThat(result.at("/usage/inputTokens/total").asInt()).isEqualTo(12);
        JsonNode gateway = result.at("/providerMetadata/gateway");
        assertThat(gateway.at("/routing/originalModelId").asText()).isEqualTo("openai/gpt-5-mini");
        assertThat(gateway.at("/routing/finalProvider").asText()).isEqualTo("anthropic");
        assertThat(gateway.at("/routing/attempts")).extracting(a -> a.path("provider").asText(),
                a -> a.path("success").asBoolean()).containsExactly(
                org.assertj.core.groups.Tuple.tuple("openai", false),
                org.assertj.core.groups.Tuple.tuple("anthropic", true));
        assertThat(Double.parseDouble(gateway.path("cost").asText())).isPositive();
        assertThat(SIMULATOR.requests()).extracting(r -> r.path()).containsExactly("/v1/chat/completions",
                "/v1/messages");
    }

    @Test
    void falls_back_before_the_first_byte_of_a_stream_and_streams_the_next_models_parts() throws Exception {
        SIMULATOR.enqueue(Reply.error(503, "overloaded"), Reply.text("one two three").chunks(3).usage(7, 3));

        HttpResponse<java.util.stream.Stream<String>> response = http.send(languageModel("openai/gpt-5-mini", true,
                hello("{\"models\":[\"anthropic/claude-sonnet-4.6\"]}")).build(), HttpResponse.BodyHandlers.ofLines());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<JsonNode> parts = new ArrayList<>();
        response.body().filter(line -> line.startsWith("data: "))
                .forEach(line -> parts.add(json(line.substring(6))));
        assertThat(parts).extracting(p -> p.path("type").asText()).startsWith("stream-start", "response-metadata")
                .contains("text-start", "text-delta", "text-end").endsWith("finish");
        StringBuilder text = new StringBuilder();
        parts.stream().filter(p -> p.path("type").asText().equals("text-delta"))
                .forEach(p -> text.append(p.path("delta").asText()));
        assertThat(text).hasToString("one two three");
        JsonNode finish = parts.getLast();
        assertThat(finish.at("/usage/outputTokens/total").asInt()).isEqualTo(3);
        assertThat(finish.at("/providerMetadata/gateway/routing/finalProvider").asText()).isEqualTo("anthropic");
        assertThat(finish.at("/providerMetadata/gateway/routing/attempts")).hasSize(2);
    }

    @Test
    void a_users_budget_refuses_before_any_provider_is_called_in_the_sdks_error_shape() throws Exception {
        String user = "aisdk-" + UUID.randomUUID();
        HttpResponse<String> budget = http.send(HttpRequest.newBuilder(uri("/v1/admin/budgets"))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"scope":"user","subject":"%s","limitUsd":0.0000001,"mode":"hard"}""".formatted(user)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(budget.statusCode()).as(budget.body()).isEqualTo(201);

        HttpResponse<String> refused = http.send(languageModel("openai/gpt-5-mini", false,
                hello("{\"user\":\"" + user + "\"}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(402);
        JsonNode error = json(refused.body()).path("error");
        // GatewayInvalidRequestError: the caller's to fix, which the SDK does not retry
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("code").asText()).isEqualTo("budget_exceeded");
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(SIMULATOR.requests()).as("refused before any provider call").isEmpty();

        HttpResponse<String> otherUser = http.send(languageModel("openai/gpt-5-mini", false,
                hello("{\"user\":\"someone-else\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(otherUser.statusCode()).as("only that user's budget: %s", otherUser.body()).isEqualTo(200);
    }

    @Test
    void a_key_scoped_to_other_apis_is_refused_as_the_sdks_forbidden() throws Exception {
        HttpResponse<String> key = http.send(HttpRequest.newBuilder(uri("/v1/admin/keys"))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"chat only\",\"apis\":[\"chat\"]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(key.statusCode()).as(key.body()).isEqualTo(201);
        String secret = json(key.body()).path("secret").asText();

        HttpResponse<String> refused = http.send(languageModel("openai/gpt-5-mini", false, hello("{}"))
                .setHeader("Authorization", "Bearer " + secret).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        // GatewayForbiddenError
        assertThat(json(refused.body()).at("/error/type").asText()).isEqualTo("forbidden");
        assertThat(SIMULATOR.requests()).isEmpty();
    }

    @Test
    void answers_an_unknown_model_as_the_sdks_model_not_found_naming_it() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(languageModel("nobody/none", false, hello("{}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response.body()).at("/error/type").asText()).isEqualTo("model_not_found");
        assertThat(json(response.body()).at("/error/param/modelId").asText()).isEqualTo("nobody/none");
    }
}
