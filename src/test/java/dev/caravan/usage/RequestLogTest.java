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
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /v1/admin/requests} and {@code GET /v1/requests} over records written straight to the store. Run on H2
 * and on PostgreSQL by the subclasses. Queries are bounded to March 2026, where these live (the paging test writes
 * its own in February, the project test in April):
 *
 * <pre>
 * id         created (UTC)          key       project  model asked → served (provider)          status  cost
 * gen_log_1  2026-03-01T10:00:00Z   env       -        openai/gpt-5 (openai)                     200     0.002
 * gen_log_2  2026-03-01T11:00:00Z   env       -        anthropic/claude-sonnet-4.6 (anthropic)   200     0.5
 * gen_log_3  2026-03-01T12:00:00Z   env       -        openai/gpt-5 → nothing (failed)           503     -
 * gen_log_4  2026-03-02T09:00:00Z   key_p1    proj_x   openai/gpt-5 (openai)                     200     1
 * gen_log_5  2026-03-02T09:00:00Z   key_p2    proj_x   google/gemini-2.5-flash (google)          200     0.01
 * gen_log_7  2026-03-02T12:00:00Z   env       -        openai/gpt-5 → anthropic/claude-… (fallback) 200  0.3
 * gen_log_6  2026-03-03T00:00:00Z   key_lone  -        openai/gpt-5 → nothing (rate limited)     429     -
 * </pre>
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"AI_GATEWAY_API_KEY=" + RequestLogTest.KEY, "CARAVAN_ADMIN_KEY=" + RequestLogTest.ADMIN_KEY})
abstract class RequestLogTest {

    static final String KEY = "cvn-test-request-log-key-0123456789";
    static final String ADMIN_KEY = "cvn-test-request-log-admin-987654";
    private static final String MARCH = "from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z";
    private static final ObjectMapper EXACT = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    static final UsageRecord LOG_1 = SampleRecords.served("gen_log_1", "2026-03-01T10:00:00Z", "env", null, "alice",
            List.of("prod", "chat"), "openai/gpt-5", "openai", 1000, 200, 300, 50, 80, "0.002");
    static final UsageRecord LOG_2 = SampleRecords.served("gen_log_2", "2026-03-01T11:00:00Z", "env", null, "bob",
            List.of(), "anthropic/claude-sonnet-4.6", "anthropic", 500, 100, 0, 0, 0, "0.5");
    static final UsageRecord LOG_3 = SampleRecords.failed("gen_log_3", "2026-03-01T12:00:00Z", "env", "alice",
            "openai/gpt-5");
    static final UsageRecord LOG_4 = SampleRecords.served("gen_log_4", "2026-03-02T09:00:00Z", "key_p1", "proj_x",
            "carol", List.of("prod"), "openai/gpt-5", "openai", 10, 1, 0, 0, 0, "1");
    static final UsageRecord LOG_5 = SampleRecords.served("gen_log_5", "2026-03-02T09:00:00Z", "key_p2", "proj_x",
            null, List.of(), "google/gemini-2.5-flash", "google", 10, 1, 0, 0, 0, "0.01");
    static final UsageRecord LOG_6 = new UsageRecord("gen_log_6", Instant.parse("2026-03-03T00:00:00Z"), "key_lone",
            null, null, List.of(), "openai/gpt-5", null, null, null, List.of(), null, null, null, null, null, false,
            null, false, false, UsageRecord.Outcome.ERROR, 429, "gateway_rate_limited", null, 2L, null);
    static final UsageRecord LOG_7 = new UsageRecord("gen_log_7", Instant.parse("2026-03-02T12:00:00Z"), "env", null,
            null, List.of("fallback"), "openai/gpt-5", "anthropic/claude-sonnet-4.6", "anthropic", "claude-sonnet-4-6",
            List.of(new AttemptRecord("openai", "openai/gpt-5", false, 1L, 2L, 503, "provider_overloaded"),
                    new AttemptRecord("anthropic", "anthropic/claude-sonnet-4.6", true, 2L, 900L, 200, null)),
            20L, 5L, 0L, 0L, 0L, false, new BigDecimal("0.3"), false, true, UsageRecord.Outcome.SUCCESS, 200, null,
            "stop", 900L, 120L);

    @LocalServerPort
    int port;
    @Autowired
    UsageStore store;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void records() {
        // written again before every test: a write of stored ids changes nothing
        store.write(List.of(LOG_1, LOG_2, LOG_3, LOG_4, LOG_5, LOG_6, LOG_7));
    }

    @Test
    void the_admin_key_reads_every_record_newest_first_in_the_generation_field_names() throws Exception {
        HttpResponse<String> response = get("/v1/admin/requests?" + MARCH, ADMIN_KEY);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode body = EXACT.readTree(response.body());
        // ties on created_at (4 and 5) are ordered by id, the second half of the sort key
        assertThat(ids(body)).containsExactly("gen_log_6", "gen_log_7", "gen_log_5", "gen_log_4", "gen_log_3",
                "gen_log_2", "gen_log_1");
        assertThat(body.has("next_cursor")).isTrue();
        assertThat(body.get("next_cursor").isNull()).isTrue();

        JsonNode fallback = body.get("data").get(1);
        assertThat(fallback.get("created_at").asText()).isEqualTo("2026-03-02T12:00:00Z");
        assertThat(fallback.get("key_id").asText()).isEqualTo("env");
        assertThat(fallback.get("requested_model").asText()).isEqualTo("openai/gpt-5");
        assertThat(fallback.get("model").asText()).isEqualTo("anthropic/claude-sonnet-4.6");
        assertThat(fallback.get("provider_name").asText()).isEqualTo("anthropic");
        assertThat(fallback.get("tags")).extracting(JsonNode::asText).containsExactly("fallback");
        assertThat(fallback.get("attempts")).hasSize(2);
        assertThat(fallback.get("attempts").get(0).get("error").asText()).isEqualTo("provider_overloaded");
        assertThat(fallback.get("latency").asLong()).isEqualTo(120);
        assertThat(fallback.get("generation_time").asLong()).isEqualTo(900);
        assertThat(fallback.get("tokens_prompt").asLong()).isEqualTo(20);
        assertThat(fallback.get("total_cost").decimalValue()).isEqualTo(new BigDecimal("0.3"));
        assertThat(fallback.get("status").asInt()).isEqualTo(200);

        JsonNode first = body.get("data").get(6);
        assertThat(first.get("user").asText()).isEqualTo("alice");
        assertThat(first.get("tags")).extracting(JsonNode::asText).containsExactly("chat", "prod");
        JsonNode project = body.get("data").get(3);
        assertThat(project.get("project_id").asText()).isEqualTo("proj_x");
        JsonNode limited = body.get("data").get(0);
        assertThat(limited.get("status").asInt()).isEqualTo(429);
        assertThat(limited.get("error_code").asText()).isEqualTo("gateway_rate_limited");
        assertThat(limited.get("outcome").asText()).isEqualTo("error");
        assertThat(limited.has("total_cost")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "from=2026-03-02T00:00:00Z&to=2026-04-01T00:00:00Z    | gen_log_6 gen_log_7 gen_log_5 gen_log_4",
            "from=2026-03-01T00:00:00Z&to=2026-03-02T09:00:00Z    | gen_log_3 gen_log_2 gen_log_1",
            "from=2026-03-01T11:00:00Z&to=2026-03-01T12:00:00Z    | gen_log_2",
            "from=2026-03-01T12:00:00+01:00&to=2026-03-01T12:00:01+01:00 | gen_log_2",
            "key_id=key_p1                                        | gen_log_4",
            "project_id=proj_x                                    | gen_log_5 gen_log_4",
            "model=openai/gpt-5                                   | gen_log_6 gen_log_7 gen_log_4 gen_log_3 gen_log_1",
            "model=anthropic%2Fclaude-sonnet-4.6                  | gen_log_7 gen_log_2",
            "provider=anthropic                                   | gen_log_7 gen_log_2",
            "status=503                                           | gen_log_3",
            "status=5xx                                           | gen_log_3",
            "status=4XX                                           | gen_log_6",
            "status=200&model=google/gemini-2.5-flash             | gen_log_5",
            "min_cost=0.5                                         | gen_log_4 gen_log_2",
            "min_cost=0                                           | gen_log_7 gen_log_5 gen_log_4 gen_log_2 gen_log_1",
            "project_id=proj_x&min_cost=0.5                       | gen_log_4",
            "key_id=env&provider=openai&status=2xx                | gen_log_1",
            "key_id=nobody                                        | ''",
            "status=&model= | gen_log_6 gen_log_7 gen_log_5 gen_log_4 gen_log_3 gen_log_2 gen_log_1"})
    void each_filter_narrows_the_log(String filter, String expected) throws Exception {
        String range = filter.contains("from=") ? "" : MARCH + "&";
        HttpResponse<String> response = get("/v1/admin/requests?" + range + filter, ADMIN_KEY);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(ids(EXACT.readTree(response.body())))
                .containsExactly(expected.isBlank() ? new String[0] : expected.split(" "));
    }

    @Test
    void pages_follow_each_other_without_gaps_or_repeats_while_new_records_arrive() throws Exception {
        // 45 records, most of them sharing their created_at with others, so the id must break ties across pages
        List<UsageRecord> bulk = new ArrayList<>();
        for (int n = 0; n < 45; n++) {
            bulk.add(SampleRecords.served("gen_page_" + (char) ('a' + n % 26) + n, "2026-02-01T10:00:0" + n % 4 + "Z",
                    "key_pages", null, null, List.of("t" + n % 2), "openai/gpt-5", "openai", 1, 1, 0, 0, 0, "0.1"));
        }
        store.write(bulk);
        Set<String> expected = new HashSet<>();
        bulk.forEach(r -> expected.add(r.id()));

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            String path = "/v1/admin/requests?key_id=key_pages&limit=7" + (cursor == null ? "" : "&cursor=" + cursor);
            JsonNode page = EXACT.readTree(get(path, ADMIN_KEY).body());
            seen.addAll(ids(page));
            assertThat(page.get("data").size()).isLessThanOrEqualTo(7);
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
            // newer records land before the first page after every page read: an OFFSET would repeat rows now
            store.write(List.of(SampleRecords.served("gen_page_new" + pages, "2026-02-0" + (2 + pages % 7)
                    + "T00:00:00Z", "key_pages", null, null, List.of(), "openai/gpt-5", "openai", 1, 1, 0, 0, 0, "1")));
            pages++;
        } while (cursor != null && pages < 20);

        assertThat(pages).isEqualTo(7);
        assertThat(seen).doesNotHaveDuplicates().hasSize(45);
        assertThat(new HashSet<>(seen)).isEqualTo(expected);
        List<Instant> times = new ArrayList<>();
        for (String id : seen) {
            times.add(bulk.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow().createdAt());
        }
        assertThat(times).isSortedAccordingTo((a, b) -> b.compareTo(a));
    }

    @Test
    void a_cursor_keeps_its_filters_own_order_and_the_limit_caps_a_page() throws Exception {
        JsonNode first = EXACT.readTree(get("/v1/admin/requests?" + MARCH + "&model=openai/gpt-5&limit=2",
                ADMIN_KEY).body());
        assertThat(ids(first)).containsExactly("gen_log_6", "gen_log_7");
        String cursor = first.get("next_cursor").asText();
        assertThat(cursor).doesNotContain("gen_log", "2026");

        JsonNode second = EXACT.readTree(get("/v1/admin/requests?" + MARCH + "&model=openai/gpt-5&limit=2&cursor="
                + cursor, ADMIN_KEY).body());
        assertThat(ids(second)).containsExactly("gen_log_4", "gen_log_3");
        JsonNode last = EXACT.readTree(get("/v1/admin/requests?" + MARCH + "&model=openai/gpt-5&limit=2&cursor="
                + second.get("next_cursor").asText(), ADMIN_KEY).body());
        assertThat(ids(last)).containsExactly("gen_log_1");
        assertThat(last.get("next_cursor").isNull()).isTrue();
    }

    @Test
    void a_gateway_key_without_a_project_reads_only_its_own_records() throws Exception {
        HttpResponse<String> response = get("/v1/requests?" + MARCH, KEY);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(ids(EXACT.readTree(response.body())))
                .containsExactly("gen_log_7", "gen_log_3", "gen_log_2", "gen_log_1");
        // filters narrow the key's own records and never widen them
        assertThat(ids(EXACT.readTree(get("/v1/requests?" + MARCH + "&key_id=key_p1", KEY).body()))).isEmpty();
        assertThat(ids(EXACT.readTree(get("/v1/requests?" + MARCH + "&project_id=proj_x", KEY).body()))).isEmpty();
        assertThat(ids(EXACT.readTree(get("/v1/requests?" + MARCH + "&provider=anthropic", KEY).body())))
                .containsExactly("gen_log_7", "gen_log_2");
    }

    @Test
    void a_project_key_reads_every_record_of_its_project_and_nothing_else() throws Exception {
        String project = EXACT.readTree(admin("POST", "/v1/admin/projects", "{\"name\":\"request log\"}").body())
                .get("id").asText();
        JsonNode first = EXACT.readTree(admin("POST", "/v1/admin/keys",
                "{\"name\":\"first\",\"projectId\":\"" + project + "\"}").body());
        JsonNode second = EXACT.readTree(admin("POST", "/v1/admin/keys",
                "{\"name\":\"second\",\"projectId\":\"" + project + "\"}").body());
        String firstId = first.get("id").asText();
        String secondId = second.get("id").asText();
        store.write(List.of(
                SampleRecords.served("gen_prj_1", "2026-04-05T10:00:00Z", firstId, project, null, List.of(),
                        "openai/gpt-5", "openai", 1, 1, 0, 0, 0, "0.1"),
                SampleRecords.served("gen_prj_2", "2026-04-05T11:00:00Z", secondId, project, null, List.of(),
                        "openai/gpt-5", "openai", 1, 1, 0, 0, 0, "0.1"),
                // the key's id again but another project's record: the project decides, not the key
                SampleRecords.served("gen_prj_3", "2026-04-05T12:00:00Z", firstId, "proj_elsewhere", null, List.of(),
                        "openai/gpt-5", "openai", 1, 1, 0, 0, 0, "0.1")));

        String secret = first.get("secret").asText();
        String april = "from=2026-04-01T00:00:00Z&to=2026-05-01T00:00:00Z";
        HttpResponse<String> response = get("/v1/requests?" + april, secret);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(ids(EXACT.readTree(response.body()))).containsExactly("gen_prj_2", "gen_prj_1");
        assertThat(ids(EXACT.readTree(get("/v1/requests?" + april + "&key_id=" + secondId, secret).body())))
                .containsExactly("gen_prj_2");
        assertThat(ids(EXACT.readTree(get("/v1/admin/requests?" + april + "&key_id=" + firstId, ADMIN_KEY)
                .body()))).containsExactly("gen_prj_3", "gen_prj_1");
    }

    @Test
    void a_key_scoped_to_other_apis_may_not_read_the_log_and_one_scoped_to_usage_may() throws Exception {
        String chatOnly = EXACT.readTree(admin("POST", "/v1/admin/keys",
                "{\"name\":\"chat only\",\"apis\":[\"chat\"]}").body()).get("secret").asText();
        String usageOnly = EXACT.readTree(admin("POST", "/v1/admin/keys",
                "{\"name\":\"usage\",\"apis\":[\"usage\"]}").body()).get("secret").asText();

        HttpResponse<String> refused = get("/v1/requests?" + MARCH, chatOnly);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(EXACT.readTree(refused.body()).get("error").get("code").asText()).isEqualTo("permission_denied");
        assertThat(get("/v1/requests?" + MARCH, usageOnly).statusCode()).isEqualTo(200);
    }

    @Test
    void the_admin_log_takes_the_admin_key_only_and_the_scoped_log_a_gateway_key_only() throws Exception {
        for (HttpResponse<String> refused : List.of(get("/v1/admin/requests", KEY), get("/v1/admin/requests", null),
                get("/v1/requests", ADMIN_KEY), get("/v1/requests", null))) {
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(EXACT.readTree(refused.body()).get("error").get("type").asText())
                    .isEqualTo("authentication_error");
            assertThat(refused.body()).doesNotContain("gen_log", KEY, ADMIN_KEY);
        }
    }

    @Test
    void a_filter_sent_as_an_http_header_is_no_filter() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/v1/admin/requests?" + MARCH))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("provider", "google").GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(ids(EXACT.readTree(response.body()))).hasSize(7);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "from=yesterday                                        | from",
            "from=2026-03-01                                       | from",
            "to=2026-13-01T00:00:00Z                               | to",
            "from=+100000-01-01T00:00:00Z                          | from",
            "from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z     | to",
            "status=6xx                                            | status",
            "status=20                                             | status",
            "status=error                                          | status",
            "min_cost=-1                                           | min_cost",
            "min_cost=cheap                                        | min_cost",
            "min_cost=1e999999                                     | min_cost",
            "min_cost=0.00000000001                                | min_cost",
            "limit=0                                               | limit",
            "limit=501                                             | limit",
            "limit=ten                                             | limit",
            "limit=99999999999999                                  | limit",
            "limit=1&limit=2                                       | limit",
            "cursor=not-a-cursor                                   | cursor",
            "cursor=bm90IGEgY3Vyc29y                               | cursor",
            "stauts=5xx                                            | stauts"})
    void a_bad_parameter_is_a_400_naming_it(String query, String param) throws Exception {
        for (String path : List.of("/v1/admin/requests?", "/v1/requests?")) {
            HttpResponse<String> response = get(path + query, path.contains("admin") ? ADMIN_KEY : KEY);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            JsonNode error = EXACT.readTree(response.body()).get("error");
            assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.get("param").asText()).isEqualTo(param);
            assertThat(error.get("message").asText()).isNotBlank();
            assertThat(response.body()).doesNotContain("Exception", "\tat ");
        }
    }

    @Test
    void a_value_longer_than_any_column_is_a_400_naming_it() throws Exception {
        HttpResponse<String> response = get("/v1/admin/requests?key_id=" + "k".repeat(201), ADMIN_KEY);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(EXACT.readTree(response.body()).get("error").get("param").asText()).isEqualTo("key_id");
    }

    private static List<String> ids(JsonNode body) {
        List<String> ids = new ArrayList<>();
        body.get("data").forEach(record -> ids.add(record.get("id").asText()));
        return ids;
    }

    private HttpResponse<String> admin(String method, String path, String json) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return response;
    }

    private HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        // '+' in an offset must reach the gateway as itself, not as a space
        return URI.create("http://127.0.0.1:" + port + path.replace("+", URLEncoder.encode("+",
                StandardCharsets.UTF_8)));
    }
}
