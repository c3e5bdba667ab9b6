package dev.caravan.usage;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.identity.Caller;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.time.Instant;
import dev.caravan.budget.Budget;
import dev.caravan.budget.RecordedSpend;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /v1/generation} and {@code GET /v1/report} over records written straight to the store, so every
 * expected figure below is computed by hand from the fixtures. Run on H2 and on PostgreSQL by the subclasses.
 *
 * <pre>
 * id          created (UTC)             key        project  user   tags        model (served)          in   out  cached write reas  cost
 * gen_api_1   2026-01-15T00:00:00Z      env        -        alice  prod,chat   openai/gpt-5            1000 200  300    50    80    0.0012345678
 * gen_api_2   2026-01-15T23:59:59.999Z  env        -        bob    prod        anthropic/claude-…      500  100  0      0     0     0.0000000001
 * gen_api_3   2026-01-16T12:00:00Z      env        -        alice  -           (openai/gpt-5, failed)  -    -    -      -     -     -
 * gen_api_4   2026-01-14T23:59:59Z      env        -        alice  prod        openai/gpt-5            10   1    0      0     0     5
 * gen_other_1 2026-01-15T10:00:00Z      key_other  proj_x   alice  prod        openai/gpt-5            7    7    0      0     0     100
 * gen_other_2 2026-01-15T11:00:00Z      key_a      proj_x   carol  -           openai/gpt-5            3    3    0      0     0     0.5
 * </pre>
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "AI_GATEWAY_API_KEY=" + UsageApiTest.KEY)
abstract class UsageApiTest {

    static final String KEY = "cvn-test-usage-api-key-0123456789";
    private static final ObjectMapper EXACT = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    static final UsageRecord API_1 = SampleRecords.served("gen_api_1", "2026-01-15T00:00:00Z", "env", null, "alice",
            List.of("prod", "chat"), "openai/gpt-5", "openai", 1000, 200, 300, 50, 80, "0.0012345678");
    static final UsageRecord API_2 = SampleRecords.served("gen_api_2", "2026-01-15T23:59:59.999Z", "env", null, "bob",
            List.of("prod"), "anthropic/claude-sonnet-4.6", "anthropic", 500, 100, 0, 0, 0, "0.0000000001");
    static final UsageRecord API_3 = SampleRecords.failed("gen_api_3", "2026-01-16T12:00:00Z", "env", "alice",
            "openai/gpt-5");
    static final UsageRecord API_4 = SampleRecords.served("gen_api_4", "2026-01-14T23:59:59Z", "env", null, "alice",
            List.of("prod"), "openai/gpt-5", "openai", 10, 1, 0, 0, 0, "5");
    static final UsageRecord OTHER_1 = SampleRecords.served("gen_other_1", "2026-01-15T10:00:00Z", "key_other",
            "proj_x", "alice", List.of("prod"), "openai/gpt-5", "openai", 7, 7, 0, 0, 0, "100");
    static final UsageRecord OTHER_2 = SampleRecords.served("gen_other_2", "2026-01-15T11:00:00Z", "key_a",
            "proj_x", "carol", List.of(), "openai/gpt-5", "openai", 3, 3, 0, 0, 0, "0.5");

    @LocalServerPort
    int port;
    @Autowired
    UsageStore store;
    @Autowired
    RecordedSpend recordedSpend;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void records() {
        // written again before every test: a write of stored ids changes nothing
        store.write(List.of(API_1, API_2, API_3, API_4, OTHER_1, OTHER_2));
    }

    @Test
    void a_generation_reads_back_in_vercels_shape_with_caravans_fields() throws Exception {
        HttpResponse<String> response = get("/v1/generation?id=gen_api_1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode data = EXACT.readTree(response.body()).get("data");
        assertThat(data.get("id").asText()).isEqualTo("gen_api_1");
        assertThat(data.get("total_cost").decimalValue()).isEqualTo(new BigDecimal("0.0012345678"));
        assertThat(data.get("usage").decimalValue()).isEqualTo(new BigDecimal("0.0012345678"));
        assertThat(response.body()).contains("\"total_cost\":0.0012345678");
        assertThat(data.get("created_at").asText()).isEqualTo("2026-01-15T00:00:00Z");
        assertThat(data.get("model").asText()).isEqualTo("openai/gpt-5");
        assertThat(data.get("is_byok").asBoolean()).isFalse();
        assertThat(data.get("provider_name").asText()).isEqualTo("openai");
        assertThat(data.get("streamed").asBoolean()).isTrue();
        assertThat(data.get("cancelled").asBoolean()).isFalse();
        assertThat(data.get("latency").asLong()).isEqualTo(300);
        assertThat(data.get("generation_time").asLong()).isEqualTo(1500);
        assertThat(data.get("tokens_prompt").asLong()).isEqualTo(1000);
        assertThat(data.get("tokens_completion").asLong()).isEqualTo(200);
        assertThat(data.get("native_tokens_prompt").asLong()).isEqualTo(1000);
        assertThat(data.get("native_tokens_completion").asLong()).isEqualTo(200);
        assertThat(data.get("native_tokens_cached").asLong()).isEqualTo(300);
        assertThat(data.get("native_tokens_cache_creation").asLong()).isEqualTo(50);
        assertThat(data.get("native_tokens_reasoning").asLong()).isEqualTo(80);
        assertThat(data.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(data.get("requested_model").asText()).isEqualTo("openai/gpt-5");
        assertThat(data.get("provider_model").asText()).isEqualTo("gpt-5");
        assertThat(data.get("key_id").asText()).isEqualTo("env");
        assertThat(data.has("project_id")).isFalse();
        assertThat(data.get("user").asText()).isEqualTo("alice");
        assertThat(data.get("tags")).extracting(JsonNode::asText).containsExactly("chat", "prod");
        assertThat(data.get("attempts")).hasSize(1);
        assertThat(data.get("attempts").get(0).get("provider").asText()).isEqualTo("openai");
        assertThat(data.get("attempts").get(0).get("statusCode").asInt()).isEqualTo(200);
        assertThat(data.get("outcome").asText()).isEqualTo("success");
        assertThat(data.get("status").asInt()).isEqualTo(200);
        assertThat(data.get("tokens_estimated").asBoolean()).isFalse();
    }

    @Test
    void a_failed_generation_reads_back_with_its_error_and_no_tokens() throws Exception {
        JsonNode data = EXACT.readTree(get("/v1/generation?id=gen_api_3").body()).get("data");

        assertThat(data.get("outcome").asText()).isEqualTo("error");
        assertThat(data.get("status").asInt()).isEqualTo(503);
        assertThat(data.get("error_code").asText()).isEqualTo("provider_overloaded");
        assertThat(data.get("model").asText()).isEqualTo("openai/gpt-5");
        assertThat(data.has("total_cost")).isFalse();
        assertThat(data.has("tokens_prompt")).isFalse();
        assertThat(data.get("attempts").get(0).get("error").asText()).isEqualTo("provider_overloaded");
    }

    @Test
    void another_keys_generation_is_not_found_exactly_like_an_unknown_one() throws Exception {
        HttpResponse<String> other = get("/v1/generation?id=gen_other_1");
        HttpResponse<String> unknown = get("/v1/generation?id=gen_nothing_here");

        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(other.body()).isEqualTo(unknown.body());
        assertError(other, "invalid_request_error", "id", "not_found");
        assertThat(other.body()).doesNotContain("key_other", "proj_x", "100");
    }

    @Test
    void the_generation_id_is_required() throws Exception {
        HttpResponse<String> response = get("/v1/generation");

        assertThat(response.statusCode()).isEqualTo(400);
        assertError(response, "invalid_request_error", "id", null);
    }

    @Test
    void usage_is_read_with_a_gateway_key_only() throws Exception {
        for (String path : List.of("/v1/generation?id=gen_api_1", "/v1/report?start_date=2026-01-01&end_date=2026-01-31")) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.body()).doesNotContain("gen_api_1", "total_cost");
        }
    }

    @Test
    void a_project_key_sees_its_projects_records_and_a_lone_key_only_its_own() {
        Caller projectKey = new Caller("key_b", "proj_x", null, null);
        Caller loneKey = new Caller("key_a", null, null, null);
        Caller otherProject = new Caller("key_c", "proj_y", null, null);

        assertThat(store.find("gen_other_1", UsageScope.of(projectKey))).isPresent();
        assertThat(store.find("gen_other_2", UsageScope.of(projectKey))).isPresent();
        assertThat(store.find("gen_other_2", UsageScope.of(loneKey))).isPresent();
        assertThat(store.find("gen_other_1", UsageScope.of(loneKey))).isEmpty();
        assertThat(store.find("gen_other_1", UsageScope.of(otherProject))).isEmpty();
        assertThat(store.find("gen_api_1", UsageScope.of(projectKey))).isEmpty();
        assertThat(store.report(LocalDate.parse("2026-01-15"), LocalDate.parse("2026-01-15"), GroupBy.PROJECT,
                UsageScope.of(projectKey))).singleElement().satisfies(row -> {
                    assertThat(row.group()).isEqualTo("proj_x");
                    assertThat(row.requestCount()).isEqualTo(2);
                    assertThat(row.totalCost()).isEqualTo(new BigDecimal("100.5"));
                });
    }

    @Test
    void a_report_by_day_sums_each_utc_day_with_both_ends_included() throws Exception {
        List<JsonNode> rows = report("start_date=2026-01-15&end_date=2026-01-16&group_by=day");

        assertThat(rows).hasSize(2);
        assertRow(rows.get(0), "day", "2026-01-15", 2, "0.0012345679", 1500, 300, 300, 50, 80);
        assertRow(rows.get(1), "day", "2026-01-16", 1, "0", 0, 0, 0, 0, 0);
        assertThat(report("start_date=2026-01-15&end_date=2026-01-15")).singleElement()
                .satisfies(row -> assertRow(row, "day", "2026-01-15", 2, "0.0012345679", 1500, 300, 300, 50, 80));
    }

    @Test
    void a_report_groups_by_model_provider_user_key_project_and_tag() throws Exception {
        String range = "start_date=2026-01-15&end_date=2026-01-16&group_by=";

        List<JsonNode> models = report(range + "model");
        assertThat(models).hasSize(2);
        assertRow(models.get(0), "model", "anthropic/claude-sonnet-4.6", 1, "0.0000000001", 500, 100, 0, 0, 0);
        assertRow(models.get(1), "model", "openai/gpt-5", 2, "0.0012345678", 1000, 200, 300, 50, 80);

        List<JsonNode> providers = report(range + "provider");
        assertThat(providers).hasSize(3);
        assertRow(providers.get(0), "provider", "anthropic", 1, "0.0000000001", 500, 100, 0, 0, 0);
        assertRow(providers.get(1), "provider", "openai", 1, "0.0012345678", 1000, 200, 300, 50, 80);
        assertRow(providers.get(2), "provider", null, 1, "0", 0, 0, 0, 0, 0);

        List<JsonNode> users = report(range + "user");
        assertThat(users).hasSize(2);
        assertRow(users.get(0), "user", "alice", 2, "0.0012345678", 1000, 200, 300, 50, 80);
        assertRow(users.get(1), "user", "bob", 1, "0.0000000001", 500, 100, 0, 0, 0);

        assertThat(report(range + "key")).singleElement()
                .satisfies(row -> assertRow(row, "key", "env", 3, "0.0012345679", 1500, 300, 300, 50, 80));
        assertThat(report(range + "project")).singleElement()
                .satisfies(row -> assertRow(row, "project", null, 3, "0.0012345679", 1500, 300, 300, 50, 80));

        List<JsonNode> tags = report(range + "tag");
        assertThat(tags).hasSize(3);
        assertRow(tags.get(0), "tag", "chat", 1, "0.0012345678", 1000, 200, 300, 50, 80);
        assertRow(tags.get(1), "tag", "prod", 2, "0.0012345679", 1500, 300, 300, 50, 80);
        assertRow(tags.get(2), "tag", null, 1, "0", 0, 0, 0, 0, 0);
    }

    @Test
    void a_shadow_copys_record_is_its_own_traffic_in_reports_and_lookups_and_no_recorded_spend() throws Exception {
        UsageRecord primary = SampleRecords.served("gen_traffic_1", "2025-05-01T12:00:00Z", "env", null, null,
                List.of(), "openai/gpt-5-mini", "openai", 100, 10, 0, 0, 0, "0.25");
        UsageRecord copy = SampleRecords.shadowOf("gen_traffic_2", primary, "anthropic/claude-haiku-4.5",
                "anthropic", "0.75");
        store.write(List.of(primary, copy));

        List<JsonNode> traffic = report("start_date=2025-05-01&end_date=2025-05-01&group_by=traffic");
        assertThat(traffic).hasSize(2);
        assertRow(traffic.get(0), "traffic", "primary", 1, "0.25", 100, 10, 0, 0, 0);
        assertRow(traffic.get(1), "traffic", "shadow", 1, "0.75", 100, 10, 0, 0, 0);
        // every other grouping still shows the copies' part of its row
        JsonNode day = report("start_date=2025-05-01&end_date=2025-05-01&group_by=day").getFirst();
        assertThat(day.get("request_count").asLong()).isEqualTo(2);
        assertThat(day.get("shadow_request_count").asLong()).isEqualTo(1);
        assertThat(day.get("shadow_cost").decimalValue()).isEqualByComparingTo("0.75");
        assertThat(traffic.get(0).get("shadow_request_count").asLong()).isZero();

        JsonNode shadow = EXACT.readTree(get("/v1/generation?id=gen_traffic_2").body()).get("data");
        assertThat(shadow.get("traffic").asText()).isEqualTo("shadow");
        assertThat(shadow.get("shadow_of").asText()).isEqualTo("gen_traffic_1");
        JsonNode client = EXACT.readTree(get("/v1/generation?id=gen_traffic_1").body()).get("data");
        assertThat(client.get("traffic").asText()).isEqualTo("primary");
        assertThat(client.has("shadow_of")).isFalse();

        // budgets are seeded from recorded spend: a shadow copy is not the caller's (count-against-budget is off)
        assertThat(recordedSpend.sum(Budget.Scope.KEY, "env", Instant.parse("2025-05-01T00:00:00Z"), false)
                .subtract(recordedSpend.sum(Budget.Scope.KEY, "env", Instant.parse("2025-05-02T00:00:00Z"), false)))
                .isEqualByComparingTo("0.25");
    }

    @Test
    void report_sums_match_the_records_to_the_last_decimal() throws Exception {
        Random random = new Random(5);
        List<UsageRecord> records = new ArrayList<>();
        Map<String, BigDecimal> costByModel = new HashMap<>();
        Map<String, Long> inputByModel = new HashMap<>();
        for (int n = 0; n < 300; n++) {
            String model = List.of("openai/gpt-5", "openai/gpt-5-mini", "google/gemini-2.5-flash").get(n % 3);
            BigDecimal cost = BigDecimal.valueOf(random.nextLong(1, 100_000_000_000L), 10);
            long input = random.nextLong(1, 200_000);
            records.add(SampleRecords.served("gen_sum_" + n, "2025-03-0" + (1 + n % 3) + "T12:00:00Z", "env", null,
                    null, List.of(), model, "openai", input, 10, 0, 0, 0, cost.toPlainString()));
            costByModel.merge(model, cost, BigDecimal::add);
            inputByModel.merge(model, input, Long::sum);
        }
        IntStream.range(0, 3).forEach(part -> store.write(records.subList(part * 100, part * 100 + 100)));

        List<JsonNode> rows = report("start_date=2025-03-01&end_date=2025-03-31&group_by=model");

        assertThat(rows).hasSize(3);
        for (JsonNode row : rows) {
            String model = row.get("model").asText();
            assertThat(row.get("total_cost").decimalValue()).isEqualByComparingTo(costByModel.get(model));
            assertThat(row.get("input_tokens").asLong()).isEqualTo(inputByModel.get(model));
            assertThat(row.get("request_count").asLong()).isEqualTo(100);
        }
    }

    @Test
    void a_chat_requests_generation_id_reads_back_once_its_record_is_written() throws Exception {
        HttpResponse<String> chat = http.send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"openai/gpt-5","messages":[{"role":"user","content":"Say hello"}],
                         "providerOptions":{"gateway":{"user":"dana","tags":["e2e"]}}}""")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chat.statusCode()).isEqualTo(200);
        String id = chat.headers().firstValue("x-caravan-generation-id").orElseThrow();
        JsonNode usage = EXACT.readTree(chat.body()).get("usage");

        await().atMost(Duration.ofSeconds(10)).until(() -> get("/v1/generation?id=" + id).statusCode() == 200);

        JsonNode data = EXACT.readTree(get("/v1/generation?id=" + id).body()).get("data");
        assertThat(data.get("id").asText()).isEqualTo(id);
        assertThat(data.get("model").asText()).isEqualTo("openai/gpt-5");
        assertThat(data.get("user").asText()).isEqualTo("dana");
        assertThat(data.get("tags")).extracting(JsonNode::asText).containsExactly("e2e");
        assertThat(data.get("tokens_prompt").asLong()).isEqualTo(usage.get("prompt_tokens").asLong());
        assertThat(data.get("tokens_completion").asLong()).isEqualTo(usage.get("completion_tokens").asLong());
        assertThat(data.get("total_cost").decimalValue()).isEqualByComparingTo(usage.get("cost").decimalValue());
        assertThat(data.get("outcome").asText()).isEqualTo("success");
    }

    @ParameterizedTest
    @CsvSource({
            "end_date=2026-01-31, start_date",
            "start_date=2026-01-01, end_date",
            "start_date=15/01/2026&end_date=2026-01-31, start_date",
            "start_date=2026-01-01&end_date=2026-02-30, end_date",
            "start_date=2026-01-31&end_date=2026-01-01, end_date",
            "start_date=2026-01-01&end_date=2026-01-31&group_by=week, group_by"})
    void a_bad_report_parameter_is_a_400_naming_it(String query, String param) throws Exception {
        HttpResponse<String> response = get("/v1/report?" + query);

        assertThat(response.statusCode()).isEqualTo(400);
        assertError(response, "invalid_request_error", param, null);
    }

    private List<JsonNode> report(String query) throws Exception {
        HttpResponse<String> response = get("/v1/report?" + query);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> rows = new ArrayList<>();
        EXACT.readTree(response.body()).get("results").forEach(rows::add);
        return rows;
    }

    private static void assertRow(JsonNode row, String field, String group, long requests, String cost, long input,
                                  long output, long cached, long cacheWrite, long reasoning) {
        assertThat(row.has(field)).as("%s in %s", field, row).isTrue();
        assertThat(row.get(field).isNull() ? null : row.get(field).asText()).isEqualTo(group);
        assertThat(row.get("request_count").asLong()).isEqualTo(requests);
        assertThat(row.get("total_cost").decimalValue()).isEqualTo(new BigDecimal(cost));
        assertThat(row.get("market_cost").decimalValue()).isEqualTo(new BigDecimal(cost));
        assertThat(row.get("input_tokens").asLong()).isEqualTo(input);
        assertThat(row.get("output_tokens").asLong()).isEqualTo(output);
        assertThat(row.get("cached_input_tokens").asLong()).isEqualTo(cached);
        assertThat(row.get("cache_creation_input_tokens").asLong()).isEqualTo(cacheWrite);
        assertThat(row.get("reasoning_tokens").asLong()).isEqualTo(reasoning);
    }

    private static void assertError(HttpResponse<String> response, String type, String param, String code)
            throws Exception {
        JsonNode error = EXACT.readTree(response.body()).get("error");
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(error.get("type").asText()).isEqualTo(type);
        assertThat(error.get("param").isNull() ? null : error.get("param").asText()).isEqualTo(param);
        assertThat(error.get("code").isNull() ? null : error.get("code").asText()).isEqualTo(code);
        assertThat(response.body()).doesNotContain("Exception", "\tat ");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + KEY).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
