package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.auth.AuthProperties;
import dev.caravan.auth.GatewayKeys;
import dev.caravan.auth.oidc.OidcProperties;
import dev.caravan.auth.oidc.OidcTokens;
import dev.caravan.budget.Budget;
import dev.caravan.budget.BudgetBook;
import dev.caravan.canonical.Json;
import dev.caravan.identity.Caller;
import dev.caravan.identity.RateLimit;
import dev.caravan.keys.KeyLookup;
import dev.caravan.simulator.ProviderSimulator;
import dev.caravan.simulator.Reply;
import dev.caravan.testing.TestGateway;
import dev.caravan.testing.TestRedis;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Budgets, rate limits and {@code /v1/credits} through real HTTP, on two gateway instances that share the Redis of
 * this machine, in front of the provider simulator. Keys with limits and budgets are test doubles (the admin API
 * that creates them is tested on its own): a {@code x-test-caller} header picks the caller.
 */
class SpendEnforcementRedisTest {

    private static final String GATEWAY_KEY = "cvn-test-spend-key-0123456789";
    private static final ProviderSimulator SIMULATOR = ProviderSimulator.start(0);
    private static final TestRedis REDIS = new TestRedis();

    private static final Map<String, Caller> CALLERS = Map.of(
            "rate", new Caller("key_rate", null, new RateLimit(2L, null), RateLimit.NONE),
            "hard", new Caller("key_hard", null, RateLimit.NONE, RateLimit.NONE),
            "open", new Caller("key_open", null, RateLimit.NONE, RateLimit.NONE),
            "soft", new Caller("key_soft", null, RateLimit.NONE, RateLimit.NONE),
            "credits", new Caller("key_credits", null, RateLimit.NONE, RateLimit.NONE),
            "thinking-anthropic", new Caller("key_thinking_anthropic", null, RateLimit.NONE, RateLimit.NONE),
            "thinking-google", new Caller("key_thinking_google", null, RateLimit.NONE, RateLimit.NONE),
            "choices-openai", new Caller("key_choices_openai", null, RateLimit.NONE, RateLimit.NONE));
    private static final List<Budget> BUDGETS = List.of(
            budget("bud_hard", "key_hard", "0.01", Budget.Mode.HARD),
            new Budget("bud_open", Budget.Scope.KEY, "key_open", new BigDecimal("10.00"), Budget.Period.DAILY,
                    Budget.Mode.HARD, List.of(), null, false, Budget.OnStoreOutage.OPEN),
            budget("bud_soft", "key_soft", "0.000001", Budget.Mode.SOFT),
            budget("bud_credits", "key_credits", "10.00", Budget.Mode.HARD),
            budget("bud_thinking_anthropic", "key_thinking_anthropic", "0.10", Budget.Mode.HARD),
            budget("bud_thinking_google", "key_thinking_google", "0.10", Budget.Mode.HARD),
            budget("bud_choices_openai", "key_choices_openai", "0.02", Budget.Mode.HARD));

    private static ConfigurableApplicationContext one;
    private static ConfigurableApplicationContext two;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startTwoInstances() {
        one = start();
        two = start();
    }

    @BeforeEach
    void resetSimulator() {
        SIMULATOR.reset();
    }

    @AfterAll
    static void stop() {
        for (ConfigurableApplicationContext instance : new ConfigurableApplicationContext[] {one, two}) {
            if (instance != null) {
                instance.close();
            }
        }
        REDIS.close();
    }

    @Test
    void a_rate_limit_is_shared_by_both_instances_and_refused_with_429() throws Exception {
        HttpResponse<String> first = chat(one, "rate", 50);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).hasValue("2");
        assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("1");
        HttpResponse<String> second = chat(two, "rate", 50);
        assertThat(second.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        assertThat(second.headers().firstValue("x-ratelimit-reset-requests")).isPresent();

        HttpResponse<String> refused = chat(one, "rate", 50);
        assertThat(refused.statusCode()).isEqualTo(429);
        JsonNode error = json(refused).get("error");
        assertThat(error.get("type").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error.get("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error.get("message").asText()).startsWith("Rate limit reached for this key: 2 requests per minute.");
        assertThat(refused.headers().firstValue("Retry-After").map(Long::parseLong)).hasValueSatisfying(
                seconds -> assertThat(seconds).isBetween(1L, 30L));
        assertThat(refused.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        assertThat(SIMULATOR.requests()).hasSize(2);
    }

    @Test
    void a_hard_budget_refuses_with_402_a_request_whose_worst_case_does_not_fit() throws Exception {
        // 100,000 output tokens of GPT-5 mini may cost 0.20 USD: more than the whole 0.01 budget
        HttpResponse<String> refused = chat(one, "hard", 100_000);
        assertThat(refused.statusCode()).isEqualTo(402);
        JsonNode error = json(refused).get("error");
        assertThat(error.get("type").asText()).isEqualTo("insufficient_quota");
        assertThat(error.get("code").asText()).isEqualTo("budget_exceeded");
        assertThat(error.get("message").asText()).startsWith("Budget exhausted. The hard budget bud_hard of this key "
                + "(0.01 USD per day) cannot cover this request").contains("a lower max_tokens may fit", "resets at");
        assertThat(refused.body()).doesNotContain(GATEWAY_KEY);

        assertThat(chat(two, "hard", 100).statusCode()).isEqualTo(200);
    }

    /**
     * The probe's overspend: the reservation covered the client's {@code max_tokens: 1}, but Anthropic was sent 16,385
     * (its thinking budget plus one) and billed up to that; Gemini thinks beside its limit; OpenAI bills each of
     * {@code n} choices. The simulator bills the whole allowance it was sent, so each served request costs about its
     * worst case and only one fits the budget. Before the fix all ten were served, 8 to 10 times the budget.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "thinking-anthropic, anthropic/claude-haiku-4.5, '\"reasoning_effort\":\"high\",\"max_tokens\":1', 0.10",
            "thinking-google, google/gemini-2.5-flash, '\"reasoning_effort\":\"high\",\"max_tokens\":1', 0.10",
            "choices-openai, openai/gpt-5-mini, '\"n\":3,\"max_tokens\":2000', 0.02"})
    void a_hard_budget_covers_what_the_provider_is_sent_not_what_the_client_asked(
            String caller, String model, String options, String limit) throws Exception {
        SIMULATOR.setDefaultReply(Reply.text("A long answer.").billingWholeAllowance());
        String body = """
                {"model":"%s",%s,"messages":[{"role":"user","content":"Think hard"}]}""".formatted(model, options);
        List<HttpResponse<String>> answers;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ConfigurableApplicationContext instance = i % 2 == 0 ? one : two;
                sent.add(pool.submit(() -> send(instance, caller, body)));
            }
            answers = new ArrayList<>();
            for (Future<HttpResponse<String>> answer : sent) {
                answers.add(answer.get());
            }
        }
        List<HttpResponse<String>> served = answers.stream().filter(a -> a.statusCode() == 200).toList();
        assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).isIn(200, 402));
        BigDecimal spent = served.stream().map(a -> json(a).get("usage").get("cost").decimalValue())
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(spent).isLessThanOrEqualTo(new BigDecimal(limit));
        assertThat(served).hasSize(1);
        assertThat(SIMULATOR.requests()).hasSize(1);
    }

    @Test
    void a_soft_budget_spent_on_one_instance_refuses_on_the_other() throws Exception {
        assertThat(chat(one, "soft", 50).statusCode()).isEqualTo(200);
        // the first request's cost is booked as it ends; it crossed the tiny limit, so the next is refused anywhere
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> refused = chat(two, "soft", 50);
            assertThat(refused.statusCode()).isEqualTo(402);
            assertThat(json(refused).get("error").get("message").asText())
                    .contains("The budget bud_soft of this key", "is exhausted");
        });
    }

    @Test
    void credits_show_the_key_budget_s_balance_and_the_recorded_spend() throws Exception {
        JdbcTemplate jdbc = one.getBean(JdbcTemplate.class);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        record("u1", jdbc, now, "1.25", false);
        record("u2", jdbc, now, "0.50", true);
        record("u3", jdbc, now.minusMonths(2), "2.00", false);

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(one, "/v1/credits"))
                .header("Authorization", "Bearer " + GATEWAY_KEY).header("x-test-caller", "credits").GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode credits = json(response);
        // today's 1.25 seeds the day's account (BYOK left out): 10.00 - 1.25; all non-BYOK spend: 1.25 + 2.00
        assertThat(credits.get("balance").asText()).isEqualTo("8.75");
        assertThat(credits.get("total_used").asText()).isEqualTo("3.25");
        assertThat(credits.get("budget").get("id").asText()).isEqualTo("bud_credits");
        assertThat(credits.get("budget").get("resets_at").asText()).endsWith("T00:00:00Z");

        HttpResponse<String> unbudgeted = http.send(HttpRequest.newBuilder(uri(two, "/v1/credits"))
                .header("Authorization", "Bearer " + GATEWAY_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(json(unbudgeted).get("balance").isNull()).isTrue();
        assertThat(json(unbudgeted).get("total_used").asText()).isEqualTo("0.00");
    }

    @Test
    void credits_need_a_gateway_key() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(one, "/v1/credits")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(401);
    }

    private static void record(String id, JdbcTemplate jdbc, OffsetDateTime at, String cost, boolean byok) {
        jdbc.update("INSERT INTO usage_records (id, created_at, key_id, cost_usd, is_byok, streamed, outcome, "
                + "http_status) VALUES (?, ?, 'key_credits', ?, ?, FALSE, 'success', 200)", id, at,
                new BigDecimal(cost), byok);
    }

    private HttpResponse<String> chat(ConfigurableApplicationContext instance, String caller, int maxTokens)
            throws IOException, InterruptedException {
        return send(instance, caller, """
                {"model":"openai/gpt-5-mini","max_tokens":%d,"messages":[{"role":"user","content":"Say hello"}]}"""
                .formatted(maxTokens));
    }

    private HttpResponse<String> send(ConfigurableApplicationContext instance, String caller, String body)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(instance, "/v1/chat/completions"))
                .header("Authorization", "Bearer " + GATEWAY_KEY).header("x-test-caller", caller)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(ConfigurableApplicationContext instance, String path) {
        return TestGateway.uri(instance, path);
    }

    private static JsonNode json(HttpResponse<String> response) {
        return Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
    }

    private static Budget budget(String id, String keyId, String usd, Budget.Mode mode) {
        return new Budget(id, Budget.Scope.KEY, keyId, new BigDecimal(usd), Budget.Period.DAILY, mode, List.of(),
                null, false, Budget.OnStoreOutage.CLOSED);
    }

    private static ConfigurableApplicationContext start() {
        return TestGateway.withKey(GATEWAY_KEY).providersAt(SIMULATOR).redis(REDIS.prefix()).beans(TestBeans.class)
                // the test's key check replaces the real one by name, as the routes call it by name
                .set("spring.main.allow-bean-definition-overriding", true).start();
    }

    /** Test doubles for the key store and the budget book; unannotated, so no other test's scan picks them up. */
    static class TestBeans {

        @Bean
        @Primary
        BudgetBook testBudgetBook() {
            return (caller, user) -> BUDGETS.stream().filter(b -> b.subject().equals(caller.keyId())).toList();
        }

        @Bean
        GatewayKeys gatewayKeys(KeyLookup issued, OidcTokens tokens, OidcProperties oidc) {
            return new GatewayKeys(new AuthProperties(GATEWAY_KEY, List.of(), ""), issued, tokens, oidc) {
                @Override
                public void authenticate(Exchange exchange) {
                    String who = exchange.getMessage().getHeader("x-test-caller", String.class);
                    super.authenticate(exchange);
                    exchange.getMessage().removeHeader("x-test-caller");
                    if (who != null) {
                        exchange.setProperty(Caller.PROPERTY, CALLERS.get(who));
                    }
                }
            };
        }
    }
}
