package dev.caravan.metrics;

import dev.caravan.accounting.SettledRequest;
import dev.caravan.error.ErrorKind;
import dev.caravan.routing.AttemptRecord;
import dev.caravan.usage.UsageRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Labels stay bounded whatever a request carries, and a label set's meters are registered once. */
class RequestMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RequestMetrics metrics = new RequestMetrics(registry);

    @Test
    void registers_a_label_set_once_and_counts_every_request_on_it() {
        metrics.settled(settled("key_a", "alice", List.of("tag-a"), null));
        int meters = registry.getMeters().size();

        metrics.settled(settled("key_b", "bob", List.of("tag-b", "tag-c"), null));

        // the key, the end user and the tags are in no label: the second request adds no meter
        assertThat(registry.getMeters()).hasSize(meters);
        assertThat(registry.get("gen_ai.server.request.duration").timer().count()).isEqualTo(2);
        assertThat(registry.getMeters()).allSatisfy(meter -> assertThat(meter.getId().getTags())
                .noneMatch(tag -> tag.getValue().contains("alice") || tag.getValue().contains("key_")
                        || tag.getValue().contains("tag-")));
    }

    @Test
    void names_skipped_attempts_and_unknown_error_codes_by_a_fixed_word() {
        AttemptRecord skipped = new AttemptRecord("openai", "openai/gpt-5", false, 1L, 1L, null,
                "skipped: cooling down after a 429 until 2026-12-03T15:00:00Z");
        AttemptRecord odd = new AttemptRecord("openai", "openai/gpt-5", false, 1L, 2L, 500, "something new");
        AttemptRecord invalid = new AttemptRecord("openai", "openai/gpt-5", false, 1L, 2L, 400, null);

        assertThat(Labels.attemptOutcome(skipped)).isEqualTo("skipped");
        assertThat(Labels.attemptOutcome(odd)).isEqualTo("other");
        assertThat(Labels.attemptOutcome(invalid)).isEqualTo("invalid_request_error");
        assertThat(Labels.errorType(ErrorKind.GATEWAY_RATE_LIMITED, UsageRecord.Outcome.ERROR))
                .isEqualTo("gateway_rate_limited");
        assertThat(Labels.errorType(null, UsageRecord.Outcome.CANCELLED)).isEqualTo("client_closed");
        assertThat(Labels.statusClass(503)).isEqualTo("5xx");
        assertThat(Labels.statusClass(999)).isEqualTo("other");
    }

    @Test
    void counts_a_skipped_attempt_without_timing_it() {
        AttemptRecord skipped = new AttemptRecord("mistral", "mistral/mistral-large", false, 1L, 1L, null,
                "skipped: circuit open");
        AttemptRecord served = new AttemptRecord("openai", "openai/gpt-5", true, 1L, 41L, 200, null);

        metrics.settled(settled("key_a", null, List.of(), List.of(skipped, served)));

        assertThat(registry.get("caravan.attempts.skipped").tag(Labels.PROVIDER, "mistral").counter().count())
                .isEqualTo(1);
        assertThat(registry.find("gen_ai.client.operation.duration").tag(Labels.PROVIDER, "mistral").timer())
                .isNull();
        assertThat(registry.get("gen_ai.client.operation.duration").tag(Labels.PROVIDER, "openai").timer()
                .totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(40);
        assertThat(registry.get("caravan.fallbacks").counter().count()).isEqualTo(1);
    }

    private static SettledRequest settled(String keyId, String user, List<String> tags, List<AttemptRecord> attempts) {
        List<AttemptRecord> made = attempts != null ? attempts
                : List.of(new AttemptRecord("openai", "openai/gpt-5", true, 1L, 2L, 200, null));
        UsageRecord record = new UsageRecord("gen_1", Instant.now(), keyId, null, user, tags, "openai/gpt-5",
                "openai/gpt-5", "openai", "gpt-5", made, 10L, 5L, 0L, 0L, 0L, false, new BigDecimal("0.001"),
                false, false, UsageRecord.Outcome.SUCCESS, 200, null, "stop", 3L, 3L);
        return new SettledRequest(record, "chat-completions", null, 3_000_000, 0, 200_000);
    }
}
