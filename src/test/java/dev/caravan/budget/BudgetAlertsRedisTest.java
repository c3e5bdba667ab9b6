package dev.caravan.budget;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.caravan.canonical.Json;
import dev.caravan.ratelimit.BucketStore;
import dev.caravan.ratelimit.LocalBuckets;
import dev.caravan.ratelimit.RateLimiter;
import dev.caravan.testing.MutableClock;
import dev.caravan.testing.TestRedis;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.caravan.budget.Spend.request;
import static dev.caravan.budget.Spend.usd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Alert webhooks, end to end on a local HTTP server: two instances sharing Redis spend a budget past 50, 80 and
 * 100 %, and the webhook gets each threshold exactly once (the first delivery fails and is retried), with the
 * budget's figures and nothing secret.
 */
class BudgetAlertsRedisTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-10T12:00:00Z"));
    private final TestRedis redis = new TestRedis();
    private final List<JsonNode> delivered = new CopyOnWriteArrayList<>();
    private final AtomicInteger posts = new AtomicInteger();
    private final HttpServer webhook = startWebhook();

    @AfterEach
    void stop() {
        webhook.stop(0);
        redis.close();
    }

    @Test
    void each_threshold_reaches_the_webhook_once_from_either_instance() {
        Budget budget = Spend.budget("bud_alerts", Budget.Scope.KEY, "1.00", Budget.Period.MONTHLY,
                Budget.Mode.SOFT, false, List.of(50, 80, 100),
                "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hooks/budget?token=s3cr3t");
        try (StatefulRedisConnection<String, String> first = redis.connect();
             StatefulRedisConnection<String, String> second = redis.connect()) {
            SpendControl one = instance(first, budget);
            SpendControl two = instance(second, budget);
            String[] costs = {"0.30", "0.25", "0.10", "0.20", "0.05", "0.15"};
            for (int i = 0; i < costs.length; i++) {
                (i % 2 == 0 ? one : two).admit(request("0.10")).settle(usd(costs[i]), 10);
            }
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(delivered).hasSize(3));
        // and no fourth one later: each threshold was claimed by exactly one instance
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(delivered).hasSize(3));
        assertThat(posts.get()).isEqualTo(4);
        assertThat(delivered).extracting(alert -> alert.get("threshold_percent").asInt())
                .containsExactlyInAnyOrder(50, 80, 100);

        JsonNode eighty = delivered.stream().filter(a -> a.get("threshold_percent").asInt() == 80).findFirst()
                .orElseThrow();
        assertThat(eighty.get("type").asText()).isEqualTo("budget.threshold_reached");
        assertThat(eighty.get("budget_id").asText()).isEqualTo("bud_alerts");
        assertThat(eighty.get("scope").asText()).isEqualTo("key");
        assertThat(eighty.get("subject").asText()).isEqualTo("key_1");
        assertThat(eighty.get("mode").asText()).isEqualTo("soft");
        assertThat(eighty.get("period").asText()).isEqualTo("monthly");
        assertThat(eighty.get("limit_usd").asText()).isEqualTo("1.00");
        assertThat(eighty.get("spent_usd").asText()).isEqualTo("0.85");
        assertThat(eighty.get("period_start").asText()).isEqualTo("2025-03-01T00:00:00Z");
        assertThat(eighty.get("period_end").asText()).isEqualTo("2025-04-01T00:00:00Z");
        assertThat(delivered.toString()).doesNotContain("s3cr3t");
    }

    @Test
    void an_alert_is_not_sent_to_a_loopback_webhook_unless_private_webhooks_are_allowed() {
        Budget budget = Spend.budget("bud_private", Budget.Scope.KEY, "1.00", Budget.Period.MONTHLY,
                Budget.Mode.SOFT, false, List.of(50),
                "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hooks/budget");
        try (StatefulRedisConnection<String, String> connection = redis.connect()) {
            instance(connection, budget, new WebhookTargets(false)).admit(request("0.10")).settle(usd("0.60"), 10);
        }

        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(posts.get()).isZero());
    }

    private SpendControl instance(StatefulRedisConnection<String, String> connection, Budget budget) {
        // the webhook listens on loopback, which only a deployment that allows private webhooks may call
        return instance(connection, budget, new WebhookTargets(true));
    }

    private SpendControl instance(StatefulRedisConnection<String, String> connection, Budget budget,
                                  WebhookTargets targets) {
        Ledger ledger = new RedisLedger(connection, redis.prefix(), SpendHistory.NONE, clock, Duration.ofHours(1));
        BudgetAlerts alerts = new BudgetAlerts(HttpClient.newHttpClient(), clock, 3, Duration.ofSeconds(2),
                Duration.ofMillis(50), targets);
        return new SpendEnforcer(new RateLimiter(new LocalBuckets(100, BucketStore.timeMeter(clock))),
                new Budgets((caller, user) -> List.of(budget), ledger, Spend.outage(), alerts, clock));
    }

    /** Answers the very first POST with a 500, to be retried; keeps the bodies it accepted. */
    private HttpServer startWebhook() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hooks/budget", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                boolean fail = posts.incrementAndGet() == 1;
                if (!fail) {
                    delivered.add(Json.tree(body));
                }
                exchange.sendResponseHeaders(fail ? 500 : 204, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
