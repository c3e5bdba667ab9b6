package dev.caravan.e2e;

import dev.caravan.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway whose database has gone silent: its address still completes the TCP handshake, but nothing ever answers
 * (a host that vanished behind a load balancer, a stuck proxy). No PostgreSQL needed: a socket that never accepts is
 * that database. The probe found a request needing it (a key or budget not cached yet) held for Hikari's 30 s
 * default; it must get its 503 within {@code spring.datasource.hikari.connection-timeout} (1 s).
 */
class DatabaseOutageTest {

    private static final String GATEWAY_KEY = "cvn-test-database-outage-key-0123";
    /** Shaped like an issued key, so the gateway must ask the database about it. */
    private static final String ISSUED_SHAPE = "cvn_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    private static ServerSocket silent;
    private static ConfigurableApplicationContext gateway;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws IOException {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        gateway = TestGateway.withKey(GATEWAY_KEY)
                .set("spring.datasource.url", "jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/caravan")
                .set("spring.datasource.username", "caravan")
                // the gateway starts without its database here only because the test needs one that is away
                .set("spring.flyway.enabled", false)
                .set("spring.datasource.hikari.initialization-fail-timeout", -1)
                .start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (gateway != null) {
            gateway.close();
        }
        if (silent != null) {
            silent.close();
        }
    }

    /** An issued key to look up, or the environment's key whose budgets must be looked up. */
    @ParameterizedTest
    @ValueSource(strings = {ISSUED_SHAPE, GATEWAY_KEY})
    void a_request_that_needs_the_silent_database_gets_its_503_within_the_connection_timeout(String key)
            throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create(TestGateway.uri(gateway, "/v1/chat/completions").toString()))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"openai/gpt-5-mini","max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}"""))
                .build(), HttpResponse.BodyHandlers.ofString());
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("store_unavailable");
        // 1 s waiting for a connection, and the rest of the request; Hikari's default would be 30 s
        assertThat(took).isLessThan(Duration.ofMillis(2_500));
    }
}
