package dev.caravan.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.Json;
import dev.caravan.simulator.ProviderSimulator;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A gateway in front of three simulators acting as three providers (alpha and beta speak OpenAI, gamma Anthropic),
 * with the catalog of src/test/resources/routing/catalog.yaml, where models are served by several providers.
 * Circuit breakers open after 3 calls in a window of 4 with half failing (half-open after application.yaml's wait;
 * a test that waits for it sets a shorter one).
 * Pooled provider connections are checked before reuse after 10 ms of idleness, and closed after 1 s of it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class RoutingTestBase {

    protected static final String KEY = "cvn-routing-test-key";
    protected static final ProviderSimulator ALPHA = ProviderSimulator.start(0);
    protected static final ProviderSimulator BETA = ProviderSimulator.start(0);
    protected static final ProviderSimulator GAMMA = ProviderSimulator.start(0);

    protected final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    protected int port;

    @Autowired
    protected ProviderHealth health;

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("AI_GATEWAY_API_KEY", () -> KEY);
        registry.add("caravan.catalog", () -> "classpath:routing/catalog.yaml");
        // added to the gateway's own route files (dev.caravan.serving.RouteFiles)
        registry.add("camel.main.routes-include-pattern", () -> "classpath:routing/routes/*.yaml");
        registry.add("caravan.providers.alpha.base-url", () -> ALPHA.baseUrl() + "/v1");
        registry.add("caravan.providers.beta.base-url", () -> BETA.baseUrl() + "/v1");
        registry.add("caravan.providers.gamma.base-url", GAMMA::baseUrl);
        for (String unused : List.of("openai", "anthropic", "google", "mistral")) {
            registry.add("caravan.providers." + unused + ".base-url", () -> "http://127.0.0.1:9/unused");
        }
        registry.add("caravan.simulator.enabled", () -> "false");
        registry.add("caravan.stream-heartbeat", () -> "200ms");
        registry.add("caravan.routing.circuit-breaker.sliding-window-size", () -> "4");
        registry.add("caravan.routing.circuit-breaker.minimum-calls", () -> "3");
        registry.add("caravan.routing.circuit-breaker.failure-rate-threshold", () -> "50");
        registry.add("caravan.routing.circuit-breaker.half-open-calls", () -> "1");
        // short enough for IdleConnectionTest to see both at work
        registry.add("caravan.upstream.validate-after-inactivity", () -> "10ms");
        registry.add("caravan.upstream.max-idle", () -> "1s");
    }

    @BeforeEach
    void resetProviders() {
        ALPHA.reset();
        BETA.reset();
        GAMMA.reset();
        health.reset();
    }

    protected HttpResponse<String> post(String path, String json, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            // set, not added: a test's own Authorization replaces the gateway key's
            builder.setHeader(headers[i], headers[i + 1]);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    protected HttpResponse<String> chat(String json, String... headers) throws IOException, InterruptedException {
        return post("/v1/chat/completions", json, headers);
    }

    /** A chat request for {@code model}; {@code gateway} is the providerOptions.gateway object, or null. */
    protected static String request(String model, boolean stream, String gateway) {
        return """
                {"model":"%s","stream":%s,"messages":[{"role":"user","content":"hi"}]%s}"""
                .formatted(model, stream, gateway == null ? "" : ",\"providerOptions\":{\"gateway\":" + gateway + "}");
    }

    protected static JsonNode json(String body) {
        return Json.tree(body.getBytes(StandardCharsets.UTF_8));
    }

    /** The routing metadata of a non-streamed answer. */
    protected static JsonNode routing(HttpResponse<String> response) {
        return json(response.body()).at("/provider_metadata/gateway/routing");
    }

    /** provider:success per attempt, e.g. [alpha:false, beta:true]. */
    protected static List<String> attempts(JsonNode routing) {
        List<String> out = new ArrayList<>();
        for (JsonNode attempt : routing.path("attempts")) {
            out.add(attempt.path("provider").asText() + ":" + attempt.path("success").asBoolean());
        }
        return out;
    }
}
