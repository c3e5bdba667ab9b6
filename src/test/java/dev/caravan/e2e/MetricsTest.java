package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.caravan.simulator.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * {@code /actuator/prometheus} after real traffic through the gateway's socket (the OpenAI SDK and plain HTTP, the
 * provider simulator upstream): the series and their labels for answers, an error, a fallback and a stream; the
 * scrape's protection; the {@code x-caravan-overhead-ms} header; and the JSON access log line. Metrics export is on
 * here ({@link AutoConfigureObservability}): Spring Boot's tests switch it off otherwise.
 */
@AutoConfigureObservability(tracing = false)
@ExtendWith(OutputCaptureExtension.class)
class MetricsTest extends GatewayTestBase {

    static final String ADMIN_KEY = "cvn-test-admin-key-metrics-24680";
    static final String METRICS_TOKEN = "cvn-test-metrics-token-13579";

    @DynamicPropertySource
    static void metrics(DynamicPropertyRegistry registry) {
        registry.add("CARAVAN_ADMIN_KEY", () -> ADMIN_KEY);
        registry.add("caravan.metrics.token", () -> METRICS_TOKEN);
        registry.add("caravan.access-log.enabled", () -> "true");
    }

    private OpenAIClient client;

    @BeforeEach
    void client() {
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(GATEWAY_KEY)
                .maxRetries(0).build();
    }

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void scrapes_request_token_cost_attempt_fallback_and_stream_series_with_their_labels() throws Exception {
        // an answer, a stream, a provider error, and a fallback from mistral (nothing listens) to openai
        SIMULATOR.enqueue(Reply.text("Hello").usage(1000, 200).cachedTokens(400).reasoningTokens(50));
        assertThat(chat(simpleRequest("openai/gpt-5", false)).statusCode()).isEqualTo(200);

        SIMULATOR.enqueue(Reply.text("one two three").chunks(3).usage(7, 3));
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("anthropic/claude-sonnet-4.6").addUserMessage("Count")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            assertThat(stream.stream().count()).isPositive();
        }

        SIMULATOR.enqueue(Reply.error(503, "overloaded"));
        assertThat(chat(simpleRequest("google/gemini-2.5-flash", false)).statusCode()).isEqualTo(503);

        SIMULATOR.enqueue(Reply.text("from openai").usage(10, 5));
        HttpResponse<String> fellBack = chat("""
                {"model":"mistral/mistral-large","messages":[{"role":"user","content":"Hi"}],
                 "providerOptions":{"gateway":{"models":["openai/gpt-5-mini"]}}}""");
        assertThat(fellBack.statusCode()).isEqualTo(200);

        // a stream is settled when its body ends, after the client has read it
        await().atMost(Duration.ofSeconds(10)).until(() -> value(scrape(),
                "gen_ai_server_time_to_first_token_seconds_count", Map.of("api", "chat-completions",
                        "gen_ai_provider_name", "anthropic")) >= 1);
        String scrape = scrape();

        Map<String, String> answered = Map.of("api", "chat-completions", "gen_ai_provider_name", "openai",
                "gen_ai_request_model", "openai/gpt-5", "status_class", "2xx", "error_type", "none",
                "stream", "false");
        assertThat(value(scrape, "gen_ai_server_request_duration_seconds_count", answered)).isGreaterThanOrEqualTo(1);
        assertThat(value(scrape, "gen_ai_server_request_duration_seconds_bucket",
                with(answered, "le", "+Inf"))).isGreaterThanOrEqualTo(1);
        assertThat(value(scrape, "gen_ai_server_request_duration_seconds_count", Map.of(
                "gen_ai_provider_name", "anthropic", "gen_ai_request_model", "anthropic/claude-sonnet-4.6",
                "status_class", "2xx", "stream", "true"))).isGreaterThanOrEqualTo(1);
        assertThat(value(scrape, "gen_ai_server_request_duration_seconds_count", Map.of(
                "gen_ai_provider_name", "google", "status_class", "5xx", "error_type", "upstream_overloaded")))
                .isGreaterThanOrEqualTo(1);

        // tokens by type, and cost, by provider, model and project ($1.25/M input less cache, $0.125/M cached,
        // $10/M output: 600 × 1.25 + 400 × 0.125 + 200 × 10 per million = $0.0028)
        Map<String, String> gpt5 = Map.of("gen_ai_provider_name", "openai", "gen_ai_request_model", "openai/gpt-5",
                "project", "none");
        assertThat(value(scrape, "gen_ai_client_token_usage_sum", with(gpt5, "gen_ai_token_type", "input")))
                .isGreaterThanOrEqualTo(1000);
        assertThat(value(scrape, "gen_ai_client_token_usage_sum", with(gpt5, "gen_ai_token_type", "output")))
                .isGreaterThanOrEqualTo(200);
        assertThat(value(scrape, "gen_ai_client_token_usage_sum", with(gpt5, "gen_ai_token_type", "cache_read")))
                .isGreaterThanOrEqualTo(400);
        assertThat(value(scrape, "gen_ai_client_token_usage_sum", with(gpt5, "gen_ai_token_type", "reasoning")))
                .isGreaterThanOrEqualTo(50);
        assertThat(value(scrape, "caravan_cost_usd_total", gpt5)).isGreaterThanOrEqualTo(0.0028);

        // the fallback: mistral's attempt failed to connect, openai's answered
        assertThat(value(scrape, "gen_ai_client_operation_duration_seconds_count", Map.of(
                "gen_ai_provider_name", "mistral", "error_type", "provider_unavailable"))).isGreaterThanOrEqualTo(1);
        assertThat(value(scrape, "gen_ai_client_operation_duration_seconds_count", Map.of(
                "gen_ai_provider_name", "openai", "gen_ai_request_model", "openai/gpt-5-mini", "error_type", "none")))
                .isGreaterThanOrEqualTo(1);
        assertThat(value(scrape, "caravan_fallbacks_total", Map.of("gen_ai_provider_name", "openai",
                "gen_ai_request_model", "openai/gpt-5-mini"))).isGreaterThanOrEqualTo(1);

        assertThat(value(scrape, "caravan_gateway_overhead_seconds_count", Map.of("api", "chat-completions")))
                .isGreaterThanOrEqualTo(4);
        assertThat(value(scrape, "caravan_circuit_state", Map.of("gen_ai_provider_name", "openai",
                "state", "closed"))).isEqualTo(1);
        assertThat(value(scrape, "caravan_circuit_state", Map.of("gen_ai_provider_name", "openai",
                "state", "open"))).isZero();
        assertThat(scrape).contains("caravan_usage_queue_depth ", "caravan_usage_spool_dropped_total ",
                "caravan_usage_spool_size_bytes ");
        // no key, whole or in part, in any series
        assertThat(scrape).doesNotContain(GATEWAY_KEY, OPENAI_KEY, ANTHROPIC_KEY, GOOGLE_KEY, "cvn-test");
    }

    @Test
    void scrapes_a_project_budget_against_its_limit_rate_limit_refusals_and_an_open_circuit() throws Exception {
        String project = json(admin("POST", "/v1/admin/projects",
                "{\"name\":\"metrics\",\"rateLimit\":{\"requestsPerMinute\":1}}").body()).path("id").asText();
        String key = json(admin("POST", "/v1/admin/keys", "{\"name\":\"k\",\"projectId\":\"" + project + "\"}")
                .body()).path("secret").asText();
        String budget = json(admin("POST", "/v1/admin/budgets", """
                {"scope":"project","subject":"%s","limitUsd":2.5,"period":"monthly"}""".formatted(project)).body())
                .path("id").asText();
        SIMULATOR.enqueue(Reply.text("Hello").usage(1000, 200));
        HttpRequest.Builder asProject = post("/v1/chat/completions", simpleRequest("openai/gpt-5", false))
                .setHeader("Authorization", "Bearer " + key);
        assertThat(http.send(asProject.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(http.send(asProject.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(429);
        // five provider failures in a row open google's circuit
        for (int i = 0; i < 5; i++) {
            SIMULATOR.enqueue(Reply.error(500, "down"));
            chat(simpleRequest("google/gemini-2.5-pro", false));
        }

        Map<String, String> ofBudget = Map.of("budget", budget, "scope", "project", "period", "monthly");
        // the gauges are listed again when a budget changes, on their own thread
        await().atMost(Duration.ofSeconds(10)).until(() -> value(scrape(), "caravan_budget_limit_usd", ofBudget) > 0);
        String scrape = scrape();
        assertThat(value(scrape, "caravan_budget_limit_usd", ofBudget)).isEqualTo(2.5);
        // 1000 input tokens at $1.25/M and 200 output at $10/M
        assertThat(value(scrape, "caravan_budget_spent_usd", ofBudget)).isCloseTo(0.00325, within(1e-9));
        assertThat(value(scrape, "caravan_rate_limit_refusals_total", Map.of("project", project))).isEqualTo(1);
        assertThat(value(scrape, "gen_ai_client_token_usage_sum", Map.of("project", project,
                "gen_ai_token_type", "input"))).isEqualTo(1000);
        assertThat(value(scrape, "caravan_circuit_state", Map.of("gen_ai_provider_name", "google",
                "state", "open"))).isEqualTo(1);
        assertThat(value(scrape, "caravan_circuit_state", Map.of("gen_ai_provider_name", "google",
                "state", "closed"))).isZero();
        assertThat(scrape).doesNotContain(key);
    }

    @Test
    void refuses_a_scrape_without_the_admin_key_or_the_metrics_token_in_openai_error_shape() throws Exception {
        HttpResponse<String> anonymous = get("/actuator/prometheus", null);
        HttpResponse<String> gatewayKey = get("/actuator/prometheus", GATEWAY_KEY);
        HttpResponse<String> token = get("/actuator/prometheus", METRICS_TOKEN);
        HttpResponse<String> admin = get("/actuator/prometheus", ADMIN_KEY);

        assertThat(anonymous.statusCode()).isEqualTo(401);
        JsonNode error = json(anonymous.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("authentication_error");
        assertThat(error.get("message").asText()).contains("Missing metrics credential");
        assertThat(gatewayKey.statusCode()).isEqualTo(401);
        assertThat(json(gatewayKey.body()).get("error").get("message").asText()).contains("Invalid");
        assertThat(token.statusCode()).isEqualTo(200);
        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(admin.body()).contains("# TYPE");
        // the health probe stays open: Kubernetes sends no key
        assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
    }

    @Test
    void overhead_header_is_the_gateway_time_less_the_wait_on_a_slow_provider() throws Exception {
        SIMULATOR.enqueue(Reply.text("slow").latencyMs(300));
        long started = System.nanoTime();
        HttpResponse<String> slow = chat(simpleRequest("openai/gpt-5-mini", false));
        double totalMs = (System.nanoTime() - started) / 1e6;

        SIMULATOR.enqueue(Reply.text("slow stream").chunks(2).latencyMs(300));
        started = System.nanoTime();
        HttpResponse<String> stream = chat(simpleRequest("openai/gpt-5-mini", true));
        double streamTotalMs = (System.nanoTime() - started) / 1e6;
        HttpResponse<String> refused = http.send(post("/v1/chat/completions", simpleRequest("openai/gpt-5", false))
                .setHeader("Authorization", "Bearer wrong-key").build(), HttpResponse.BodyHandlers.ofString());

        double overhead = overheadMs(slow);
        assertThat(slow.headers().firstValue("x-caravan-overhead-ms").orElseThrow()).matches("\\d+\\.\\d{3}");
        // the 300 ms the provider took are not the gateway's; what is left is less than the whole exchange
        assertThat(overhead).isGreaterThan(0).isLessThan(totalMs - 300);
        assertThat(overheadMs(stream)).isGreaterThan(0).isLessThan(streamTotalMs - 300);
        // refused at the key check, before its accounting opens: no record, so nothing to measure it by
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("x-caravan-overhead-ms")).isEmpty();
    }

    @Test
    void writes_one_json_access_line_per_request_with_no_key_or_body(CapturedOutput output) throws Exception {
        SIMULATOR.enqueue(Reply.text("Secret answer text").usage(12, 4));
        HttpResponse<String> response = chat("""
                {"model":"openai/gpt-5-mini","messages":[{"role":"user","content":"Private prompt text"}]}""");
        String id = response.headers().firstValue("x-caravan-generation-id").orElseThrow();

        await().atMost(Duration.ofSeconds(5)).until(() -> line(output, id) != null);
        String line = line(output, id);
        JsonNode logged = json(line);
        assertThat(logged.get("api").asText()).isEqualTo("chat-completions");
        assertThat(logged.get("model").asText()).isEqualTo("openai/gpt-5-mini");
        assertThat(logged.get("provider").asText()).isEqualTo("openai");
        assertThat(logged.get("status").asInt()).isEqualTo(200);
        assertThat(logged.get("outcome").asText()).isEqualTo("success");
        assertThat(logged.get("key_id").asText()).isEqualTo("env");
        assertThat(logged.get("input_tokens").asLong()).isEqualTo(12);
        assertThat(logged.get("output_tokens").asLong()).isEqualTo(4);
        assertThat(logged.get("cost_usd").asDouble()).isPositive();
        assertThat(logged.get("attempts")).hasSize(1);
        assertThat(logged.get("duration_ms").asDouble()).isPositive();
        assertThat(logged.get("overhead_ms").asDouble()).isPositive()
                .isLessThanOrEqualTo(logged.get("duration_ms").asDouble());
        assertThat(logged.get("time").asText()).isNotBlank();
        assertThat(line).doesNotContain(GATEWAY_KEY, OPENAI_KEY, "Private prompt text", "Secret answer text");
        // the line is bare JSON on its own line, not behind the application's timestamp and level
        assertThat(output.getOut().lines().filter(l -> l.contains(id))).allMatch(l -> l.startsWith("{"));
    }

    @Test
    void logs_an_error_with_its_kind_and_no_provider_key(CapturedOutput output) throws Exception {
        SIMULATOR.enqueue(Reply.error(401, "bad key " + OPENAI_KEY));
        HttpResponse<String> response = chat(simpleRequest("openai/gpt-5-mini", false));
        String id = response.headers().firstValue("x-caravan-generation-id").orElseThrow();

        assertThat(response.statusCode()).isEqualTo(502);
        await().atMost(Duration.ofSeconds(5)).until(() -> line(output, id) != null);
        String line = line(output, id);
        JsonNode logged = json(line);
        assertThat(logged.get("status").asInt()).isEqualTo(502);
        assertThat(logged.get("outcome").asText()).isEqualTo("error");
        assertThat(logged.get("error").asText()).isEqualTo("upstream_authentication");
        assertThat(logged.get("attempts").get(0).get("status").asInt()).isEqualTo(401);
        assertThat(line).doesNotContain(OPENAI_KEY, GATEWAY_KEY, "bad key");
    }

    private static String line(CapturedOutput output, String id) {
        return output.getOut().lines().filter(l -> l.startsWith("{") && l.contains("\"id\":\"" + id + "\""))
                .findFirst().orElse(null);
    }

    private static double overheadMs(HttpResponse<String> response) {
        return Double.parseDouble(response.headers().firstValue("x-caravan-overhead-ms").orElseThrow());
    }

    private HttpResponse<String> admin(String method, String path, String json)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/actuator/prometheus", ADMIN_KEY);
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private HttpResponse<String> get(String path, String key) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        Map<String, String> more = new java.util.HashMap<>(labels);
        more.put(name, value);
        return more;
    }

    /** The sum of the samples of {@code name} whose labels include all of {@code labels}. */
    static double value(String scrape, String name, Map<String, String> labels) {
        return scrape.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> labels.entrySet().stream().allMatch(e -> l.contains(e.getKey() + "=\"" + e.getValue()
                        + "\"")))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
