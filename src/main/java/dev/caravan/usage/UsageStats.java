package dev.caravan.usage;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/admin/stats}: the usage records of a window as time series, for the dashboard's charts. Per bucket:
 * requests, errors, spend (in total and per model, provider or project) and the 50th, 95th and 99th percentiles of
 * the duration and the time to first token. Everything is computed by the database in two grouped queries, the same
 * SQL on H2 and PostgreSQL (both have {@code PERCENTILE_CONT … WITHIN GROUP}), so the answer costs one pass over the
 * window's rows on the {@code created_at} index however many there are; nothing is held in Java but the buckets.
 * Every bucket of the window is answered, empty ones with zeros and no percentiles, so a chart's x axis has no holes.
 */
@Component("usageStats")
public class UsageStats {

    /** An operator's query must not hold a pooled connection for long, however wide its window. */
    private static final int QUERY_TIMEOUT_SECONDS = 10;
    private static final int[] PERCENTILES = {50, 95, 99};
    /** The group of records without one (no project, or no provider because none served). */
    static final String NONE = "(none)";

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public UsageStats(JdbcTemplate shared) {
        this.jdbc = new JdbcTemplate(shared.getDataSource());
        jdbc.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
        this.clock = Clock.systemUTC();
    }

    /** The admin-api route configuration has checked the admin key before this step. */
    public void stats(Exchange exchange) {
        StatsQuery query = StatsQuery.parse(exchange.getMessage().getHeader(Exchange.HTTP_QUERY, String.class),
                clock.instant());
        UsageApi.write(exchange, series(query));
    }

    Stats series(StatsQuery query) {
        // a validated whole number, written into the statement: a bound parameter's type would differ between the
        // two databases inside EXTRACT's arithmetic
        String bucket = "FLOOR(EXTRACT(EPOCH FROM r.created_at) / " + query.bucketSeconds() + ")";
        String window = " FROM usage_records r WHERE r.created_at >= ? AND r.created_at < ? GROUP BY ";
        Object from = query.from().atOffset(ZoneOffset.UTC);
        Object to = query.to().atOffset(ZoneOffset.UTC);

        Map<Long, Bucket> buckets = new LinkedHashMap<>();
        jdbc.query("SELECT " + bucket + " AS b, COUNT(*) AS requests, "
                + "SUM(CASE WHEN r.outcome = 'error' THEN 1 ELSE 0 END) AS errors, SUM(r.cost_usd) AS cost, "
                + percentiles("r.latency_ms", "latency") + ", " + percentiles("r.ttft_ms", "ttft")
                + window + bucket, rs -> {
                    buckets.put(rs.getLong("b"), new Bucket(null, rs.getLong("requests"), rs.getLong("errors"),
                            UsageStore.plain(rs.getBigDecimal("cost")), percentiles(rs, "latency"),
                            percentiles(rs, "ttft"), new LinkedHashMap<>()));
                }, from, to);

        String group = query.groupBy().expression();
        Map<String, BigDecimal> totals = new HashMap<>();
        jdbc.query("SELECT " + bucket + " AS b, " + group + " AS grp, SUM(r.cost_usd) AS cost" + window + bucket
                + ", " + group, rs -> {
                    Bucket found = buckets.get(rs.getLong("b"));
                    BigDecimal cost = UsageStore.plain(rs.getBigDecimal("cost"));
                    String name = rs.getString("grp") == null ? NONE : rs.getString("grp");
                    if (found != null) {
                        found.costByGroup().merge(name, cost, BigDecimal::add);
                    }
                    totals.merge(name, cost, BigDecimal::add);
                }, from, to);

        List<Bucket> all = new ArrayList<>();
        for (long index = query.firstBucket(); index <= query.lastBucket(); index++) {
            Bucket found = buckets.get(index);
            String start = query.bucketStart(index).toString();
            all.add(found == null ? new Bucket(start, 0, 0, BigDecimal.ZERO, null, null, Map.of())
                    : new Bucket(start, found.requests(), found.errors(), found.cost(), found.latencyMs(),
                    found.ttftMs(), found.costByGroup()));
        }
        List<String> groups = totals.entrySet().stream()
                .sorted(Map.Entry.<String, BigDecimal>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).toList();
        return new Stats(query.from().toString(), query.to().toString(), query.bucketSeconds(),
                query.groupBy().field(), groups, all);
    }

    private static String percentiles(String column, String name) {
        StringBuilder sql = new StringBuilder();
        for (int p : PERCENTILES) {
            if (!sql.isEmpty()) {
                sql.append(", ");
            }
            sql.append("PERCENTILE_CONT(").append(p / 100.0).append(") WITHIN GROUP (ORDER BY ").append(column)
                    .append(") AS ").append(name).append("_p").append(p);
        }
        return sql.toString();
    }

    /** Null when no record of the bucket has the figure (an error answered before any byte, say). */
    private static Percentiles percentiles(ResultSet rs, String name) throws SQLException {
        Long[] values = new Long[PERCENTILES.length];
        for (int i = 0; i < PERCENTILES.length; i++) {
            Object value = rs.getObject(name + "_p" + PERCENTILES[i]);
            values[i] = value == null ? null : Math.round(((Number) value).doubleValue());
        }
        return values[0] == null ? null : new Percentiles(values[0], values[1], values[2]);
    }

    /**
     * @param groups the groups with spend in the window, most spent first: the order a chart's legend takes
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Stats(String from, String to, int bucketSeconds, String groupBy, List<String> groups,
                 List<Bucket> buckets) {
    }

    /**
     * @param start       the bucket's first instant
     * @param errors      requests whose outcome was an error (cancelled ones are not)
     * @param cost        USD; unpriced requests add nothing
     * @param costByGroup USD per model, provider or project; groups with no record in the bucket are absent
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Bucket(String start, long requests, long errors, BigDecimal cost, Percentiles latencyMs,
                  Percentiles ttftMs, Map<String, BigDecimal> costByGroup) {
    }

    /** Milliseconds, interpolated between the nearest records as PERCENTILE_CONT does. */
    record Percentiles(long p50, long p95, long p99) {
    }
}
