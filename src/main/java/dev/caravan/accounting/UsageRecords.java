package dev.caravan.accounting;

import dev.caravan.canonical.Usage;
import dev.caravan.usage.RequestBodies;
import dev.caravan.usage.UsageRecord;

import java.math.BigDecimal;
import java.util.List;

/** Builds a request's {@link UsageRecord} from what its meter knows and how it was served. */
final class UsageRecords {

    private UsageRecords() {
    }

    /** {@code served} is null when the request failed before it was read. */
    static UsageRecord of(RequestMeter meter, Served served, Usage usage, boolean estimated, BigDecimal cost,
                          UsageRecord.Outcome outcome, int status, String errorCode, String finishReason,
                          long latencyMs, Long ttftMs, RequestBodies bodies) {
        boolean attempted = served != null && served.attempted();
        Usage.PromptDetails prompt = usage == null ? null : usage.promptTokensDetails();
        Usage.CompletionDetails completion = usage == null ? null : usage.completionTokensDetails();
        return new UsageRecord(
                meter.generationId(),
                meter.createdAt(),
                meter.caller().keyId(),
                meter.caller().projectId(),
                served == null ? null : served.user(),
                served == null ? List.of() : served.tags(),
                served == null ? null : served.requestedModel(),
                attempted ? served.model().id() : null,
                attempted ? served.provider() : null,
                attempted ? served.providerModel() : null,
                served == null ? List.of() : served.attempts(),
                usage == null ? null : toLong(usage.promptTokens()),
                usage == null ? null : toLong(usage.completionTokens()),
                prompt == null ? null : toLong(prompt.cachedTokens()),
                prompt == null ? null : toLong(prompt.cacheWriteTokens()),
                completion == null ? null : toLong(completion.reasoningTokens()),
                estimated,
                cost,
                attempted && served.byok(),
                served != null && served.request().streaming(),
                outcome,
                status,
                errorCode,
                finishReason,
                latencyMs,
                ttftMs,
                bodies,
                meter.shadowOf());
    }

    private static Long toLong(Integer value) {
        return value == null ? null : value.longValue();
    }
}
