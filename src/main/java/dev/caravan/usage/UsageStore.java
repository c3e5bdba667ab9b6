package dev.caravan.usage;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.caravan.canonical.Json;
import dev.caravan.routing.AttemptRecord;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code usage_records} and {@code usage_tags}, the same SQL on H2 (PostgreSQL mode) and PostgreSQL. A batch is
 * written in one transaction, as two JDBC batches. Inserts ignore ids already stored
 * ({@code ON CONFLICT DO NOTHING}, which both databases accept), so a batch replayed from the spool after a partial
 * success, or written twice, neither fails nor counts twice.
 */
@Component("usageStore")
public class UsageStore {

    private static final String INSERT_RECORD = """
            INSERT INTO usage_records (id, created_at, key_id, project_id, end_user, requested_model, served_model,
                provider, provider_model, attempts, input_tokens, output_tokens, cached_read_tokens,
                cache_write_tokens, reasoning_tokens, tokens_estimated, cost_usd, is_byok, streamed, outcome,
                http_status, error_code, finish_reason, latency_ms, ttft_ms, shadow_of)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING""";
    private static final String INSERT_TAG = "INSERT INTO usage_tags (usage_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING";
    private static final String INSERT_BODIES = """
            INSERT INTO request_bodies (usage_id, request_body, request_truncated, response_body, response_truncated)
            VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""";
    private static final TypeReference<List<AttemptRecord>> ATTEMPTS = new TypeReference<>() {
    };

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;

    public UsageStore(JdbcTemplate jdbc, TransactionTemplate transaction) {
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    /** Stores a batch, all or nothing; records already stored are left as they are. */
    public void write(List<UsageRecord> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<String[]> tags = new ArrayList<>();
        for (UsageRecord record : batch) {
            record.tags().stream().distinct().forEach(tag -> tags.add(new String[]{record.id(), fit(tag, 200)}));
        }
        List<UsageRecord> withBodies = batch.stream().filter(r -> r.bodies() != null).toList();
        transaction.executeWithoutResult(status -> {
            jdbc.batchUpdate(INSERT_RECORD, batch, batch.size(), UsageStore::bind);
            if (!withBodies.isEmpty()) {
                jdbc.batchUpdate(INSERT_BODIES, withBodies, withBodies.size(), (ps, r) -> {
                    ps.setString(1, r.id());
                    ps.setString(2, r.bodies().request());
                    ps.setBoolean(3, r.bodies().requestTruncated());
                    ps.setString(4, r.bodies().response());
                    ps.setBoolean(5, r.bodies().responseTruncated());
                });
            }
            if (!tags.isEmpty()) {
                jdbc.batchUpdate(INSERT_TAG, tags, tags.size(), (ps, tag) -> {
                    ps.setString(1, tag[0]);
                    ps.setString(2, tag[1]);
                });
            }
        });
    }

    /** The bodies kept with the record of this id (its project keeps them); empty when none were. */
    public Optional<RequestBodies> bodies(String id) {
        return jdbc.query("SELECT * FROM request_bodies WHERE usage_id = ?", (rs, row) -> new RequestBodies(
                rs.getString("request_body"), rs.getBoolean("request_truncated"), rs.getString("response_body"),
                rs.getBoolean("response_truncated")), id).stream().findFirst();
    }

    /** The record with this id, if the scope may see it; any record when {@code scope} is null (the admin's). */
    public Optional<UsageRecord> find(String id, UsageScope scope) {
        List<UsageRecord> found = scope == null
                ? jdbc.query("SELECT r.* FROM usage_records r WHERE r.id = ?", (rs, n) -> read(rs), id)
                : jdbc.query("SELECT r.* FROM usage_records r WHERE r.id = ? AND " + scope.condition(),
                        (rs, n) -> read(rs), id, scope.value());
        return found.stream().findFirst().map(record -> withTags(record,
                jdbc.queryForList("SELECT tag FROM usage_tags WHERE usage_id = ? ORDER BY tag", String.class, id)));
    }

    /** Sums per group of the records created from {@code start} to {@code end}, both UTC days included. */
    public List<ReportRow> report(LocalDate start, LocalDate end, GroupBy groupBy, UsageScope scope) {
        String group = groupBy.expression();
        String sql = "SELECT " + group + " AS grp, COUNT(*) AS requests, SUM(r.cost_usd) AS cost, "
                + "SUM(r.input_tokens) AS input, SUM(r.output_tokens) AS output, "
                + "SUM(r.cached_read_tokens) AS cached, SUM(r.cache_write_tokens) AS cache_write, "
                + "SUM(r.reasoning_tokens) AS reasoning, "
                // a shadow copy's share of every group, so that no grouping mixes it in unseen
                + "SUM(CASE WHEN r.shadow_of IS NULL THEN 0 ELSE 1 END) AS shadow_requests, "
                + "SUM(CASE WHEN r.shadow_of IS NULL THEN 0 ELSE r.cost_usd END) AS shadow_cost FROM usage_records r "
                + (groupBy == GroupBy.TAG ? "LEFT JOIN usage_tags t ON t.usage_id = r.id " : "")
                + "WHERE r.created_at >= ? AND r.created_at < ? AND " + scope.condition()
                + " GROUP BY " + group + " ORDER BY " + group + " NULLS LAST";
        return jdbc.query(sql, (rs, n) -> {
            BigDecimal cost = plain(rs.getBigDecimal("cost"));
            return new ReportRow(groupBy, groupValue(groupBy, rs), cost, cost, rs.getLong("input"),
                    rs.getLong("output"), rs.getLong("cached"), rs.getLong("cache_write"), rs.getLong("reasoning"),
                    rs.getLong("requests"), rs.getLong("shadow_requests"), plain(rs.getBigDecimal("shadow_cost")));
        }, start.atStartOfDay().atOffset(ZoneOffset.UTC), end.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC),
                scope.value());
    }

    private static String groupValue(GroupBy groupBy, ResultSet rs) throws SQLException {
        if (groupBy == GroupBy.DAY) {
            return LocalDate.ofEpochDay(rs.getLong("grp")).toString();
        }
        return rs.getString("grp");
    }

    /** NUMERIC(20, 10) comes back with ten decimals; an exact sum needs none of the trailing zeros. */
    static BigDecimal plain(BigDecimal value) {
        return value == null ? BigDecimal.ZERO : value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
    }

    private static void bind(PreparedStatement ps, UsageRecord r) throws SQLException {
        ps.setString(1, r.id());
        ps.setObject(2, r.createdAt().atOffset(ZoneOffset.UTC));
        // a value wider than its column would fail the whole batch, and then every replay of it from the spool
        ps.setString(3, fit(r.keyId(), 64));
        ps.setString(4, fit(r.projectId(), 64));
        ps.setString(5, fit(r.user(), 200));
        ps.setString(6, fit(r.requestedModel(), 200));
        ps.setString(7, fit(r.servedModel(), 200));
        ps.setString(8, fit(r.provider(), 64));
        ps.setString(9, fit(r.providerModel(), 200));
        ps.setString(10, Json.writeString(r.attempts()));
        ps.setObject(11, r.inputTokens(), Types.BIGINT);
        ps.setObject(12, r.outputTokens(), Types.BIGINT);
        ps.setObject(13, r.cachedReadTokens(), Types.BIGINT);
        ps.setObject(14, r.cacheWriteTokens(), Types.BIGINT);
        ps.setObject(15, r.reasoningTokens(), Types.BIGINT);
        ps.setBoolean(16, r.tokensEstimated());
        ps.setBigDecimal(17, r.costUsd());
        ps.setBoolean(18, r.byok());
        ps.setBoolean(19, r.streamed());
        ps.setString(20, r.outcome().name().toLowerCase(Locale.ROOT));
        ps.setInt(21, r.httpStatus());
        ps.setString(22, fit(r.errorCode(), 100));
        ps.setString(23, fit(r.finishReason(), 40));
        ps.setObject(24, r.latencyMs(), Types.BIGINT);
        ps.setObject(25, r.ttftMs(), Types.BIGINT);
        ps.setString(26, r.shadowOf());
    }

    static UsageRecord read(ResultSet rs) throws SQLException {
        BigDecimal cost = rs.getBigDecimal("cost_usd");
        return new UsageRecord(rs.getString("id"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getString("key_id"), rs.getString("project_id"), rs.getString("end_user"), List.of(),
                rs.getString("requested_model"), rs.getString("served_model"), rs.getString("provider"),
                rs.getString("provider_model"), attempts(rs.getString("attempts")), longOrNull(rs, "input_tokens"),
                longOrNull(rs, "output_tokens"), longOrNull(rs, "cached_read_tokens"),
                longOrNull(rs, "cache_write_tokens"), longOrNull(rs, "reasoning_tokens"),
                rs.getBoolean("tokens_estimated"), cost == null ? null : plain(cost), rs.getBoolean("is_byok"),
                rs.getBoolean("streamed"), UsageRecord.Outcome.valueOf(rs.getString("outcome").toUpperCase(
                Locale.ROOT)), rs.getInt("http_status"), rs.getString("error_code"),
                rs.getString("finish_reason"), longOrNull(rs, "latency_ms"), longOrNull(rs, "ttft_ms"), null,
                rs.getString("shadow_of"));
    }

    static UsageRecord withTags(UsageRecord r, List<String> tags) {
        return new UsageRecord(r.id(), r.createdAt(), r.keyId(), r.projectId(), r.user(), tags, r.requestedModel(),
                r.servedModel(), r.provider(), r.providerModel(), r.attempts(), r.inputTokens(), r.outputTokens(),
                r.cachedReadTokens(), r.cacheWriteTokens(), r.reasoningTokens(), r.tokensEstimated(), r.costUsd(),
                r.byok(), r.streamed(), r.outcome(), r.httpStatus(), r.errorCode(), r.finishReason(), r.latencyMs(),
                r.ttftMs(), r.bodies(), r.shadowOf());
    }

    private static List<AttemptRecord> attempts(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            return Json.MAPPER.readValue(json, ATTEMPTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static String fit(String value, int length) {
        return value == null || value.length() <= length ? value : value.substring(0, length);
    }
}
