package dev.caravan.usage;

import dev.caravan.canonical.Usage;
import dev.caravan.routing.GatewayCall;

import java.math.BigDecimal;
import java.util.List;

/** Builds a request's {@link UsageRecord} from what its meter and its gateway call know. */
final class UsageRecords {

    private UsageRecords() {
    }

    static UsageRecord of(RequestMeter meter, GatewayCall call, Usage usage, boolean estimated, BigDecimal cost,
                          UsageRecord.Outcome outcome, int status, String errorCode, String finishReason,
                          long latencyMs, Long ttftMs) {
        boolean attempted = call != null && call.current() != null;
        Usage.PromptDetails prompt = usage == null ? null : usage.promptTokensDetails();
        Usage.CompletionDetails completion = usage == null ? null : usage.completionTokensDetails();
        return new UsageRecord(
                meter.generationId(),
                meter.createdAt(),
                meter.caller().keyId(),
                meter.caller().projectId(),
                call == null ? null : call.options().user(),
                call == null ? List.of() : call.options().tags(),
                call == null ? null : call.requestedModel(),
                attempted ? call.servingModel() : null,
                attempted ? call.provider() : null,
                attempted ? call.providerModel() : null,
                call == null ? List.of() : call.records(),
                usage == null ? null : toLong(usage.promptTokens()),
                usage == null ? null : toLong(usage.completionTokens()),
                prompt == null ? null : toLong(prompt.cachedTokens()),
                prompt == null ? null : toLong(prompt.cacheWriteTokens()),
                completion == null ? null : toLong(completion.reasoningTokens()),
                estimated,
                cost,
                attempted && call.byok(),
                call != null && call.request().streaming(),
                outcome,
                status,
                errorCode,
                finishReason,
                latencyMs,
                ttftMs);
    }

    private static Long toLong(Integer value) {
        return value == null ? null : value.longValue();
    }
}
