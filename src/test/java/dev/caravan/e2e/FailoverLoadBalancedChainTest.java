package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.RecordedRequest;
import dev.caravan.simulator.Reply;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped chain/vendor-failover (routes/chains/vendor-failover.yaml): Camel's failoverLoadBalancer over two
 * branches, OpenAI's model then Anthropic's, over real HTTP. The load balancer moves on only when a branch's
 * providers are exhausted, a stream is decided on its first event, and the request is admitted and charged once.
 */
@DirtiesContext
class FailoverLoadBalancedChainTest extends GatewayTestBase {

    private static final String ADMIN_KEY = "cvn-test-admin-key-vendor-failover-0123";
    private static final String CHAIN = "chain/vendor-failover";

    @DynamicPropertySource
    static void adminKey(DynamicPropertyRegistry registry) {
        registry.add("CARAVAN_ADMIN_KEY", () -> ADMIN_KEY);
    }

    @Test
    void hands_the_request_to_the_next_branch_when_the_first_branchs_providers_are_down() throws Exception {
        SIMULATOR.enqueue(Reply.error(503, "openai is down"), Reply.text("from claude"));

        HttpResponse<String> response = chat(simpleRequest(CHAIN, false));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response.body());
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("from claude");
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("anthropic");
        // both branches' attempts, in the order they were made
        assertThat(response.headers().firstValue("x-caravan-attempts").orElseThrow())
                .startsWith("openai;status=503").contains("anthropic;status=200");
        assertThat(attempts(body.at("/provider_metadata/gateway/routing")))
                .containsExactly("openai/gpt-5:false", "anthropic/claude-sonnet-4.6:true");
        assertThat(SIMULATOR.requests()).extracting(RecordedRequest::path)
                .containsExactly("/v1/chat/completions", "/v1/messages");
    }

    @Test
    void sends_a_request_error_back_at_once_instead_of_to_the_next_branch() throws Exception {
        SIMULATOR.enqueue(Reply.error(400, "messages: bad image"), Reply.text("must not be reached"));

        HttpResponse<String> response = chat(simpleRequest(CHAIN, false));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).at("/error/message").asText()).isEqualTo("openai: messages: bad image");
        assertThat(SIMULATOR.requests()).hasSize(1);
    }

    @Test
    void answers_with_the_last_error_when_every_branch_failed() throws Exception {
        SIMULATOR.enqueue(Reply.error(503, "openai is down"), Reply.error(529, "anthropic is overloaded"));

        HttpResponse<String> response = chat(simpleRequest(CHAIN, false));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json(response.body()).at("/error/message").asText()).startsWith("anthropic: ");
        assertThat(response.headers().firstValue("x-caravan-attempts").orElseThrow())
                .contains("openai;status=503").contains("anthropic;status=529");
    }

    @Test
    void a_stream_that_fails_before_its_first_event_is_taken_over_by_the_next_branch() throws Exception {
        SIMULATOR.enqueue(Reply.text("never seen").cutAfterChunks(0), Reply.text("streamed by claude").chunks(3));

        HttpResponse<String> response = chat(simpleRequest(CHAIN, true));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("anthropic");
        assertThat(content(response.body())).isEqualTo("streamed by claude");
        assertThat(response.body()).contains("data: [DONE]").doesNotContain("never seen");
    }

    @Test
    void a_stream_that_fails_after_its_first_event_ends_with_an_error_and_no_branch_takes_over() throws Exception {
        SIMULATOR.enqueue(Reply.text("one two three four five").chunks(5).cutAfterChunks(3),
                Reply.text("must not be mixed in"));

        HttpResponse<String> response = chat(simpleRequest(CHAIN, true));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"error\"").doesNotContain("[DONE]")
                .doesNotContain("must not be mixed in");
        assertThat(SIMULATOR.requests()).hasSize(1);
    }

    @Test
    void a_hard_budget_is_taken_once_and_charged_the_served_branchs_cost_once() throws Exception {
        String key = keyWithHardBudget("5");
        SIMULATOR.enqueue(Reply.error(503, "openai is down"), Reply.text("from claude").usage(1000, 200));

        HttpResponse<String> response = chat(key, 300);

        assertThat(response.statusCode()).isEqualTo(200);
        String id = response.headers().firstValue("x-caravan-generation-id").orElseThrow();
        // Sonnet's price: 1,000 in at $3/M + 200 out at $15/M
        BigDecimal cost = new BigDecimal("0.006");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> generation = get("/v1/generation?id=" + id, key);
            assertThat(generation.statusCode()).isEqualTo(200);
            assertThat(json(generation.body()).at("/data/total_cost").decimalValue()).isEqualByComparingTo(cost);
        });
        JsonNode credits = json(get("/v1/credits", key).body());
        assertThat(new BigDecimal(credits.at("/budget/spent").asText())).isEqualByComparingTo(cost);
    }

    @Test
    void the_next_branch_is_refused_when_its_worst_case_no_longer_fits_the_hard_budget() throws Exception {
        // 300 tokens out at most: GPT-5's worst case ($10/M out, about $0.003) fits, Sonnet's ($15/M, $0.0045) not
        String key = keyWithHardBudget("0.004");
        SIMULATOR.enqueue(Reply.error(503, "openai is down"), Reply.text("must not be reached"));

        HttpResponse<String> response = chat(key, 300);

        assertThat(response.statusCode()).isEqualTo(402);
        assertThat(json(response.body()).at("/error/code").asText()).isEqualTo("budget_exceeded");
        assertThat(SIMULATOR.requests()).hasSize(1);
        // nothing was served: nothing is left reserved or charged
        JsonNode credits = json(get("/v1/credits", key).body());
        assertThat(new BigDecimal(credits.at("/budget/spent").asText())).isEqualByComparingTo(BigDecimal.ZERO);
    }

    /** A new project's key, its project under a hard daily budget of {@code limitUsd}. */
    private String keyWithHardBudget(String limitUsd) throws IOException, InterruptedException {
        String project = json(admin("POST", "/v1/admin/projects", "{\"name\":\"vendor-failover\"}").body())
                .path("id").asText();
        String key = json(admin("POST", "/v1/admin/keys", "{\"name\":\"k\",\"projectId\":\"" + project + "\"}")
                .body()).path("secret").asText();
        HttpResponse<String> budget = admin("POST", "/v1/admin/budgets", """
                {"scope":"project","subject":"%s","limitUsd":%s,"period":"daily","mode":"hard"}"""
                .formatted(project, limitUsd));
        assertThat(budget.statusCode()).isEqualTo(201);
        return key;
    }

    private HttpResponse<String> chat(String key, int maxTokens) throws IOException, InterruptedException {
        return http.send(post("/v1/chat/completions", """
                {"model":"%s","max_tokens":%d,"messages":[{"role":"user","content":"Say hello"}]}"""
                .formatted(CHAIN, maxTokens)).setHeader("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String key) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> admin(String method, String path, String json)
            throws IOException, InterruptedException {
        return admin(ADMIN_KEY, method, path, json);
    }

    /** model:success per attempt of the routing metadata. */
    private static List<String> attempts(JsonNode routing) {
        List<String> out = new ArrayList<>();
        routing.path("attempts").forEach(a -> out.add(a.path("model").asText() + ":" + a.path("success").asBoolean()));
        return out;
    }

    /** The streamed content deltas, joined. */
    private static String content(String sse) {
        StringBuilder text = new StringBuilder();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: {")) {
                text.append(json(line.substring(6)).at("/choices/0/delta/content").asText(""));
            }
        }
        return text.toString();
    }
}
