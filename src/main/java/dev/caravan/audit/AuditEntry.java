package dev.caravan.audit;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/** One row of the audit log, as {@code GET /v1/admin/audit} answers it. */
public record AuditEntry(String id, Instant createdAt, String actor, String actorLabel, String sourceAddress,
                  String userAgent, String action, String targetType, String targetId, JsonNode details) {
}
