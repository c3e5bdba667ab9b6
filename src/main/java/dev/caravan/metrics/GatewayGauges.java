package dev.caravan.metrics;

import dev.caravan.catalog.ModelCatalog;
import dev.caravan.routing.ProviderHealth;
import dev.caravan.usage.QueuedUsage;
import dev.caravan.usage.UsageSpool;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.TreeSet;

/**
 * What the gateway's state says at scrape time, read from where it is kept (nothing is counted on the request path):
 * each catalog provider's circuit, the usage records waiting in memory, the spool's size and its drops.
 */
@Component
@ConditionalOnProperty(name = "caravan.metrics.enabled", havingValue = "true", matchIfMissing = true)
public class GatewayGauges implements MeterBinder {

    private static final List<String> STATES = List.of("closed", "open", "half_open");

    private final ModelCatalog catalog;
    private final ProviderHealth health;
    private final QueuedUsage queue;
    private final UsageSpool spool;

    public GatewayGauges(ModelCatalog catalog, ProviderHealth health, QueuedUsage queue, UsageSpool spool) {
        this.catalog = catalog;
        this.health = health;
        this.queue = queue;
        this.spool = spool;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String provider : new TreeSet<>(catalog.providers().keySet())) {
            for (String state : STATES) {
                Gauge.builder("caravan.circuit.state", health, h -> state.equals(state(h.circuitState(provider))) ? 1 : 0)
                        .description("1 for the state each provider's circuit breaker is in, 0 for the others")
                        .tag(Labels.PROVIDER, provider).tag("state", state)
                        .register(registry);
            }
        }
        Gauge.builder("caravan.usage.queue.depth", queue, QueuedUsage::depth)
                .description("Usage records waiting in memory for the database writer")
                .register(registry);
        Gauge.builder("caravan.usage.spool.size", spool, UsageSpool::size).baseUnit("bytes")
                .description("Usage records kept on disk while the database would not take them")
                .register(registry);
        FunctionCounter.builder("caravan.usage.spool.dropped", spool, UsageSpool::dropped)
                .description("Usage records lost since start: the spool was full or could not be written")
                .register(registry);
    }

    /**
     * Resilience4j's forced and disabled states read as the state they act as; a provider whose route has no breaker
     * (null) is in none of them.
     */
    static String state(CircuitBreaker.State state) {
        if (state == null) {
            return "none";
        }
        return switch (state) {
            case CLOSED, DISABLED, METRICS_ONLY -> "closed";
            case OPEN, FORCED_OPEN -> "open";
            case HALF_OPEN -> "half_open";
        };
    }
}
