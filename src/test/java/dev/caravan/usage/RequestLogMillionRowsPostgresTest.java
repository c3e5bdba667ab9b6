package dev.caravan.usage;

import dev.caravan.testing.TestPostgres;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request log on a million usage records in PostgreSQL: each page, the first or one deep in the log, is read
 * through V4's indexes, with the cursor as an index condition (so a deep page starts where it starts, not after
 * skipping the pages before it), and never by reading the table and sorting it. Asserted on the query plan
 * (EXPLAIN ANALYZE: the index, no sequential scan, the pages of data touched), not on a time; the times measured on
 * this machine are written to {@code target/request-log-million-rows.txt} for the README. Where the planner expects
 * few rows (a key's last 25, a rare model) it fetches them by bitmap and sorts those few: that is the cheaper plan.
 *
 * <p>The rows: one every 2 seconds from 2026-01-01 (23 days), 200 keys of which 150 in 30 projects, five models and
 * providers, every 50th a 503 with nothing served, every 333rd a 429, ten 401s and ten requests for a rare model; V4's
 * indexes are
 * built after the rows are in, as the migration would on an existing table.
 */
class RequestLogMillionRowsPostgresTest {

    private static final String SCHEMA = TestPostgres.newSchema("request_log_million");
    private static final Path TIMES = Path.of("target", "request-log-million-rows.txt");
    private static final String ROWS = """
            INSERT INTO usage_records (id, created_at, key_id, project_id, end_user, requested_model, served_model,
                provider, provider_model, attempts, input_tokens, output_tokens, cost_usd, streamed, outcome,
                http_status, error_code, finish_reason, latency_ms, ttft_ms)
            SELECT 'gen_m' || lpad(g::text, 7, '0'),
                   TIMESTAMPTZ '2026-01-01 00:00:00+00' + g * INTERVAL '2 seconds',
                   'key_' || (g % 200),
                   CASE WHEN g % 200 < 150 THEN 'prj_' || (g % 200 % 30) END,
                   'user_' || (g % 1000),
                   m.model,
                   CASE WHEN g % 50 <> 0 THEN m.model END,
                   CASE WHEN g % 50 <> 0 THEN m.provider END,
                   CASE WHEN g % 50 <> 0 THEN m.model END,
                   '[]', g % 5000, g % 700,
                   CASE WHEN g % 50 <> 0 THEN (g % 1000) / 10000.0 END,
                   g % 2 = 0,
                   CASE WHEN g % 50 = 0 OR g % 333 = 0 OR g % 100000 = 11 THEN 'error' ELSE 'success' END,
                   CASE WHEN g % 50 = 0 THEN 503 WHEN g % 333 = 0 THEN 429 WHEN g % 100000 = 11 THEN 401 ELSE 200 END,
                   CASE WHEN g % 50 = 0 THEN 'provider_overloaded' WHEN g % 333 = 0 THEN 'gateway_rate_limited'
                        WHEN g % 100000 = 11 THEN 'invalid_api_key' END,
                   'stop', 200 + g % 3000, 50 + g % 500
            FROM generate_series(1, 1000000) g,
                 LATERAL (SELECT CASE WHEN g % 100000 = 7 THEN 'rare/model'
                                 ELSE (ARRAY['openai/gpt-5', 'openai/gpt-5-mini', 'anthropic/claude-sonnet-4.6',
                                             'google/gemini-2.5-flash', 'mistral/mistral-large'])[1 + g % 5] END AS model,
                                 (ARRAY['openai', 'openai', 'anthropic', 'google', 'mistral'])[1 + g % 5] AS provider) m
            """;

    private static SingleConnectionDataSource source;
    private static JdbcTemplate jdbc;
    private static RequestLog log;

    @BeforeAll
    static void millionRows() throws Exception {
        flyway().target("2").load().migrate();
        source = new SingleConnectionDataSource(TestPostgres.url(SCHEMA), TestPostgres.USER, "", true);
        jdbc = new JdbcTemplate(source);
        long start = System.nanoTime();
        jdbc.update(ROWS);
        long inserted = System.nanoTime();
        flyway().load().migrate();
        long indexed = System.nanoTime();
        jdbc.execute("ANALYZE usage_records");
        log = new RequestLog(jdbc);
        Files.createDirectories(TIMES.getParent());
        Files.writeString(TIMES, String.format("1,000,000 rows inserted in %.1f s; V4's indexes built in %.1f s; "
                + "table %d pages of 8 kB%n", (inserted - start) / 1e9, (indexed - inserted) / 1e9,
                jdbc.queryForObject("SELECT pg_relation_size('usage_records') / 8192", Long.class)));
    }

    private static FluentConfiguration flyway() {
        return Flyway.configure().dataSource(TestPostgres.url(SCHEMA), TestPostgres.USER, "")
                .schemas(SCHEMA).defaultSchema(SCHEMA).locations("classpath:db/migration");
    }

    @AfterAll
    static void dropSchema() throws Exception {
        if (source != null) {
            source.destroy();
        }
        TestPostgres.drop(SCHEMA);
    }

    /**
     * {@code scope}: {@code admin} (every record), a project id or a key id as a gateway key's scope. {@code deep}:
     * the page that starts after the record of that number (older records have lower numbers), as its cursor would.
     */
    @ParameterizedTest(name = "{0} {1} after {2}: {3}")
    @CsvSource(delimiter = '|', value = {
            "admin     |                                                        |        | usage_records_time | 1000",
            "admin     |                                                        | 1000   | usage_records_time | 1000",
            "prj_3 | | | usage_records_project_time | 1000",
            "prj_3 | | 20000 | usage_records_project_time | 1000",
            "key_190 | | 5000 | usage_records_key_time | 1000",
            "admin | project_id=prj_7&from=2026-01-05T00:00:00Z&to=2026-01-06T00:00:00Z | | usage_records_project_time | 1000",
            "admin | key_id=key_42&limit=500 | 300000 | usage_records_key_time | 1000",
            "admin | provider=mistral | 50000 | usage_records_provider_time | 1000",
            "admin     | status=429                                             |        | usage_records_time | 1000",
            "admin     | status=503                                             | 500000 | usage_records_time | 1000",
            "admin | status=401 | | usage_records_status_time | 1000",
            "prj_3 | status=4xx | | usage_records_project_time | 1000",
            // every 5xx of prj_0 comes from one key, so 5,000 of its 25,000 rows: the planner, which takes the two
            // columns as independent, expects 464, intersects both indexes and sorts the 5,000 (some 100 ms)
            "prj_0 | status=5xx | | usage_records_project_time | 6000",
            "admin     | model=openai/gpt-5                                     | 400000 | usage_records_time | 1000",
            "admin | model=rare/model | | usage_records_requested_model_time | 1000",
            "prj_3 | model=google/gemini-2.5-flash&min_cost=0.05 | | usage_records_project_time | 1000"})
    void a_page_is_an_index_walk_from_its_cursor(String scope, String filters, Integer deep, String index,
                                                 int maxBuffers) throws Exception {
        String query = (filters == null ? "" : filters)
                + (deep == null ? "" : (filters == null ? "" : "&") + "cursor=" + cursorBefore(deep));
        UsageScope usageScope = scope.equals("admin") ? null : scope.startsWith("prj_")
                ? new UsageScope("project_id", scope) : new UsageScope("key_id", scope);
        RequestLogQuery parsed = RequestLogQuery.parse(query);
        RequestLog.Select select = RequestLog.select(parsed, usageScope);

        List<String> plan = jdbc.queryForList("EXPLAIN (ANALYZE, BUFFERS) " + select.sql(), String.class,
                select.args().toArray());
        String text = String.join("\n", plan);
        // "Index Scan Backward using <index>", or "Bitmap Index Scan on <index>" when it expects few rows
        assertThat(text).as(text).containsPattern("(using|on) " + index + "\\b").doesNotContain("Seq Scan");
        if (deep != null) {
            assertThat(text).as(text).containsPattern("Index Cond: .*ROW\\(created_at, \\(?id");
        }
        // the table is some 27,500 pages of 8 kB: a page of the log reads a few hundred of them
        int buffers = buffers(plan.get(1));
        assertThat(buffers).as(text).isLessThan(maxBuffers);

        RequestLog.Page page = log.page(parsed, usageScope);
        assertThat(page.records()).isNotEmpty();
        long[] micros = new long[7];
        for (int run = 0; run < micros.length; run++) {
            long start = System.nanoTime();
            log.page(parsed, usageScope);
            micros[run] = (System.nanoTime() - start) / 1000;
        }
        Arrays.sort(micros);
        record(String.format("%-8s %-78s %4d rows  median %6.2f ms  max %6.2f ms  %4d buffers  %s%n", scope, query,
                page.records().size(), micros[micros.length / 2] / 1000.0, micros[micros.length - 1] / 1000.0,
                buffers, plan.stream().filter(line -> line.contains("Execution Time")).findFirst().orElse("")
                        .strip()));
    }

    /** {@code Buffers: shared hit=626 read=83}: 709 pages of 8 kB touched, from the cache or the disk. */
    private static int buffers(String line) {
        Matcher counts = Pattern.compile("(hit|read)=(\\d+)").matcher(line);
        int total = 0;
        while (counts.find()) {
            total += Integer.parseInt(counts.group(2));
        }
        assertThat(line).contains("Buffers:");
        return total;
    }

    /** The cursor a page ending at record {@code n} hands out. */
    private static String cursorBefore(int n) {
        return jdbc.queryForObject("SELECT created_at, id FROM usage_records WHERE id = ?", (rs, row) ->
                new RequestLogCursor(rs.getObject(1, java.time.OffsetDateTime.class).toInstant(), rs.getString(2)),
                String.format("gen_m%07d", n)).encode();
    }

    private static synchronized void record(String line) throws IOException {
        System.out.print(line);
        Files.writeString(TIMES, line, StandardOpenOption.APPEND);
    }
}
