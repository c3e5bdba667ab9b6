package dev.caravan.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.auth.GatewayKeys;
import dev.caravan.budget.Budget;
import dev.caravan.budget.BudgetBook;
import dev.caravan.canonical.Json;
import dev.caravan.identity.Caller;
import dev.caravan.identity.RateLimit;
import dev.caravan.testing.TestGateway;
import dev.caravan.testing.TestPostgres;
import dev.caravan.testing.TestRedis;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several gateway replicas sharing the real PostgreSQL and Redis of this machine (started by {@code .ci/run}), each
 * test run in its own schema and under its own Redis key prefix. A and B hear each other over Redis pub/sub and are
 * given a max staleness of a minute, so only the pub/sub message can make B see a change within a second. C shares
 * the database but not the channel (another key prefix: every message to it is lost) and keeps the default one-second
 * staleness, the safety net.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReplicasPostgresRedisTest {

    private static final String GATEWAY_KEY = "cvn-test-gateway-key-0123456789";
    private static final String ADMIN_KEY = "cvn-test-admin-key-9876543210";
    private static final String SCHEMA = TestPostgres.newSchema("keys");
    private static final TestRedis SHARED = new TestRedis();
    /** C's own prefix: every message A and B publish is lost to it. */
    private static final TestRedis ISOLATED = new TestRedis();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<ConfigurableApplicationContext> REPLICAS = new ArrayList<>();

    private static ConfigurableApplicationContext a;
    private static ConfigurableApplicationContext b;
    private static ConfigurableApplicationContext c;

    @BeforeAll
    static void startReplicas() {
        a = start(SHARED, "60s");
        b = start(SHARED, "60s");
        c = start(ISOLATED, "1s");
    }

    @AfterAll
    static void stopReplicas() throws SQLException {
        REPLICAS.forEach(ConfigurableApplicationContext::close);
        TestPostgres.drop(SCHEMA);
        SHARED.close();
        ISOLATED.close();
    }

    private static ConfigurableApplicationContext start(TestRedis redis, String maxStaleness) {
        // no provider set: each replica's built-in simulator serves every provider
        ConfigurableApplicationContext context = TestGateway.withKey(GATEWAY_KEY).postgres(SCHEMA)
                .redis(redis.prefix()).set("caravan.control-plane.max-staleness", maxStaleness)
                .set("CARAVAN_ADMIN_KEY", ADMIN_KEY).start();
        REPLICAS.add(context);
        return context;
    }

    @Test
    void a_key_issued_on_one_replica_works_on_another_and_its_revocation_reaches_it_within_a_second(
            CapturedOutput output) throws Exception {
        JsonNode key = post(a, "/v1/admin/keys", "{\"name\":\"shared\"}");
        String secret = key.path("secret").asText();
        assertThat(chat(b, secret).statusCode()).isEqualTo(200);
        assertThat(models(b, secret)).as("B has the key cached now").isEqualTo(200);

        HttpResponse<String> revoked = send(a, "DELETE", "/v1/admin/keys/" + key.path("id").asText(), null);
        assertThat(revoked.statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                .until(() -> models(b, secret) == 401);
        assertThat(models(a, secret)).isEqualTo(401);
        assertThat(output.getAll()).doesNotContain(secret).doesNotContain(ADMIN_KEY);
    }

    @Test
    void a_changed_project_limit_and_a_new_budget_reach_the_other_replica_within_a_second() throws Exception {
        String project = post(a, "/v1/admin/projects", "{\"name\":\"p\",\"rateLimit\":{\"requestsPerMinute\":10}}")
                .path("id").asText();
        JsonNode key = post(a, "/v1/admin/keys", "{\"name\":\"k\",\"projectId\":\"" + project + "\"}");
        String secret = key.path("secret").asText();
        Caller before = callerOn(b, secret);
        assertThat(before.projectLimit()).isEqualTo(new RateLimit(10L, null));
        BudgetBook bBudgets = b.getBean(BudgetBook.class);
        assertThat(bBudgets.budgetsFor(before, null)).as("B caches that there is none").isEmpty();

        send(a, "PATCH", "/v1/admin/projects/" + project, "{\"rateLimit\":{\"requestsPerMinute\":20}}");
        post(a, "/v1/admin/budgets", "{\"scope\":\"project\",\"subject\":\"" + project + "\",\"limitUsd\":7}");

        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            Caller now = callerOn(b, secret);
            assertThat(now.projectLimit()).isEqualTo(new RateLimit(20L, null));
            assertThat(bBudgets.budgetsFor(now, null)).extracting(Budget::limitUsd)
                    .singleElement().satisfies(limit -> assertThat(limit).isEqualByComparingTo("7"));
        });
    }

    @Test
    void a_replica_that_misses_the_message_refuses_a_revoked_key_once_its_cache_entry_is_a_second_old()
            throws Exception {
        JsonNode key = post(a, "/v1/admin/keys", "{\"name\":\"net\"}");
        String secret = key.path("secret").asText();
        assertThat(models(c, secret)).as("C has the key cached now").isEqualTo(200);

        assertThat(send(a, "DELETE", "/v1/admin/keys/" + key.path("id").asText(), null).statusCode())
                .isEqualTo(200);

        // max staleness plus one database read of slack: a background re-read that began before the revocation
        // committed may finish just after it
        await().atMost(Duration.ofMillis(1500)).pollInterval(Duration.ofMillis(20))
                .until(() -> models(c, secret) == 401);
    }

    private static Caller callerOn(ConfigurableApplicationContext replica, String key) {
        Exchange exchange = new DefaultExchange(replica.getBean(CamelContext.class));
        exchange.getMessage().setHeader("Authorization", "Bearer " + key);
        replica.getBean(GatewayKeys.class).authenticate(exchange);
        return exchange.getProperty(Caller.PROPERTY, Caller.class);
    }

    private static JsonNode post(ConfigurableApplicationContext replica, String path, String json)
            throws IOException, InterruptedException {
        HttpResponse<String> response = send(replica, "POST", path, json);
        assertThat(response.statusCode()).as("POST %s: %s", path, response.body()).isEqualTo(201);
        return Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> send(ConfigurableApplicationContext replica, String method, String path,
                                             String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(replica, path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + ADMIN_KEY)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> chat(ConfigurableApplicationContext replica, String key)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(replica, "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"openai/gpt-5-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The status of {@code GET /v1/models} with {@code key}: the cheapest call that checks a gateway key. */
    private static int models(ConfigurableApplicationContext replica, String key)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(replica, "/v1/models")).header("Authorization", "Bearer " + key)
                .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static URI uri(ConfigurableApplicationContext replica, String path) {
        return TestGateway.uri(replica, path);
    }
}
