package dev.caravan.usage;

import dev.caravan.routing.AttemptRecord;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The record of one request, served or not, as stored in {@code usage_records} (one field per column; tags go to
 * {@code usage_tags}). Token counts are null when unknown (nothing was served).
 *
 * @param id               the generation id, {@code gen_…}, also returned to the client
 * @param createdAt        when the request arrived
 * @param keyId            the gateway key's id ({@code env} for {@code AI_GATEWAY_API_KEY})
 * @param projectId        the key's project, or null
 * @param user             the {@code user} routing option, or null
 * @param tags             the {@code tags} routing option
 * @param requestedModel   the model as the client named it ({@code tier/…} included)
 * @param servedModel      the catalog model that served it (differs after a model fallback), or null
 * @param provider         the provider that served it (or was tried last), or null
 * @param providerModel    the provider's own model id, or null
 * @param attempts         every attempt, in order
 * @param inputTokens      prompt tokens, cached reads and cache writes included
 * @param outputTokens     completion tokens, reasoning included
 * @param cachedReadTokens input tokens read from a prompt cache
 * @param cacheWriteTokens input tokens written to a prompt cache
 * @param reasoningTokens  output tokens spent on reasoning
 * @param tokensEstimated  the provider gave no usage and the gateway counted the tokens itself
 * @param costUsd          what it cost, from the catalog's prices; null when not priced
 * @param byok             paid with the caller's own provider key
 * @param streamed         the client asked for a stream
 * @param outcome          how it ended
 * @param httpStatus       the status the client got (200 for a stream that failed after its start)
 * @param errorCode        the error code the client got, or null
 * @param finishReason     the finish reason, or null
 * @param latencyMs        from arrival to the last byte
 * @param ttftMs           from arrival to the first token (streams; for a non-stream the same as latency)
 * @param bodies           the request's bodies when its project keeps them ({@code request_bodies}), else null
 * @param shadowOf         for a shadow copy (routes/chains/shadow.yaml), the generation id of the primary request it
 *                         mirrors; null for every request a client made
 */
public record UsageRecord(
        String id,
        Instant createdAt,
        String keyId,
        String projectId,
        String user,
        List<String> tags,
        String requestedModel,
        String servedModel,
        String provider,
        String providerModel,
        List<AttemptRecord> attempts,
        Long inputTokens,
        Long outputTokens,
        Long cachedReadTokens,
        Long cacheWriteTokens,
        Long reasoningTokens,
        boolean tokensEstimated,
        BigDecimal costUsd,
        boolean byok,
        boolean streamed,
        Outcome outcome,
        int httpStatus,
        String errorCode,
        String finishReason,
        Long latencyMs,
        Long ttftMs,
        RequestBodies bodies,
        String shadowOf) {

    /** {@link #traffic()} of a request a client made. */
    public static final String PRIMARY = "primary";
    /** {@link #traffic()} of a shadow copy. */
    public static final String SHADOW = "shadow";

    /** A client's request's record, with or without bodies. */
    public UsageRecord(String id, Instant createdAt, String keyId, String projectId, String user, List<String> tags,
                       String requestedModel, String servedModel, String provider, String providerModel,
                       List<AttemptRecord> attempts, Long inputTokens, Long outputTokens, Long cachedReadTokens,
                       Long cacheWriteTokens, Long reasoningTokens, boolean tokensEstimated, BigDecimal costUsd,
                       boolean byok, boolean streamed, Outcome outcome, int httpStatus, String errorCode,
                       String finishReason, Long latencyMs, Long ttftMs, RequestBodies bodies) {
        this(id, createdAt, keyId, projectId, user, tags, requestedModel, servedModel, provider, providerModel,
                attempts, inputTokens, outputTokens, cachedReadTokens, cacheWriteTokens, reasoningTokens,
                tokensEstimated, costUsd, byok, streamed, outcome, httpStatus, errorCode, finishReason, latencyMs,
                ttftMs, bodies, null);
    }

    /** A record without bodies, as most are. */
    public UsageRecord(String id, Instant createdAt, String keyId, String projectId, String user, List<String> tags,
                       String requestedModel, String servedModel, String provider, String providerModel,
                       List<AttemptRecord> attempts, Long inputTokens, Long outputTokens, Long cachedReadTokens,
                       Long cacheWriteTokens, Long reasoningTokens, boolean tokensEstimated, BigDecimal costUsd,
                       boolean byok, boolean streamed, Outcome outcome, int httpStatus, String errorCode,
                       String finishReason, Long latencyMs, Long ttftMs) {
        this(id, createdAt, keyId, projectId, user, tags, requestedModel, servedModel, provider, providerModel,
                attempts, inputTokens, outputTokens, cachedReadTokens, cacheWriteTokens, reasoningTokens,
                tokensEstimated, costUsd, byok, streamed, outcome, httpStatus, errorCode, finishReason, latencyMs,
                ttftMs, null, null);
    }

    public UsageRecord {
        tags = tags == null ? List.of() : List.copyOf(tags);
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    /** {@value #SHADOW} for a shadow copy, else {@value #PRIMARY}: the report's {@code traffic} group. */
    public String traffic() {
        return shadowOf == null ? PRIMARY : SHADOW;
    }

    public enum Outcome { SUCCESS, ERROR, CANCELLED }
}
