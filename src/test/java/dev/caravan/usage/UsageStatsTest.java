package dev.caravan.usage;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.routing.AttemptRecord;
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
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /v1/admin/stats} over records written straight to the store, on H2 and on PostgreSQL (the subclasses).
 * Percentiles are checked by hand against PERCENTILE_CONT's linear interpolation:
 *
 * <pre>
 * id          created (UTC)        model (provider)                    project  duration  TTFT  cost   outcome
 * gen_stat_1  2026-05-10T10:05:00Z openai/gpt-5 (openai)               -        100       10    0.002  success
 * gen_stat_2  2026-05-10T10:20:00Z openai/gpt-5 (openai)               proj_a   300       30    0.004  success
 * gen_stat_3  2026-05-10T10:40:00Z anthropic/claude-sonnet-4.6         proj_a   500       50    0.1    success
 * gen_stat_4  2026-05-10T10:50:00Z openai/gpt-5 → nothing              -        40        -     -      error
 * gen_stat_5  2026-05-10T12:30:00Z openai/gpt-5 (openai)               -        200       20    0.001  success
 * gen_stat_6  2026-05-10T13:00:00Z openai/gpt-5 (openai)               -        9000      900   5      success
 * </pre>
 * The window is 10:00 to 13:00, so the last record is outside it ({@code to} is excluded).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"AI_GATEWAY_API_KEY=" + UsageStatsTest.KEY, "CARAVAN_ADMIN_KEY=" + UsageStatsTest.ADMIN_KEY})
abstract class UsageStatsTest {

    static final String KEY = "cvn-test-usage-stats-key-0123456789";
    static final String ADMIN_KEY = "cvn-test-usage-stats-admin-987654";
    private static final String WINDOW = "from=2026-05-10T10:00:00Z&to=2026-05-10T13:00:00Z&bucket=3600";
    private static final ObjectMapper EXACT = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @LocalServerPort
    int port;
    @Autowired
    UsageStore store;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void records() {
        store.write(List.of(
                timed("gen_stat_1", "10:05", "openai/gpt-5", "openai", null, 100, 10L, "0.002"),
                timed("gen_stat_2", "10:20", "openai/gpt-5", "openai", "proj_a", 300, 30L, "0.004"),
                timed("gen_stat_3", "10:40", "anthropic/claude-sonnet-4.6", "anthropic", "proj_a", 500, 50L, "0.1"),
                new UsageRecord("gen_stat_4", Instant.parse("2026-05-10T10:50:00Z"), "env", null, null, List.of(),
                        "openai/gpt-5", null, null, null, List.of(new AttemptRecord("openai", "openai/gpt-5", false,
                        1L, 2L, 503, "provider_overloaded")), null, null, null, null, null, false, null, false, false,
                        UsageRecord.Outcome.ERROR, 503, "provider_overloaded", null, 40L, null),
                timed("gen_stat_5", "12:30", "openai/gpt-5", "openai", null, 200, 20L, "0.001"),
                timed("gen_stat_6", "13:00", "openai/gpt-5", "openai", null, 9000, 900L, "5")));
    }

    @Test
    void answers_every_bucket_of_the_window_with_requests_errors_spend_and_percentiles() throws Exception {
        HttpResponse<String> response = get("/v1/admin/stats?" + WINDOW, ADMIN_KEY);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = EXACT.readTree(response.body());
        assertThat(body.get("bucket_seconds").asInt()).isEqualTo(3600);
        assertThat(body.get("group_by").asText()).isEqualTo("model");
        JsonNode buckets = body.get("buckets");
        assertThat(buckets).extracting(b -> b.get("start").asText()).containsExactly("2026-05-10T10:00:00Z",
                "2026-05-10T11:00:00Z", "2026-05-10T12:00:00Z");

        JsonNode busy = buckets.get(0);
        assertThat(busy.get("requests").asLong()).isEqualTo(4);
        assertThat(busy.get("errors").asLong()).isEqualTo(1);
        assertThat(busy.get("cost").decimalValue()).isEqualByComparingTo("0.106");
        // durations 40, 100, 300, 500: the median halfway between 100 and 300, p95 at 2.85 of 3 steps
        assertThat(busy.get("latency_ms").get("p50").asLong()).isEqualTo(200);
        assertThat(busy.get("latency_ms").get("p95").asLong()).isEqualTo(470);
        assertThat(busy.get("latency_ms").get("p99").asLong()).isEqualTo(494);
        // the failed request had no first token: TTFT over 10, 30, 50
        assertThat(busy.get("ttft_ms").get("p50").asLong()).isEqualTo(30);
        assertThat(busy.get("ttft_ms").get("p95").asLong()).isEqualTo(48);
        assertThat(busy.get("cost_by_group").get("anthropic/claude-sonnet-4.6").decimalValue())
                .isEqualByComparingTo("0.1");
        assertThat(busy.get("cost_by_group").get("openai/gpt-5").decimalValue()).isEqualByComparingTo("0.006");

        JsonNode empty = buckets.get(1);
        assertThat(empty.get("requests").asLong()).isZero();
        assertThat(empty.get("cost").decimalValue()).isEqualByComparingTo("0");
        assertThat(empty.has("latency_ms")).isFalse();

        JsonNode last = buckets.get(2);
        assertThat(last.get("requests").asLong()).isEqualTo(1);
        assertThat(last.get("latency_ms").get("p99").asLong()).isEqualTo(200);
        // most spent first: the legend's order
        assertThat(body.get("groups")).extracting(JsonNode::asText)
                .containsExactly("anthropic/claude-sonnet-4.6", "openai/gpt-5");
    }

    @Test
    void splits_spend_by_project_with_records_of_none_under_their_own_name() throws Exception {
        JsonNode body = EXACT.readTree(get("/v1/admin/stats?" + WINDOW + "&group_by=project", ADMIN_KEY).body());

        assertThat(body.get("groups")).extracting(JsonNode::asText).containsExactly("proj_a", "(none)");
        JsonNode busy = body.get("buckets").get(0).get("cost_by_group");
        assertThat(busy.get("proj_a").decimalValue()).isEqualByComparingTo("0.104");
        assertThat(busy.get("(none)").decimalValue()).isEqualByComparingTo("0.002");
    }

    @Test
    void buckets_are_aligned_on_the_epoch_whatever_the_window_starts_at() throws Exception {
        JsonNode body = EXACT.readTree(get("/v1/admin/stats?from=2026-05-10T10:30:00Z&to=2026-05-10T10:45:00Z"
                + "&bucket=600&group_by=provider", ADMIN_KEY).body());

        // 10:30-10:40 and 10:40-10:50; only gen_stat_3 (10:40) is inside the window
        assertThat(body.get("buckets")).extracting(b -> b.get("start").asText())
                .containsExactly("2026-05-10T10:30:00Z", "2026-05-10T10:40:00Z");
        assertThat(body.get("buckets").get(1).get("requests").asLong()).isEqualTo(1);
        assertThat(body.get("groups")).extracting(JsonNode::asText).containsExactly("anthropic");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "bucket=0                                               | bucket",
            "bucket=abc                                             | bucket",
            "from=2026-01-01T00:00:00Z&to=2026-05-01T00:00:00Z&bucket=60 | bucket",
            "group_by=key                                           | group_by",
            "from=2026-05-10T10:00:00Z&to=2026-05-10T09:00:00Z      | to",
            "from=yesterday                                         | from",
            "stauts=5xx                                             | stauts"})
    void refuses_bad_parameters_naming_them(String query, String param) throws Exception {
        HttpResponse<String> response = get("/v1/admin/stats?" + query, ADMIN_KEY);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode error = EXACT.readTree(response.body()).get("error");
        assertThat(error.get("param").asText()).isEqualTo(param);
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void only_the_admin_key_reads_them() throws Exception {
        assertThat(get("/v1/admin/stats?" + WINDOW, KEY).statusCode()).isEqualTo(401);
        assertThat(get("/v1/admin/stats?" + WINDOW, null).statusCode()).isEqualTo(401);
    }

    private static UsageRecord timed(String id, String time, String model, String provider, String project,
                                     long latency, Long ttft, String cost) {
        return new UsageRecord(id, Instant.parse("2026-05-10T" + time + ":00Z"), "env", project, null, List.of(),
                model, model, provider, model.substring(model.indexOf('/') + 1),
                List.of(new AttemptRecord(provider, model, true, 1L, 1L + latency, 200, null)), 10L, 5L, 0L, 0L, 0L,
                false, new BigDecimal(cost), false, true, UsageRecord.Outcome.SUCCESS, 200, null, "stop", latency,
                ttft);
    }

    private HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
