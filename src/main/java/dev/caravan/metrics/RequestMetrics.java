package dev.caravan.metrics;

import dev.caravan.accounting.SettledRequest;
import dev.caravan.accounting.SettlementListener;
import dev.caravan.error.ErrorKind;
import dev.caravan.routing.AttemptRecord;
import dev.caravan.usage.UsageRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Every settled request's series, recorded from its usage record in one place (the meter's settlement), after the
 * record is queued: requests, errors and their latency, time to first token, the gateway's overhead, tokens and cost,
 * attempts, skipped attempts, fallbacks and rate-limit refusals. Each label set's meters are registered once and kept
 * here ({@link Series}), so a request costs a few map lookups and meter updates, no registration and no label
 * building. Labels are bounded: catalog providers and models, route-named APIs, status classes, {@link ErrorKind}s and
 * project ids; never a key, a user or a tag.
 */
@Component
@ConditionalOnProperty(name = "caravan.metrics.enabled", havingValue = "true", matchIfMissing = true)
public class RequestMetrics implements SettlementListener {

    private final MeterRegistry registry;
    private final ConcurrentMap<RequestLabels, RequestSeries> requests = new ConcurrentHashMap<>();
    private final ConcurrentMap<UsageLabels, UsageSeries> usage = new ConcurrentHashMap<>();
    private final ConcurrentMap<AttemptLabels, Timer> attempts = new ConcurrentHashMap<>();
    private final ConcurrentMap<AttemptLabels, Counter> skipped = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> refusals = new ConcurrentHashMap<>();

    public RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void settled(SettledRequest settled) {
        UsageRecord record = settled.record();
        String provider = Labels.orNone(record.provider());
        String model = Labels.orNone(record.servedModel());
        RequestSeries series = Series.of(requests, new RequestLabels(settled.api(), provider, model,
                Labels.statusClass(record.httpStatus()), Labels.errorType(settled.errorKind(), record.outcome()),
                record.streamed()), this::requestSeries);
        series.duration.record(settled.durationNanos(), TimeUnit.NANOSECONDS);
        series.overhead.record(settled.overheadNanos(), TimeUnit.NANOSECONDS);
        if (series.timeToFirstToken != null && settled.ttftNanos() > 0) {
            series.timeToFirstToken.record(settled.ttftNanos(), TimeUnit.NANOSECONDS);
        }
        if (series.fallbacks != null && record.attempts().size() > 1) {
            series.fallbacks.increment();
        }
        String project = Labels.orNone(record.projectId());
        if (settled.errorKind() == ErrorKind.GATEWAY_RATE_LIMITED) {
            Series.of(refusals, project, this::refusals).increment();
        }
        if (record.provider() != null && (record.inputTokens() != null || record.costUsd() != null)) {
            UsageSeries tokens = Series.of(usage, new UsageLabels(provider, model, project), this::usageSeries);
            tokens.record(record);
        }
        recordAttempts(record.attempts());
    }

    private void recordAttempts(List<AttemptRecord> made) {
        for (AttemptRecord attempt : made) {
            String outcome = Labels.attemptOutcome(attempt);
            AttemptLabels labels = new AttemptLabels(Labels.orNone(attempt.provider()),
                    Labels.orNone(attempt.model()), outcome);
            if (Labels.SKIPPED.equals(outcome)) {
                Series.of(skipped, labels, this::skippedCounter).increment();
            } else if (attempt.startTime() != null && attempt.endTime() != null) {
                Series.of(attempts, labels, this::attemptTimer)
                        .record(Math.max(0, attempt.endTime() - attempt.startTime()), TimeUnit.MILLISECONDS);
            }
        }
    }

    private RequestSeries requestSeries(RequestLabels l) {
        String stream = Boolean.toString(l.streamed());
        Timer duration = Timer.builder("gen_ai.server.request.duration")
                .description("Requests from arrival to their last byte, by API, provider, model, status and error")
                .tag("api", l.api()).tag(Labels.PROVIDER, l.provider()).tag(Labels.MODEL, l.model())
                .tag("status_class", l.statusClass()).tag(Labels.ERROR, l.errorType()).tag("stream", stream)
                .serviceLevelObjectives(Labels.DURATION_BUCKETS)
                .register(registry);
        Timer overhead = Timer.builder("caravan.gateway.overhead")
                .description("The gateway's own time per request: to its response head, less the wait on providers")
                .tag("api", l.api()).tag("stream", stream)
                .serviceLevelObjectives(Labels.OVERHEAD_BUCKETS)
                .register(registry);
        // answered requests only: registered for other label sets, they would be series that stay at zero
        boolean answered = Labels.NONE.equals(l.errorType());
        Timer ttft = !answered || !l.streamed() ? null : Timer.builder("gen_ai.server.time_to_first_token")
                .description("Streams answered: time from arrival to the first token sent")
                .tag("api", l.api()).tag(Labels.PROVIDER, l.provider()).tag(Labels.MODEL, l.model())
                .serviceLevelObjectives(Labels.TTFT_BUCKETS)
                .register(registry);
        Counter fallbacks = !answered ? null : Counter.builder("caravan.fallbacks")
                .description("Requests answered by another attempt than their first (an attempt failed or was skipped)")
                .tag("api", l.api()).tag(Labels.PROVIDER, l.provider()).tag(Labels.MODEL, l.model())
                .register(registry);
        return new RequestSeries(duration, overhead, ttft, fallbacks);
    }

    private UsageSeries usageSeries(UsageLabels l) {
        Function<String, DistributionSummary> tokens = type -> DistributionSummary.builder("gen_ai.client.token.usage")
                .description("Tokens per request, by type: cache_read and cache_write are part of input, "
                        + "reasoning of output")
                .tag(Labels.PROVIDER, l.provider()).tag(Labels.MODEL, l.model()).tag("project", l.project())
                .tag("gen_ai.token.type", type)
                .register(registry);
        Counter cost = Counter.builder("caravan.cost.usd")
                .description("What requests cost at the catalog's prices, in USD")
                .tag(Labels.PROVIDER, l.provider()).tag(Labels.MODEL, l.model()).tag("project", l.project())
                .register(registry);
        return new UsageSeries(tokens.apply("input"), tokens.apply("output"), tokens.apply("cache_read"),
                tokens.apply("cache_write"), tokens.apply("reasoning"), cost);
    }

    private Timer attemptTimer(AttemptLabels l) {
        return Timer.builder("gen_ai.client.operation.duration")
                .description("Provider calls (attempts), until the provider's answer: a stream's first event")
                .tag(Labels.PROVIDER, l.provider()).tag(Labels.MODEL, l.model()).tag(Labels.ERROR, l.outcome())
                .serviceLevelObjectives(Labels.DURATION_BUCKETS)
                .register(registry);
    }

    private Counter skippedCounter(AttemptLabels l) {
        return Counter.builder("caravan.attempts.skipped")
                .description("Planned attempts left out: circuit open, cooling down after a 429, above maxCost")
                .tag(Labels.PROVIDER, l.provider()).tag(Labels.MODEL, l.model())
                .register(registry);
    }

    private Counter refusals(String project) {
        return Counter.builder("caravan.rate_limit.refusals")
                .description("Requests refused by their key's or project's rate limit")
                .tag("project", project)
                .register(registry);
    }

    private record RequestLabels(String api, String provider, String model, String statusClass, String errorType,
                                 boolean streamed) {
    }

    private record UsageLabels(String provider, String model, String project) {
    }

    private record AttemptLabels(String provider, String model, String outcome) {
    }

    /** {@code timeToFirstToken} only for answered streams, {@code fallbacks} only for answered requests, else null. */
    private record RequestSeries(Timer duration, Timer overhead, Timer timeToFirstToken, Counter fallbacks) {
    }

    private record UsageSeries(DistributionSummary input, DistributionSummary output, DistributionSummary cacheRead,
                               DistributionSummary cacheWrite, DistributionSummary reasoning, Counter cost) {

        void record(UsageRecord record) {
            add(input, record.inputTokens());
            add(output, record.outputTokens());
            add(cacheRead, record.cachedReadTokens());
            add(cacheWrite, record.cacheWriteTokens());
            add(reasoning, record.reasoningTokens());
            if (record.costUsd() != null) {
                cost.increment(record.costUsd().doubleValue());
            }
        }

        private static void add(DistributionSummary summary, Long tokens) {
            if (tokens != null) {
                summary.record(tokens);
            }
        }
    }
}
