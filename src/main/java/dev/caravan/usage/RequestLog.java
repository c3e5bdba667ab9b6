package dev.caravan.usage;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The request log: usage records newest first, filtered, a page at a time. Pages are cut by keyset on
 * {@code (created_at, id)}, never by OFFSET, so the deepest page costs what the first does: each filter has an
 * index led by its column and followed by {@code (created_at, id)} ({@code V4__request_log_indexes.sql}), which the
 * database walks backwards from the cursor and stops after one page.
 */
@Component("requestLog")
public class RequestLog {

    /** An operator's query must not hold a pooled connection for long, whatever its filters. */
    private static final int QUERY_TIMEOUT_SECONDS = 10;

    private final JdbcTemplate jdbc;

    public RequestLog(JdbcTemplate shared) {
        this.jdbc = new JdbcTemplate(shared.getDataSource());
        jdbc.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
    }

    /** One page and where the next starts (null after the last). */
    record Page(List<UsageRecord> records, RequestLogCursor next) {
    }

    /** A statement and its parameters, in order. */
    record Select(String sql, List<Object> args) {
    }

    /** The records {@code scope} may see (all of them when it is null) that pass {@code query}'s filters. */
    Page page(RequestLogQuery query, UsageScope scope) {
        Select select = select(query, scope);
        List<UsageRecord> found = jdbc.query(select.sql(), (rs, n) -> UsageStore.read(rs), select.args().toArray());
        boolean more = found.size() > query.limit();
        List<UsageRecord> records = withTags(more ? found.subList(0, query.limit()) : found);
        UsageRecord last = records.isEmpty() ? null : records.getLast();
        return new Page(records, more ? new RequestLogCursor(last.createdAt(), last.id()) : null);
    }

    /** The page's statement; one row more than the page, to know whether another follows. */
    static Select select(RequestLogQuery query, UsageScope scope) {
        StringBuilder sql = new StringBuilder("SELECT r.* FROM usage_records r WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (scope != null) {
            sql.append(" AND ").append(scope.condition());
            args.add(scope.value());
        }
        condition(sql, args, " AND r.created_at >= ?", time(query.from()));
        condition(sql, args, " AND r.created_at < ?", time(query.to()));
        condition(sql, args, " AND r.key_id = ?", query.keyId());
        condition(sql, args, " AND r.project_id = ?", query.projectId());
        if (query.model() != null) {
            // the model asked for or the one that served: a fallback's request shows under both
            sql.append(" AND (r.requested_model = ? OR r.served_model = ?)");
            args.add(query.model());
            args.add(query.model());
        }
        condition(sql, args, " AND r.provider = ?", query.provider());
        condition(sql, args, " AND r.http_status >= ?", query.statusMin());
        condition(sql, args, " AND r.http_status <= ?", query.statusMax());
        condition(sql, args, " AND r.cost_usd >= ?", query.minCost());
        if (query.after() != null) {
            // a row comparison, which both databases match against the (…, created_at, id) indexes
            sql.append(" AND (r.created_at, r.id) < (?, ?)");
            args.add(time(query.after().createdAt()));
            args.add(query.after().id());
        }
        sql.append(" ORDER BY r.created_at DESC, r.id DESC LIMIT ?");
        args.add(query.limit() + 1);
        return new Select(sql.toString(), args);
    }

    private static void condition(StringBuilder sql, List<Object> args, String condition, Object value) {
        if (value != null) {
            sql.append(condition);
            args.add(value);
        }
    }

    private static Object time(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    /** The page's tags, in one query for the whole page. */
    private List<UsageRecord> withTags(List<UsageRecord> records) {
        if (records.isEmpty()) {
            return records;
        }
        Map<String, List<String>> tags = new HashMap<>();
        String marks = String.join(", ", Collections.nCopies(records.size(), "?"));
        jdbc.query("SELECT usage_id, tag FROM usage_tags WHERE usage_id IN (" + marks + ") ORDER BY usage_id, tag",
                rs -> {
                    tags.computeIfAbsent(rs.getString(1), id -> new ArrayList<>()).add(rs.getString(2));
                }, records.stream().map(UsageRecord::id).toArray());
        return records.stream().map(r -> UsageStore.withTags(r, tags.getOrDefault(r.id(), List.of()))).toList();
    }
}
