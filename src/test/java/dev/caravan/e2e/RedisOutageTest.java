package dev.caravan.e2e;

import dev.caravan.budget.StoreOutage;
import dev.caravan.simulator.ProviderSimulator;
import dev.caravan.testing.RedisServer;
import dev.caravan.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A gateway whose Redis goes away mid-service and comes back, on a {@code redis-server} of the test's own (a free
 * loopback port, nothing kept on disk), never the machine's shared one. Keys and budgets are
 * {@link SpendEnforcementRedisTest}'s test doubles: {@code hard} has a hard budget, {@code open} one set to
 * {@code onStoreOutage: open}, {@code rate} 2 requests a minute.
 * The probe found budgeted requests held 60 s (Lettuce's default command timeout) and rate limits dropped.
 */
class RedisOutageTest {

    private static final String GATEWAY_KEY = "cvn-test-spend-key-0123456789";
    private static final ProviderSimulator SIMULATOR = ProviderSimulator.start(0);

    private static RedisServer redis;
    private static ConfigurableApplicationContext gateway;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        gateway = TestGateway.withKey(GATEWAY_KEY).providersAt(SIMULATOR).beans(SpendEnforcementRedisTest.TestBeans.class)
                .set("spring.main.allow-bean-definition-overriding", true)
                .set("caravan.redis.url", redis.url())
                .set("caravan.redis.key-prefix", "outage-test:")
                .start();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (redis != null) {
            redis.close();
        }
        SIMULATOR.close();
    }

    @Test
    void budgets_fail_fast_rate_limits_hold_locally_and_redis_is_used_again_when_it_is_back() throws Exception {
        assertThat(chat("hard").statusCode()).isEqualTo(200);

        redis.kill();

        long started = System.nanoTime();
        HttpResponse<String> refused = chat("hard");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("budget_unavailable");
        // the command timeout (500 ms) at most, not Lettuce's 60 s
        assertThat(took).isLessThan(Duration.ofMillis(1_500));

        // a budget that chose to stay open is held in this instance's memory meanwhile, and the response says so
        HttpResponse<String> open = chat("open");
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(open.headers().firstValue(StoreOutage.HEADER)).hasValue("bud_open");

        // this instance's own buckets take over: 2 a minute still means 2
        assertThat(List.of(chat("rate").statusCode(), chat("rate").statusCode(), chat("rate").statusCode()))
                .containsExactly(200, 200, 429);

        redis.startAgain();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(chat("hard").statusCode()).isEqualTo(200));
    }

    private HttpResponse<String> chat(String caller) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(TestGateway.uri(gateway, "/v1/chat/completions").toString()))
                .header("Authorization", "Bearer " + GATEWAY_KEY).header("x-test-caller", caller)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"openai/gpt-5-mini","max_tokens":100,"messages":[{"role":"user","content":"Hi"}]}"""))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
