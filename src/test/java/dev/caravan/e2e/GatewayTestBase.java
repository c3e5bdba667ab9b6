package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.Json;
import dev.caravan.routing.ProviderHealth;
import dev.caravan.simulator.ProviderSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A real gateway on a real port in front of one provider simulator that plays OpenAI, Anthropic and Google. Mistral
 * is pointed at a port where nothing listens, to test connection failures. All subclasses share one Spring context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class GatewayTestBase {

    /** Obvious fakes, shaped like real keys so a leak would be caught by pattern too. */
    protected static final String GATEWAY_KEY = "cvn-test-gateway-key-0123456789";
    protected static final String OPENAI_KEY = "sk-test-openai-key-abcdefghijklmnop";
    protected static final String ANTHROPIC_KEY = "sk-ant-test-anthropic-key-abcdefghij";
    protected static final String GOOGLE_KEY = "AIza-test-google-key-abcdefghijklmnopqrst";

    protected static final ProviderSimulator SIMULATOR = ProviderSimulator.start(0);
    protected static final int DEAD_PORT = freePort();

    protected final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    protected int port;

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("AI_GATEWAY_API_KEY", () -> GATEWAY_KEY);
        registry.add("caravan.providers.openai.base-url", () -> SIMULATOR.baseUrl() + "/v1");
        registry.add("caravan.providers.openai.api-key", () -> OPENAI_KEY);
        registry.add("caravan.providers.anthropic.base-url", SIMULATOR::baseUrl);
        registry.add("caravan.providers.anthropic.api-key", () -> ANTHROPIC_KEY);
        registry.add("caravan.providers.google.base-url", SIMULATOR::baseUrl);
        registry.add("caravan.providers.google.api-key", () -> GOOGLE_KEY);
        registry.add("caravan.providers.mistral.base-url", () -> "http://127.0.0.1:" + DEAD_PORT + "/v1");
        registry.add("caravan.simulator.enabled", () -> "false");
        registry.add("caravan.max-request-size", () -> "64KB");
        registry.add("caravan.stream-heartbeat", () -> "200ms");
    }

    @Autowired
    protected ProviderHealth health;

    @BeforeEach
    void resetSimulatorAndHealth() {
        SIMULATOR.reset();
        // a 429 or an open circuit from one test must not route the next one
        health.reset();
    }

    @AfterAll
    static void keepSimulatorForOtherClasses() {
        // the simulator lives as long as the JVM: the cached Spring context keeps pointing at it
    }

    protected URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    protected HttpRequest.Builder post(String path, String json) {
        return HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + GATEWAY_KEY)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    protected HttpResponse<String> chat(String json) throws IOException, InterruptedException {
        return http.send(post("/v1/chat/completions", json).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A call to the admin API with {@code adminKey} (the test's CARAVAN_ADMIN_KEY); {@code json} null for no body. */
    protected HttpResponse<String> admin(String adminKey, String method, String path, String json)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + adminKey).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    protected static JsonNode json(String body) {
        return Json.tree(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    protected static String simpleRequest(String model, boolean stream) {
        return """
                {"model":"%s","stream":%s,"messages":[{"role":"user","content":"Say hello"}]}"""
                .formatted(model, stream);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
