package dev.caravan.usage;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.caravan.routing.AttemptRecord;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * One usage record as {@code GET /v1/generation} answers it, inside {@code {"data": …}}: the fields of Vercel's (and
 * OpenRouter's) generation lookup first, Caravan's own after. {@code latency} is the time to the first token and
 * {@code generation_time} the time to the last byte, both in milliseconds; {@code usage} repeats
 * {@code total_cost}, as in Vercel's answer. {@code tokens_*} and {@code native_tokens_*} are the same figures: Caravan
 * counts what the provider reports, with no normalised tokenizer of its own. {@code traffic} is {@code primary} for a
 * client's request and {@code shadow} for its copy to a candidate model, which names the primary's id in
 * {@code shadow_of} (routes/chains/shadow.yaml). Null fields are left out.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record GenerationView(
        String id,
        BigDecimal totalCost,
        BigDecimal usage,
        String createdAt,
        String model,
        boolean isByok,
        String providerName,
        boolean streamed,
        boolean cancelled,
        Long latency,
        Long generationTime,
        Long tokensPrompt,
        Long tokensCompletion,
        Long nativeTokensPrompt,
        Long nativeTokensCompletion,
        Long nativeTokensCached,
        Long nativeTokensCacheCreation,
        Long nativeTokensReasoning,
        String finishReason,
        // Caravan's fields
        String requestedModel,
        String providerModel,
        String keyId,
        String projectId,
        String user,
        List<String> tags,
        List<AttemptRecord> attempts,
        String outcome,
        int status,
        String errorCode,
        boolean tokensEstimated,
        String traffic,
        String shadowOf) {

    public static GenerationView of(UsageRecord r) {
        return new GenerationView(r.id(), r.costUsd(), r.costUsd(), r.createdAt().toString(),
                r.servedModel() != null ? r.servedModel() : r.requestedModel(), r.byok(), r.provider(), r.streamed(),
                r.outcome() == UsageRecord.Outcome.CANCELLED, r.ttftMs(), r.latencyMs(), r.inputTokens(),
                r.outputTokens(), r.inputTokens(), r.outputTokens(), r.cachedReadTokens(), r.cacheWriteTokens(),
                r.reasoningTokens(), r.finishReason(), r.requestedModel(), r.providerModel(), r.keyId(),
                r.projectId(), r.user(), r.tags(), r.attempts(), r.outcome().name().toLowerCase(Locale.ROOT),
                r.httpStatus(), r.errorCode(), r.tokensEstimated(), r.traffic(), r.shadowOf());
    }
}
