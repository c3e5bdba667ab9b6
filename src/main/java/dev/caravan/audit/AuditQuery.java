package dev.caravan.audit;

import dev.caravan.error.GatewayException;
import dev.caravan.usage.RequestLogCursor;
import dev.caravan.usage.RequestLogQuery;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The filters of an audit log page, read as strictly as the request log's ({@link RequestLogQuery}): an unknown
 * parameter is a 400, not "everything".
 *
 * @param from  rows at or after it, or null
 * @param to    rows before it, or null
 * @param after the previous page's cursor, or null for the newest rows
 */
public record AuditQuery(Instant from, Instant to, String action, String targetId, String actor, int limit,
                  RequestLogCursor after) {

    static final List<String> PARAMETERS = List.of("from", "to", "action", "target_id", "actor", "limit", "cursor");

    public static AuditQuery parse(String rawQuery) {
        Map<String, String> in = RequestLogQuery.parameters(rawQuery, PARAMETERS);
        Instant from = RequestLogQuery.instant(in, "from");
        Instant to = RequestLogQuery.instant(in, "to");
        if (from != null && to != null && !to.isAfter(from)) {
            throw GatewayException.invalid("'to' must be later than 'from'.", "to");
        }
        String cursor = in.get("cursor");
        return new AuditQuery(from, to, RequestLogQuery.text(in, "action"), RequestLogQuery.text(in, "target_id"),
                RequestLogQuery.text(in, "actor"), RequestLogQuery.limit(in.get("limit")),
                cursor == null ? null : RequestLogCursor.decode(cursor));
    }
}
