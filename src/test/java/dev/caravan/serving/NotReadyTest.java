package dev.caravan.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.Json;
import dev.caravan.testing.TestGateway;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tomcat listens before Camel has started the routes. The start is held at that point (a CamelContextConfiguration
 * waits on a latch), so the test sees the window for certain: API paths are a 503 {@code not_ready} in OpenAI's
 * shape, not Spring MVC's 404, and served as usual once the routes are up.
 */
class NotReadyTest {

    private static final String KEY = "cvn-test-not-ready-key-0123456789";
    private static final CountDownLatch ROUTES_HELD = new CountDownLatch(1);
    private static final CountDownLatch RELEASE = new CountDownLatch(1);

    /** Holds Camel's start before it starts the routes (camel-spring-boot calls this once Tomcat listens). */
    static class HoldRoutes {
        @Bean
        CamelContextConfiguration holdRoutes() {
            return new CamelContextConfiguration() {
                @Override
                public void beforeApplicationStart(CamelContext camel) {
                    ROUTES_HELD.countDown();
                    try {
                        RELEASE.await(5, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }

                @Override
                public void afterApplicationStart(CamelContext camel) {
                }
            };
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private CompletableFuture<ConfigurableApplicationContext> gateway;

    @AfterEach
    void stop() throws Exception {
        RELEASE.countDown();
        gateway.get(5, TimeUnit.MINUTES).close();
    }

    @Test
    void api_paths_answer_503_not_ready_until_the_routes_are_up() throws Exception {
        int port = freePort();
        gateway = CompletableFuture.supplyAsync(() -> TestGateway.withKey(KEY).set("server.port", port)
                .beans(HoldRoutes.class).start());
        assertThat(ROUTES_HELD.await(5, TimeUnit.MINUTES)).as("Camel reached its routes").isTrue();
        HttpResponse<String> held = await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(
                ConnectException.class).until(() -> chat(port), response -> true);

        assertThat(held.statusCode()).isEqualTo(503);
        assertThat(held.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/json"));
        assertThat(held.headers().firstValue("retry-after")).hasValue("1");
        JsonNode error = Json.MAPPER.readTree(held.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("not_ready");
        assertThat(error.path("type").asText()).isEqualTo("api_error");
        assertThat(error.path("message").asText()).contains("starting");
        assertThat(get(port, "/v1/models").statusCode()).isEqualTo(503);

        RELEASE.countDown();
        gateway.get(5, TimeUnit.MINUTES);

        HttpResponse<String> served = chat(port);
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        assertThat(get(port, "/v1/no-such-endpoint").statusCode()).as("an unknown path, once up").isEqualTo(404);
    }

    private HttpResponse<String> chat(int port) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"openai/gpt-5-mini","messages":[{"role":"user","content":"Hi"}]}"""))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + KEY).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
