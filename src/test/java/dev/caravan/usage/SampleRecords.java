package dev.caravan.usage;

import dev.caravan.routing.AttemptRecord;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** Usage records for tests, built by hand so every expected figure can be computed by hand too. */
final class SampleRecords {

    private SampleRecords() {
    }

    /** A served request: {@code in} prompt tokens (cached ones included), {@code out} completion tokens. */
    static UsageRecord served(String id, String createdAt, String keyId, String projectId, String user,
                              List<String> tags, String model, String provider, long in, long out, long cached,
                              long cacheWrite, long reasoning, String cost) {
        return new UsageRecord(id, Instant.parse(createdAt), keyId, projectId, user, tags, model, model, provider,
                model.substring(model.indexOf('/') + 1), List.of(new AttemptRecord(provider, model, true,
                1_768_435_200_000L, 1_768_435_201_500L, 200, null)), in, out, cached, cacheWrite, reasoning, false,
                new BigDecimal(cost), false, true, UsageRecord.Outcome.SUCCESS, 200, null, "stop", 1500L, 300L);
    }

    /** A shadow copy of {@code primary}, served by {@code model}, with the primary's tokens. */
    static UsageRecord shadowOf(String id, UsageRecord primary, String model, String provider, String cost) {
        UsageRecord served = served(id, primary.createdAt().toString(), primary.keyId(), primary.projectId(),
                primary.user(), primary.tags(), model, provider, primary.inputTokens(), primary.outputTokens(), 0, 0, 0,
                cost);
        return new UsageRecord(served.id(), served.createdAt(), served.keyId(), served.projectId(), served.user(),
                served.tags(), primary.requestedModel(), served.servedModel(), served.provider(),
                served.providerModel(), served.attempts(), served.inputTokens(), served.outputTokens(),
                served.cachedReadTokens(), served.cacheWriteTokens(), served.reasoningTokens(), false,
                served.costUsd(), false, false, UsageRecord.Outcome.SUCCESS, 200, null, "stop", 1500L, 1500L, null,
                primary.id());
    }

    /** A request every provider failed: no tokens, no cost. */
    static UsageRecord failed(String id, String createdAt, String keyId, String user, String model) {
        return new UsageRecord(id, Instant.parse(createdAt), keyId, null, user, List.of(), model, null, null, null,
                List.of(new AttemptRecord("openai", model, false, 1L, 2L, 503, "provider_overloaded")), null, null,
                null, null, null, false, null, false, false, UsageRecord.Outcome.ERROR, 503, "provider_overloaded",
                null, 40L, null);
    }

    /** The n-th of a run of small records, for volume. */
    static UsageRecord numbered(String prefix, int n) {
        return served(prefix + "_" + n, "2026-02-01T10:00:00Z", "env", null, "user-" + (n % 7),
                List.of("bulk", "t" + (n % 3)), "openai/gpt-5", "openai", 100 + n, 10 + n, 0, 0, 0,
                "0.000" + String.format("%07d", n));
    }
}
