package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.RecordedRequest;
import dev.caravan.simulator.Reply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped shadow chain (routes/chains/shadow.yaml, {@code chain/shadow-eval}) over real HTTP: the primary model
 * (openai/gpt-5-mini, on the simulator's OpenAI endpoint) answers first, the candidate (anthropic/claude-haiku-4.5, on
 * its Anthropic endpoint) after it: the copy is mirrored once the primary has been served, so the simulator's replies
 * are taken in the order they are queued and each test knows which model said what. The client gets the primary's answer alone; the copy leaves its
 * own usage record (shadow_of the primary's id), told apart by {@code group_by=traffic}, and costs the caller's budget
 * nothing.
 */
@DirtiesContext
class ShadowChainTest extends GatewayTestBase {

    private static final String ADMIN_KEY = "cvn-test-admin-key-shadow-0123456789";

    private String keyId;
    private String key;

    @DynamicPropertySource
    static void candidateAndAdmin(DynamicPropertyRegistry registry) {
        registry.add("CARAVAN_ADMIN_KEY", () -> ADMIN_KEY);
        registry.add("caravan.usage.batch-interval", () -> "100ms");
    }

    @BeforeEach
    void freshKeyWithABudget() throws Exception {
        // a project of its own: the report and the request log show this test's records only
        String project = json(admin("POST", "/v1/admin/projects", "{\"name\":\"shadow\"}").body()).path("id").asText();
        JsonNode issued = json(admin("POST", "/v1/admin/keys",
                "{\"name\":\"shadow\",\"projectId\":\"" + project + "\"}").body());
        keyId = issued.path("id").asText();
        key = issued.path("secret").asText();
        HttpResponse<String> budget = admin("POST", "/v1/admin/budgets", """
                {"scope":"key","subject":"%s","limitUsd":10,"period":"monthly","mode":"hard"}""".formatted(keyId));
        assertThat(budget.statusCode()).isEqualTo(201);
    }

    @Test
    void the_client_gets_the_primarys_answer_and_the_copy_is_recorded_apart_and_off_the_budget() throws Exception {
        SIMULATOR.enqueue(Reply.text("Primary says hello").usage(1000, 200));
        SIMULATOR.enqueue(Reply.text("Candidate says hello").usage(2000, 400));

        HttpResponse<String> response = chat(false);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answer = json(response.body());
        assertThat(answer.at("/choices/0/message/content").asText()).isEqualTo("Primary says hello");
        assertThat(response.body()).doesNotContain("Candidate");
        assertThat(answer.at("/provider_metadata/gateway/routing/attempts")).hasSize(1);
        String primaryId = response.headers().firstValue("x-caravan-generation-id").orElseThrow();

        RecordedRequest mirrored = mirrored();
        assertThat(mirrored.path()).isEqualTo("/v1/messages");
        JsonNode sent = json(mirrored.body());
        assertThat(sent.path("model").asText()).isEqualTo("claude-haiku-4-5");
        assertThat(sent.at("/messages/0/content").toString()).contains("Say hello");

        List<JsonNode> records = awaitRecords(2);
        JsonNode primary = byTraffic(records, "primary");
        JsonNode shadow = byTraffic(records, "shadow");
        assertThat(primary.path("id").asText()).isEqualTo(primaryId);
        assertThat(primary.has("shadow_of")).isFalse();
        assertThat(shadow.path("shadow_of").asText()).isEqualTo(primaryId);
        assertThat(shadow.path("id").asText()).isNotEqualTo(primaryId);
        assertThat(shadow.path("model").asText()).isEqualTo("anthropic/claude-haiku-4.5");
        assertThat(shadow.path("outcome").asText()).isEqualTo("success");
        assertThat(shadow.path("tokens_prompt").asLong()).isEqualTo(2000);
        assertThat(shadow.path("generation_time").isNumber()).isTrue();
        // gpt-5-mini: (1000 x 0.25 + 200 x 2) / 1e6; haiku: (2000 x 1 + 400 x 5) / 1e6
        assertThat(primary.path("total_cost").decimalValue()).isEqualByComparingTo("0.00065");
        assertThat(shadow.path("total_cost").decimalValue()).isEqualByComparingTo("0.004");

        JsonNode byTrafficReport = report("traffic");
        assertThat(byTrafficReport).hasSize(2);
        assertThat(byTrafficReport.get(0).path("traffic").asText()).isEqualTo("primary");
        assertThat(byTrafficReport.get(0).path("request_count").asLong()).isEqualTo(1);
        assertThat(byTrafficReport.get(0).path("total_cost").decimalValue()).isEqualByComparingTo("0.00065");
        assertThat(byTrafficReport.get(1).path("traffic").asText()).isEqualTo("shadow");
        assertThat(byTrafficReport.get(1).path("total_cost").decimalValue()).isEqualByComparingTo("0.004");
        // the default report (by day) shows the copies' share of each row
        JsonNode byDay = report("day").get(0);
        assertThat(byDay.path("request_count").asLong()).isEqualTo(2);
        assertThat(byDay.path("shadow_request_count").asLong()).isEqualTo(1);
        assertThat(byDay.path("shadow_cost").decimalValue()).isEqualByComparingTo("0.004");

        // the caller's budget was charged for the primary alone, in the ledger and in the recorded spend
        JsonNode credits = json(http.send(HttpRequest.newBuilder(uri("/v1/credits"))
                .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(new BigDecimal(credits.at("/budget/spent").asText())).isEqualByComparingTo("0.00065");
        assertThat(new BigDecimal(credits.path("total_used").asText())).isEqualByComparingTo("0.00065");
    }

    @Test
    void a_failing_candidate_leaves_the_primarys_answer_untouched_and_records_its_failure() throws Exception {
        SIMULATOR.enqueue(Reply.text("Primary says hello").usage(1000, 200));
        SIMULATOR.enqueue(Reply.error(500, "candidate is broken"));

        HttpResponse<String> response = chat(false);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).at("/choices/0/message/content").asText()).isEqualTo("Primary says hello");
        JsonNode shadow = byTraffic(awaitRecords(2), "shadow");
        assertThat(shadow.path("outcome").asText()).isEqualTo("error");
        assertThat(shadow.path("status").asInt()).isEqualTo(502);
        assertThat(shadow.has("total_cost")).isFalse();
        assertThat(shadow.path("shadow_of").asText())
                .isEqualTo(response.headers().firstValue("x-caravan-generation-id").orElseThrow());
    }

    @Test
    void a_streamed_primary_streams_without_waiting_for_its_copy_which_runs_as_a_whole_answer() throws Exception {
        SIMULATOR.enqueue(Reply.text("Primary streams hello there").chunks(4).usage(1000, 200));
        // the copy is still being answered when the client's stream has ended
        SIMULATOR.enqueue(Reply.text("Candidate says hello").usage(2000, 400).latencyMs(3000));

        HttpResponse<String> response = chat(true);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        List<String> deltas = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode content = json(line.substring(6)).at("/choices/0/delta/content");
                if (content.isTextual()) {
                    deltas.add(content.asText());
                }
            }
        }
        assertThat(String.join("", deltas)).isEqualTo("Primary streams hello there");
        assertThat(deltas).hasSizeGreaterThan(1);
        assertThat(response.body()).contains("data: [DONE]").doesNotContain("Candidate");
        assertThat(records()).noneMatch(r -> "shadow".equals(r.path("traffic").asText()));

        RecordedRequest mirrored = mirrored();
        assertThat(json(mirrored.body()).path("stream").asBoolean(false)).isFalse();
        List<JsonNode> records = awaitRecords(2);
        assertThat(byTraffic(records, "primary").path("streamed").asBoolean()).isTrue();
        JsonNode shadow = byTraffic(records, "shadow");
        assertThat(shadow.path("streamed").asBoolean()).isFalse();
        assertThat(shadow.path("outcome").asText()).isEqualTo("success");
        assertThat(shadow.path("generation_time").asLong()).isGreaterThanOrEqualTo(3000);
    }

    private HttpResponse<String> chat(boolean stream) throws IOException, InterruptedException {
        return http.send(post("/v1/chat/completions", simpleRequest("chain/shadow-eval", stream))
                .setHeader("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The copy's request: the one that reached the candidate's (Anthropic's) endpoint. */
    private static RecordedRequest mirrored() {
        return await().atMost(Duration.ofSeconds(15)).until(() -> SIMULATOR.requests().stream()
                .filter(r -> r.path().equals("/v1/messages")).findFirst().orElse(null), r -> r != null);
    }

    private List<JsonNode> awaitRecords(int count) {
        List<JsonNode> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            found.clear();
            found.addAll(records());
            return found.size() >= count;
        });
        assertThat(found).hasSize(count);
        return found;
    }

    private List<JsonNode> records() throws IOException, InterruptedException {
        List<JsonNode> records = new ArrayList<>();
        admin("GET", "/v1/admin/requests?key_id=" + keyId, null).body().lines().findFirst()
                .map(ShadowChainTest::json).orElseThrow().path("data").forEach(records::add);
        return records;
    }

    private static JsonNode byTraffic(List<JsonNode> records, String traffic) {
        return records.stream().filter(r -> traffic.equals(r.path("traffic").asText())).findFirst().orElseThrow();
    }

    private JsonNode report(String groupBy) throws IOException, InterruptedException {
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/v1/report?start_date=" + today
                        + "&end_date=" + today + "&group_by=" + groupBy)).header("Authorization", "Bearer " + key)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return json(response.body()).path("results");
    }

    private HttpResponse<String> admin(String method, String path, String json)
            throws IOException, InterruptedException {
        return admin(ADMIN_KEY, method, path, json);
    }
}
