package dev.caravan.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.caravan.audit.AuditEntry;
import dev.caravan.audit.AuditLog;
import dev.caravan.audit.AuditQuery;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * {@code GET /v1/admin/audit}: the admin changes, newest first, filtered by {@code from}, {@code to}, {@code action},
 * {@code target_id} and {@code actor}, a page of {@code limit} (50, at most 500) at a time; {@code next_cursor}
 * fetches the next. Written in snake case, as the request log is.
 */
@Component("auditAdmin")
public class AuditAdmin {

    private final AuditLog log;

    public AuditAdmin(AuditLog log) {
        this.log = log;
    }

    public void list(Exchange exchange) {
        AuditLog.Page page = log.page(AuditQuery.parse(exchange.getMessage().getHeader(Exchange.HTTP_QUERY,
                String.class)));
        AdminResponse.ok(exchange, new Answer(page.entries().stream().map(Entry::of).toList(),
                page.next() == null ? null : page.next().encode()));
    }

    /** {@code next_cursor} is null on the last page, and written as null so that clients can test for it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Answer(List<Entry> data, @JsonInclude(JsonInclude.Include.ALWAYS) String nextCursor) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Entry(String id, String createdAt, String actor, String actorLabel, String sourceAddress,
                 String userAgent, String action, String targetType, String targetId, Object details) {

        static Entry of(AuditEntry entry) {
            return new Entry(entry.id(), entry.createdAt().toString(), entry.actor(), entry.actorLabel(),
                    entry.sourceAddress(), entry.userAgent(), entry.action(), entry.targetType(), entry.targetId(),
                    entry.details());
        }
    }
}
