package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.e2e.PublicApi.Tenant;
import dev.caravan.routing.ProviderHealth;
import dev.caravan.simulator.ProviderSimulator;
import dev.caravan.simulator.Reply;
import dev.caravan.testing.TestGateway;
import dev.caravan.testing.TestPostgres;
import dev.caravan.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.caravan.e2e.PublicApi.chat;
import static dev.caravan.e2e.PublicApi.chatRequest;
import static dev.caravan.e2e.PublicApi.chunks;
import static dev.caravan.e2e.PublicApi.get;
import static dev.caravan.e2e.PublicApi.json;
import static dev.caravan.e2e.PublicApi.report;
import static dev.caravan.e2e.PublicApi.usageOf;
import static dev.caravan.e2e.PublicApi.usd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 5's headline promises, end to end: two gateway instances share the PostgreSQL (a schema of this class's own)
 * and the Redis (a key prefix of its own) of this machine, in front of one provider simulator, and are driven only
 * through their public HTTP APIs: the admin API creates projects, keys and budgets, chat completions spend, and
 * {@code /v1/generation}, {@code /v1/report} and {@code /v1/credits} read it back. Each test works in a project of its
 * own, so reports and budgets see only its requests.
 *
 * <p>Costs are computed by hand from the catalog's prices (USD per million tokens): openai/gpt-5 1.25 input, 0.125
 * cached input, 10 output; openai/gpt-5-mini 0.25 input, 2 output; anthropic/claude-sonnet-4.6 3 input, 0.30 cache
 * read, 3.75 cache write, 15 output. The prompt "Say hello" is 2 o200k tokens plus 4 per message, 6 in all, and its
 * upper bound (the margin for other providers' tokenizers, 1.3) 8: a gpt-5-mini request with {@code max_tokens}
 * 1000 may cost (8 x 0.25 + 1000 x 2) / 1e6 = 0.002002 USD, and does when the simulator bills exactly that: every
 * reservation is then what its request will cost, so a hard budget must end within one request of its limit however
 * the parallel requests interleave (with a smaller real cost, requests refused while others held their reservations
 * would leave room unused).
 *
 * <p>Revocation across replicas is {@code ReplicasPostgresRedisTest}'s.
 */
@ExtendWith(OutputCaptureExtension.class)
class SpendAcrossReplicasPostgresRedisTest {

    private static final String GATEWAY_KEY = "cvn-test-replicas-gateway-key-0123";
    private static final String ADMIN_KEY = "cvn-test-replicas-admin-key-45678";
    private static final String SCHEMA = TestPostgres.newSchema("spend");
    private static final ProviderSimulator SIMULATOR = ProviderSimulator.start(0);
    private static final TestRedis REDIS = new TestRedis();
    private static final TestGateway REPLICA = TestGateway.withKey(GATEWAY_KEY).providersAt(SIMULATOR)
            .postgres(SCHEMA).redis(REDIS.prefix()).set("CARAVAN_ADMIN_KEY", ADMIN_KEY)
            // records reach the database soon after each request, so reads back wait less
            .set("caravan.usage.batch-interval", "100ms");

    /** A gpt-5-mini request billed at exactly its worst case: every reservation is what the request will cost. */
    private static final Reply AT_WORST_CASE = Reply.text("Hello").usage(8, 1000);
    private static final BigDecimal WORST_CASE = new BigDecimal("0.002002");

    private static final PublicApi API = new PublicApi(ADMIN_KEY);
    private static final List<ConfigurableApplicationContext> INSTANCES = new ArrayList<>();

    private static ConfigurableApplicationContext a;
    private static ConfigurableApplicationContext b;

    @BeforeAll
    static void startTwoInstances() {
        a = start();
        b = start();
    }

    @AfterAll
    static void stop() throws SQLException {
        INSTANCES.forEach(ConfigurableApplicationContext::close);
        TestPostgres.drop(SCHEMA);
        REDIS.close();
    }

    @BeforeEach
    void resetSimulatorAndHealth() {
        SIMULATOR.reset();
        // one test's failing provider calls must not leave the next one a circuit open
        INSTANCES.forEach(instance -> instance.getBean(ProviderHealth.class).reset());
    }

    @Test
    void a_hard_budget_holds_under_200_parallel_requests_spread_over_two_instances() throws Exception {
        Tenant tenant = API.tenant(a, b, "hard");
        // 99 requests fit in 0.20 (0.198198), the 100th would not (0.2002)
        API.budget(a, "project", tenant.projectId(), "0.20", "hard");
        // every provider call takes a while, so reservations made on both instances are held at the same time
        SIMULATOR.setDefaultReply(AT_WORST_CASE.latencyMs(100));
        // two waves of parallel requests, alternating between the instances: 80 that all fit (so both instances
        // serve some whatever the arrival order: in one burst, one instance can admit the whole budget before the
        // other's first request arrives), then 120 racing across both instances for the 19 places left
        Map<Integer, Integer> servedBy = new HashMap<>();
        List<HttpResponse<String>> refused = new ArrayList<>();
        int served = 0;
        for (int wave : List.of(80, 120)) {
            List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
            for (int i = 0; i < wave; i++) {
                pending.add(PublicApi.HTTP.sendAsync(chatRequest(i % 2 == 0 ? a : b, tenant.secret(), """
                        {"model":"openai/gpt-5-mini","max_tokens":1000,"messages":[{"role":"user","content":"Say hello"}]}
                        """).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < pending.size(); i++) {
                HttpResponse<String> response = pending.get(i).get(60, TimeUnit.SECONDS);
                assertThat(response.statusCode()).as(response.body()).isIn(200, 402);
                if (response.statusCode() == 200) {
                    served++;
                    servedBy.merge(i % 2, 1, Integer::sum);
                    assertThat(response.headers().firstValue("x-caravan-cost")).hasValue("0.002002");
                } else {
                    refused.add(response);
                }
            }
        }
        assertThat(servedBy).as("both instances served").containsOnlyKeys(0, 1);
        assertThat(SIMULATOR.requests()).as("a refused request reaches no provider").hasSize(served);

        // every request leaves a record, refused or not
        JsonNode row = onlyRow(await().atMost(Duration.ofSeconds(20)).until(() -> report(b, tenant.secret(), "model"),
                rows -> rows.size() == 1 && rows.get(0).path("request_count").asLong() == 200));
        BigDecimal total = row.path("total_cost").decimalValue();
        BigDecimal limit = new BigDecimal("0.20");
        assertThat(total).as("never above the limit").isLessThanOrEqualTo(limit)
                .as("within one request's worst case of it").isGreaterThanOrEqualTo(limit.subtract(WORST_CASE))
                .isEqualByComparingTo(WORST_CASE.multiply(BigDecimal.valueOf(served)));
        assertThat(row.path("output_tokens").asLong()).isEqualTo(1000L * served);
        assertThat(refused).hasSize(200 - served).allSatisfy(response -> {
            JsonNode error = json(response).path("error");
            assertThat(error.path("type").asText()).isEqualTo("insufficient_quota");
            assertThat(error.path("code").asText()).isEqualTo("budget_exceeded");
            // the gateway's worst case is the hand-computed one
            assertThat(error.path("message").asText()).contains("may cost up to 0.002002 USD");
        });

        for (ConfigurableApplicationContext instance : List.of(a, b)) {
            JsonNode credits = json(get(instance, tenant.secret(), "/v1/credits"));
            assertThat(usd(credits.path("total_used"))).isEqualByComparingTo(total);
            assertThat(usd(credits.path("balance"))).isEqualByComparingTo(limit.subtract(total));
            assertThat(usd(credits.path("budget").path("spent"))).isEqualByComparingTo(total);
        }
    }

    @Test
    void a_soft_budget_lets_the_request_that_crosses_the_line_complete_and_refuses_the_next_anywhere()
            throws Exception {
        Tenant tenant = API.tenant(a, b, "soft");
        // room for two requests and a half; without max_tokens a request may cost 0.256 (128,000 output tokens):
        // a soft budget looks only at what has been spent
        API.budget(a, "project", tenant.projectId(), "0.005", "soft");
        SIMULATOR.setDefaultReply(AT_WORST_CASE);
        String request = """
                {"model":"openai/gpt-5-mini","messages":[{"role":"user","content":"Say hello"}]}""";

        assertThat(chat(a, tenant.secret(), request).statusCode()).isEqualTo(200);
        assertThat(chat(b, tenant.secret(), request).statusCode()).isEqualTo(200);
        HttpResponse<String> crossing = chat(a, tenant.secret(), request);
        assertThat(crossing.statusCode()).as("0.004004 spent is under the limit").isEqualTo(200);

        HttpResponse<String> refused = chat(b, tenant.secret(), request);
        assertThat(refused.statusCode()).isEqualTo(402);
        JsonNode error = json(refused).path("error");
        assertThat(error.path("code").asText()).isEqualTo("budget_exceeded");
        assertThat(error.path("message").asText()).contains("of this key's project (0.005 USD per month)",
                "is exhausted: 0.006006 USD spent");
        assertThat(SIMULATOR.requests()).hasSize(3);

        JsonNode credits = json(get(a, tenant.secret(), "/v1/credits"));
        assertThat(credits.path("balance").asText()).isEqualTo("0.00");
        assertThat(credits.path("budget").path("mode").asText()).isEqualTo("soft");
        assertThat(credits.path("budget").path("spent").asText()).isEqualTo("0.006006");
    }

    @Test
    void a_key_rate_limit_is_counted_across_both_instances_with_its_headers() throws Exception {
        String secret = API.admin(a, "POST", "/v1/admin/keys", """
                {"name":"rate","rateLimit":{"requestsPerMinute":3}}""").path("secret").asText();
        String request = """
                {"model":"openai/gpt-5-mini","messages":[{"role":"user","content":"Say hello"}]}""";

        List<String> remaining = new ArrayList<>();
        for (ConfigurableApplicationContext instance : List.of(a, b, a)) {
            HttpResponse<String> response = chat(instance, secret, request);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-ratelimit-limit-requests")).hasValue("3");
            remaining.add(response.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
        }
        assertThat(remaining).containsExactly("2", "1", "0");

        HttpResponse<String> refused = chat(b, secret, request);
        assertThat(refused.statusCode()).isEqualTo(429);
        JsonNode error = json(refused).path("error");
        assertThat(error.path("type").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
        // a minute's three requests refill one every 20 s
        assertThat(refused.headers().firstValue("Retry-After").map(Long::parseLong)).hasValueSatisfying(
                seconds -> assertThat(seconds).isBetween(1L, 20L));
        assertThat(refused.headers().firstValue("x-ratelimit-limit-requests")).hasValue("3");
        assertThat(refused.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        assertThat(refused.headers().firstValue("x-ratelimit-reset-requests")).hasValueSatisfying(
                reset -> assertThat(reset).matches("\\d+(\\.\\d+)?m?s"));
        assertThat(SIMULATOR.requests()).hasSize(3);
    }

    @Test
    void report_sums_match_hand_computed_figures_and_the_generation_records() throws Exception {
        Tenant tenant = API.tenant(a, b, "report");
        SIMULATOR.enqueue(
                // gpt-5: (1000 x 1.25 + 200 x 10) / 1e6
                Reply.text("Plain").usage(1000, 200),
                // gpt-5: (600 x 1.25 + 400 x 0.125 + 200 x 10) / 1e6
                Reply.text("Cached").usage(1000, 200).cachedTokens(400),
                // gpt-5-mini: (500 x 0.25 + 300 x 2) / 1e6; reasoning tokens are part of the output
                Reply.text("Thought").usage(500, 300).reasoningTokens(200),
                // gpt-5, streamed: (2000 x 1.25 + 100 x 10) / 1e6
                Reply.text("Streamed answer").chunks(3).usage(2000, 100),
                // claude-sonnet-4.6, streamed: (500 x 3 + 200 x 0.30 + 300 x 3.75 + 100 x 15) / 1e6
                Reply.text("Cache written").chunks(3).usage(1000, 100).cachedTokens(200).cacheWriteTokens(300));
        List<String> ids = new ArrayList<>();
        ids.add(served(chat(a, tenant.secret(), request("openai/gpt-5", false, "alice")), "0.00325"));
        ids.add(served(chat(b, tenant.secret(), request("openai/gpt-5", false, "bob")), "0.0028"));
        ids.add(served(chat(a, tenant.secret(), request("openai/gpt-5-mini", false, "alice")), "0.000725"));
        ids.add(servedStream(chat(b, tenant.secret(), request("openai/gpt-5", true, "bob")), "0.0035"));
        ids.add(servedStream(chat(a, tenant.secret(), request("anthropic/claude-sonnet-4.6", true, null)),
                "0.004185"));

        Map<String, JsonNode> byModel = await().atMost(Duration.ofSeconds(20))
                .until(() -> rows(report(b, tenant.secret(), "model"), "model"), rows -> requests(rows) == 5);
        assertRow(byModel.get("openai/gpt-5"), "0.00955", 3, 4000, 500, 400, 0, 0);
        assertRow(byModel.get("openai/gpt-5-mini"), "0.000725", 1, 500, 300, 0, 0, 200);
        assertRow(byModel.get("anthropic/claude-sonnet-4.6"), "0.004185", 1, 1000, 100, 200, 300, 0);
        assertThat(byModel).hasSize(3);

        Map<String, JsonNode> byUser = rows(report(a, tenant.secret(), "user"), "user");
        assertThat(byUser).containsOnlyKeys("alice", "bob", "null");
        assertRow(byUser.get("alice"), "0.003975", 2, 1500, 500, 0, 0, 200);
        assertRow(byUser.get("bob"), "0.0063", 2, 3000, 300, 400, 0, 0);
        assertRow(byUser.get("null"), "0.004185", 1, 1000, 100, 200, 300, 0);

        BigDecimal recorded = BigDecimal.ZERO;
        for (int i = 0; i < ids.size(); i++) {
            JsonNode record = json(get(i % 2 == 0 ? b : a, tenant.secret(), "/v1/generation?id=" + ids.get(i)))
                    .path("data");
            assertThat(record.path("id").asText()).isEqualTo(ids.get(i));
            recorded = recorded.add(record.path("total_cost").decimalValue());
        }
        assertThat(recorded).isEqualByComparingTo("0.01446").isEqualByComparingTo(
                byModel.values().stream().map(r -> r.path("total_cost").decimalValue())
                        .reduce(BigDecimal.ZERO, BigDecimal::add));
    }

    @Test
    void a_byok_credential_reaches_the_provider_and_no_response_record_row_or_log_and_is_not_charged(
            CapturedOutput output) throws Exception {
        String byok = "sk-byok-e2e-Zq7xW4pL9mK2vN8rT5yB3cD6";
        Tenant tenant = API.tenant(a, b, "byok");
        // hard, BYOK not counted (the default); a gpt-5 request with max_tokens 2000 may cost 0.02, far above it
        API.budget(a, "project", tenant.projectId(), "0.01", "hard");
        String request = """
                {"model":"openai/gpt-5","max_tokens":2000,"messages":[{"role":"user","content":"Say hello"}]%s}""";
        String withByok = request.formatted(",\"providerOptions\":{\"gateway\":{\"byok\":{\"openai\":[{\"apiKey\":\""
                + byok + "\"}]}}}");
        // providers that quote the key they were given: refusing it, rejecting the request, failing
        SIMULATOR.enqueue(Reply.error(401, "Incorrect API key provided: " + byok),
                Reply.error(400, "Invalid 'model' for the key " + byok),
                Reply.error(500, "Internal error while serving key " + byok),
                Reply.reset(),
                Reply.text("Hello").usage(1000, 200));

        List<HttpResponse<String>> responses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            responses.add(chat(a, tenant.secret(), withByok));
        }
        assertThat(responses).extracting(HttpResponse::statusCode).containsExactly(502, 400, 502, 502, 200);
        assertThat(SIMULATOR.requests()).hasSize(5).allSatisfy(upstream ->
                assertThat(upstream.header("authorization")).isEqualTo("Bearer " + byok));
        for (HttpResponse<String> response : responses) {
            assertThat(response.body()).doesNotContain(byok);
            assertThat(response.headers().map().toString()).doesNotContain(byok);
        }

        HttpResponse<String> served = responses.getLast();
        String id = served.headers().firstValue("x-caravan-generation-id").orElseThrow();
        JsonNode record = json(await().atMost(Duration.ofSeconds(20)).until(
                () -> get(b, tenant.secret(), "/v1/generation?id=" + id), r -> r.statusCode() == 200)).path("data");
        assertThat(record.path("is_byok").asBoolean()).isTrue();
        // (1000 x 1.25 + 200 x 10) / 1e6: recorded, though not charged
        assertThat(record.path("total_cost").decimalValue()).isEqualByComparingTo("0.00325");
        for (HttpResponse<String> response : responses) {
            String generation = response.headers().firstValue("x-caravan-generation-id").orElseThrow();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                HttpResponse<String> lookup = get(b, tenant.secret(), "/v1/generation?id=" + generation);
                assertThat(lookup.statusCode()).isEqualTo(200);
                assertThat(lookup.body()).doesNotContain(byok);
            });
        }
        assertThat(storedRows()).as("every column of every usage record and tag").isNotEmpty()
                .noneMatch(row -> row.contains(byok));

        // the budget is untouched: the same request with the gateway's own key does not fit in it
        HttpResponse<String> ownKey = chat(b, tenant.secret(), request.formatted(""));
        assertThat(ownKey.statusCode()).as(ownKey.body()).isEqualTo(402);
        JsonNode credits = json(get(b, tenant.secret(), "/v1/credits"));
        assertThat(credits.path("balance").asText()).isEqualTo("0.01");
        assertThat(credits.path("total_used").asText()).isEqualTo("0.00");

        // the failed calls were logged (so the capture sees the gateways' logs), without the key
        assertThat(output.getAll()).contains("call to provider openai failed").doesNotContain(byok);
    }

    @Test
    void streams_in_flight_on_an_instance_that_shuts_down_finish_are_recorded_once_and_settle_their_budget()
            throws Exception {
        Tenant tenant = API.tenant(a, b, "shutdown");
        int streams = 6;
        // room for the streams and one request more, with not a nano-USD to spare
        API.budget(a, "project", tenant.projectId(), WORST_CASE.multiply(BigDecimal.valueOf(streams + 1))
                .toPlainString(), "hard");
        // each stream sends its first chunk at once and the rest over a second and a half
        SIMULATOR.setDefaultReply(AT_WORST_CASE.chunks(6).chunkDelayMs(250));
        ConfigurableApplicationContext leaving = start();
        String request = """
                {"model":"openai/gpt-5-mini","max_tokens":1000,"stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"Say hello"}]}""";

        CountDownLatch started = new CountDownLatch(streams);
        List<CompletableFuture<List<String>>> bodies = new ArrayList<>();
        // a reader per stream (the common pool may have a single thread, reading one stream after another)
        ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();
        for (int i = 0; i < streams; i++) {
            bodies.add(PublicApi.HTTP.sendAsync(chatRequest(leaving, tenant.secret(), request).build(),
                    HttpResponse.BodyHandlers.ofLines()).thenApplyAsync(response -> {
                        assertThat(response.statusCode()).isEqualTo(200);
                        List<String> lines = new ArrayList<>();
                        try (Stream<String> events = response.body()) {
                            events.forEach(line -> {
                                if (lines.isEmpty() && line.startsWith("data: ")) {
                                    started.countDown();
                                }
                                lines.add(line);
                            });
                        }
                        return lines;
                    }, readers));
        }
        assertThat(started.await(20, TimeUnit.SECONDS)).as("every stream has begun").isTrue();
        assertThat(bodies).as("no stream has ended").noneMatch(CompletableFuture::isDone);

        leaving.close();
        INSTANCES.remove(leaving);

        List<String> ids = new ArrayList<>();
        for (CompletableFuture<List<String>> body : bodies) {
            String events = String.join("\n", body.get(30, TimeUnit.SECONDS));
            assertThat(events.strip()).as("finished, not cut").endsWith("data: [DONE]");
            assertThat(usageOf(events).path("cost").decimalValue()).isEqualByComparingTo(WORST_CASE);
            ids.add(chunks(events).getFirst().path("id").asText());
        }
        readers.close();
        // written before the instance finished closing: another instance reads them at once
        JsonNode row = onlyRow(report(a, tenant.secret(), "model"));
        assertThat(row.path("request_count").asLong()).isEqualTo(streams);
        assertThat(row.path("total_cost").decimalValue())
                .isEqualByComparingTo(WORST_CASE.multiply(BigDecimal.valueOf(streams)));
        for (String id : ids) {
            assertThat(get(b, tenant.secret(), "/v1/generation?id=" + id).statusCode()).isEqualTo(200);
        }
        JsonNode credits = json(get(a, tenant.secret(), "/v1/credits"));
        assertThat(usd(credits.path("budget").path("spent")))
                .isEqualByComparingTo(WORST_CASE.multiply(BigDecimal.valueOf(streams)));
        // settled, not merely recorded: no reservation of the departed instance still holds the last request's room
        SIMULATOR.setDefaultReply(AT_WORST_CASE);
        HttpResponse<String> last = chat(b, tenant.secret(), """
                {"model":"openai/gpt-5-mini","max_tokens":1000,"messages":[{"role":"user","content":"Say hello"}]}""");
        assertThat(last.statusCode()).as(last.body()).isEqualTo(200);
    }

    private static String request(String model, boolean stream, String user) {
        return """
                {"model":"%s","stream":%s,"messages":[{"role":"user","content":"Say hello"}]%s%s}"""
                .formatted(model, stream, stream ? ",\"stream_options\":{\"include_usage\":true}" : "",
                        user == null ? "" : ",\"providerOptions\":{\"gateway\":{\"user\":\"" + user + "\"}}");
    }

    private static JsonNode onlyRow(JsonNode results) {
        assertThat(results).hasSize(1);
        return results.get(0);
    }

    private static Map<String, JsonNode> rows(JsonNode results, String field) {
        Map<String, JsonNode> rows = new HashMap<>();
        results.forEach(row -> rows.put(row.path(field).asText(), row));
        return rows;
    }

    private static long requests(Map<String, JsonNode> rows) {
        return rows.values().stream().mapToLong(row -> row.path("request_count").asLong()).sum();
    }

    private static void assertRow(JsonNode row, String cost, long requests, long input, long output, long cached,
                                  long cacheWrites, long reasoning) {
        assertThat(row).as("report row").isNotNull();
        assertThat(row.path("total_cost").decimalValue()).as("total_cost of %s", row).isEqualByComparingTo(cost);
        assertThat(row.path("market_cost").decimalValue()).isEqualByComparingTo(cost);
        assertThat(row.path("request_count").asLong()).isEqualTo(requests);
        assertThat(row.path("input_tokens").asLong()).as("input_tokens of %s", row).isEqualTo(input);
        assertThat(row.path("output_tokens").asLong()).isEqualTo(output);
        assertThat(row.path("cached_input_tokens").asLong()).isEqualTo(cached);
        assertThat(row.path("cache_creation_input_tokens").asLong()).isEqualTo(cacheWrites);
        assertThat(row.path("reasoning_tokens").asLong()).as("reasoning_tokens of %s", row).isEqualTo(reasoning);
    }

    /** The generation id of a served, non-streamed answer whose cost is {@code cost} in the body and the header. */
    private static String served(HttpResponse<String> response, String cost) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).path("usage").path("cost").decimalValue()).isEqualByComparingTo(cost);
        assertThat(response.headers().firstValue("x-caravan-cost")).hasValue(cost);
        return response.headers().firstValue("x-caravan-generation-id").orElseThrow();
    }

    /** The same for a stream, whose cost is in its usage chunk ({@code stream_options.include_usage}). */
    private static String servedStream(HttpResponse<String> response, String cost) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).endsWith("data: [DONE]\n\n");
        assertThat(usageOf(response.body()).path("cost").decimalValue()).isEqualByComparingTo(cost);
        return response.headers().firstValue("x-caravan-generation-id").orElseThrow();
    }

    /** Every usage record and tag as PostgreSQL writes a whole row as text: all its columns. */
    private static List<String> storedRows() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection db = TestPostgres.connect(SCHEMA); Statement query = db.createStatement()) {
            for (String table : List.of("usage_records", "usage_tags")) {
                try (ResultSet rs = query.executeQuery("SELECT CAST(t AS TEXT) FROM " + table + " t")) {
                    while (rs.next()) {
                        rows.add(rs.getString(1));
                    }
                }
            }
        }
        return rows;
    }

    private static ConfigurableApplicationContext start() {
        ConfigurableApplicationContext instance = REPLICA.start();
        INSTANCES.add(instance);
        return instance;
    }
}
