package dev.caravan.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.Json;
import dev.caravan.controlplane.Ids;
import dev.caravan.usage.RequestLogCursor;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The audit log ({@code audit_log}, {@code V9__audit_log.sql}): every admin change that was applied, with who made
 * it and from where. {@link #change} runs the change and writes its row in one transaction, so neither exists without
 * the other; a change that found nothing to change (a 404) leaves no row. Read newest first, a page at a time, by
 * keyset on {@code (created_at, id)} as the request log is.
 */
@Component
public class AuditLog {

    private static final int QUERY_TIMEOUT_SECONDS = 10;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;

    public AuditLog(JdbcTemplate shared, TransactionTemplate transaction) {
        this.jdbc = new JdbcTemplate(shared.getDataSource());
        jdbc.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
        this.transaction = transaction;
    }

    /**
     * Runs {@code change} and records it as {@code action} by the exchange's {@link AuditActor}, in one transaction.
     *
     * @param target what the change's result touched, or null when it touched nothing (then no row is written)
     */
    public <T> T change(Exchange exchange, String action, Supplier<T> change, Function<T, AuditTarget> target) {
        AuditActor actor = AuditActor.of(exchange);
        return transaction.execute(status -> {
            T result = change.get();
            AuditTarget touched = target.apply(result);
            if (touched != null) {
                insert(actor, action, touched);
            }
            return result;
        });
    }

    private void insert(AuditActor actor, String action, AuditTarget target) {
        jdbc.update("INSERT INTO audit_log (id, created_at, actor, actor_label, source_address, user_agent, action, "
                        + "target_type, target_id, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                Ids.of("aud"), time(Instant.now().truncatedTo(ChronoUnit.MICROS)), actor.actor(), actor.label(),
                actor.sourceAddress(), actor.userAgent(), action, target.type(), target.id(),
                Json.writeString(target.details()));
    }

    /** One page and where the next starts (null after the last). */
    public record Page(List<AuditEntry> entries, RequestLogCursor next) {
    }

    public Page page(AuditQuery query) {
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_log WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        condition(sql, args, " AND created_at >= ?", time(query.from()));
        condition(sql, args, " AND created_at < ?", time(query.to()));
        condition(sql, args, " AND action = ?", query.action());
        condition(sql, args, " AND target_id = ?", query.targetId());
        if (query.actor() != null) {
            // the verified actor or the label it gave itself: "who did this" is asked with either
            sql.append(" AND (actor = ? OR actor_label = ?)");
            args.add(query.actor());
            args.add(query.actor());
        }
        if (query.after() != null) {
            sql.append(" AND (created_at, id) < (?, ?)");
            args.add(time(query.after().createdAt()));
            args.add(query.after().id());
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        args.add(query.limit() + 1);
        List<AuditEntry> found = jdbc.query(sql.toString(), (rs, n) -> read(rs), args.toArray());
        boolean more = found.size() > query.limit();
        List<AuditEntry> entries = more ? found.subList(0, query.limit()) : found;
        AuditEntry last = entries.isEmpty() ? null : entries.getLast();
        return new Page(entries, more ? new RequestLogCursor(last.createdAt(), last.id()) : null);
    }

    private static AuditEntry read(ResultSet rs) throws SQLException {
        JsonNode details = Json.read(rs.getString("details"), JsonNode.class);
        return new AuditEntry(rs.getString("id"), rs.getObject("created_at", OffsetDateTime.class)
                .toInstant(), rs.getString("actor"), rs.getString("actor_label"), rs.getString("source_address"),
                rs.getString("user_agent"), rs.getString("action"), rs.getString("target_type"),
                rs.getString("target_id"), details);
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
}
