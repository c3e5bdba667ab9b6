package dev.caravan.accesslog;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.caravan.accounting.SettledRequest;
import dev.caravan.routing.AttemptRecord;
import dev.caravan.usage.UsageRecord;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * One access log line, as JSON (snake_case; absent values left out). Built from the request's usage record and
 * what its settlement adds; it names the key by its id only, and holds no body, end user or tag.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record AccessLine(String time, String id, String api, String requestedModel, String model, String provider,
                  int status, String outcome, String error, String errorCode, boolean stream, String finishReason,
                  List<Attempt> attempts, Double ttftMs, double durationMs, double overheadMs, Long inputTokens,
                  Long outputTokens, Long cachedInputTokens, Long reasoningTokens, Boolean tokensEstimated,
                  BigDecimal costUsd, boolean byok, String projectId, String keyId) {

    static AccessLine of(SettledRequest settled) {
        UsageRecord r = settled.record();
        return new AccessLine(r.createdAt().toString(), r.id(), settled.api(), r.requestedModel(), r.servedModel(),
                r.provider(), r.httpStatus(), r.outcome().name().toLowerCase(Locale.ROOT),
                settled.errorKind() == null ? null : settled.errorKind().name().toLowerCase(Locale.ROOT),
                r.errorCode(), r.streamed(), r.finishReason(),
                r.attempts().stream().map(Attempt::of).toList(),
                settled.ttftNanos() == 0 ? null : millis(settled.ttftNanos()), millis(settled.durationNanos()),
                millis(settled.overheadNanos()), r.inputTokens(), r.outputTokens(), r.cachedReadTokens(),
                r.reasoningTokens(), r.tokensEstimated() ? Boolean.TRUE : null, r.costUsd(), r.byok(),
                r.projectId(), r.keyId());
    }

    /** Milliseconds to the microsecond. */
    private static double millis(long nanos) {
        return (nanos / 1_000) / 1_000.0;
    }

    /** What one attempt did: the provider's status and the error code, not its message. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Attempt(String provider, String model, boolean success, Integer status, String error, Long durationMs) {

        static Attempt of(AttemptRecord a) {
            return new Attempt(a.provider(), a.model(), a.success(), a.statusCode(), a.error(),
                    a.startTime() == null || a.endTime() == null ? null : a.endTime() - a.startTime());
        }
    }
}
