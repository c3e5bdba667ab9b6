package dev.caravan.routing;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the gateway knows about each provider's health: the state of the circuit breaker its provider route wraps its
 * call in (Camel's {@code circuitBreaker} EIP, named {@code circuit-<provider>}, settings in the route file), and the
 * cool-down a provider asked for with {@code Retry-After} on a 429.
 * <p>
 * There is one breaker per provider, and it is the route's ({@link ProviderBreakers}). The route feeds it (a failure
 * only the provider could cause counts as one, a request's own error as a call that worked, see
 * {@link Failover#judge}); this class only reads its state, for the attempt planner, the status endpoint, the health
 * indicator and the gauges. A provider whose route has no breaker is never left out for its circuit.
 */
@Component
public class ProviderHealth {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderHealth.class);

    private final ProviderBreakers breakers;
    private final Map<String, Instant> coolingUntil = new ConcurrentHashMap<>();
    private final Clock clock;

    @Autowired
    public ProviderHealth(ProviderBreakers breakers) {
        this(breakers, Clock.systemUTC());
    }

    ProviderHealth(ProviderBreakers breakers, Clock clock) {
        this.breakers = breakers;
        this.clock = clock;
    }

    /** Why a call to {@code provider} would be skipped now, or null when it may be called. Changes nothing. */
    public String skipReason(String provider) {
        Instant until = coolingUntil.get(provider);
        if (until != null && clock.instant().isBefore(until)) {
            return "cooling down after a 429 until " + until;
        }
        return isOpen(circuitState(provider)) ? "circuit open" : null;
    }

    /**
     * Why a call to {@code provider} may not begin now, or null when it may; forgets a cool-down that has ended. The
     * breaker's own permit is taken by the route's circuitBreaker EIP, which refuses a call past a half-open
     * circuit's trial calls (the failover chain records that attempt as skipped).
     */
    public String mayCall(String provider) {
        Instant until = coolingUntil.get(provider);
        if (until != null) {
            if (clock.instant().isBefore(until)) {
                return "cooling down after a 429 until " + until;
            }
            coolingUntil.remove(provider, until);
        }
        return isOpen(circuitState(provider)) ? "circuit open" : null;
    }

    /** Seconds until {@code provider}'s 429 cool-down ends, or null when it is not cooling down. */
    public Long coolingSeconds(String provider) {
        Instant until = coolingUntil.get(provider);
        if (until == null || !clock.instant().isBefore(until)) {
            return null;
        }
        return Math.max(1, java.time.Duration.between(clock.instant(), until).toSeconds());
    }

    /** {@code provider} answered 429 with {@code Retry-After}: plans leave it out until then. */
    public void coolDown(String provider, long retryAfterSeconds) {
        if (retryAfterSeconds > 0) {
            coolingUntil.put(provider, clock.instant().plusSeconds(retryAfterSeconds));
            LOG.info("provider {} cools down for {} s (Retry-After)", provider, retryAfterSeconds);
        }
    }

    /**
     * {@code provider}'s circuit now: CLOSED, OPEN, HALF_OPEN (or one of Resilience4j's forced states), or null when
     * its route has no circuit breaker (or is not running). Changes nothing.
     */
    public CircuitBreaker.State circuitState(String provider) {
        CircuitBreaker breaker = breaker(provider);
        return breaker == null ? null : breaker.getState();
    }

    /** Circuit state and cool-down per provider, for the status endpoint and the health check. */
    public Map<String, Map<String, Object>> status(Iterable<String> providers) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (String provider : providers) {
            CircuitBreaker breaker = breaker(provider);
            Map<String, Object> state = new LinkedHashMap<>();
            if (breaker == null) {
                state.put("circuit", "NONE");
            } else {
                state.put("circuit", breaker.getState().name());
                state.put("failureRate", breaker.getMetrics().getFailureRate());
                state.put("bufferedCalls", breaker.getMetrics().getNumberOfBufferedCalls());
                state.put("failureRateThreshold", breaker.getCircuitBreakerConfig().getFailureRateThreshold());
            }
            Instant until = coolingUntil.get(provider);
            if (until != null && clock.instant().isBefore(until)) {
                state.put("coolingDownUntil", until.toString());
            }
            out.put(provider, state);
        }
        return out;
    }

    /** Moves every breaker to closed and forgets cool-downs; for tests and operators. */
    public void reset() {
        breakers.all().forEach(CircuitBreaker::reset);
        coolingUntil.clear();
    }

    private CircuitBreaker breaker(String provider) {
        return breakers.of(provider).orElse(null);
    }

    private static boolean isOpen(CircuitBreaker.State state) {
        return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
    }
}
