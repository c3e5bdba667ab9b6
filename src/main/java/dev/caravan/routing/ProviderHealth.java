package dev.caravan.routing;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What the gateway knows about each provider's health: a Resilience4j circuit breaker per provider, fed by the
 * outcome of every attempt (decided on the first byte, so streams count too), and the cool-down a provider asked for
 * with {@code Retry-After} on a 429. Failures only a provider could cause count; a client's bad request does not.
 */
@Component
public class ProviderHealth {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderHealth.class);

    private final CircuitBreakerRegistry breakers;
    private final Map<String, Instant> coolingUntil = new ConcurrentHashMap<>();
    private final Clock clock;

    @Autowired
    public ProviderHealth(RoutingProperties properties) {
        this(properties, Clock.systemUTC());
    }

    ProviderHealth(RoutingProperties properties, Clock clock) {
        RoutingProperties.CircuitBreaker cb = properties.circuitBreaker();
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .failureRateThreshold(cb.failureRateThreshold())
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(cb.slidingWindowSize())
                .minimumNumberOfCalls(cb.minimumCalls())
                .waitDurationInOpenState(cb.waitInOpen())
                .permittedNumberOfCallsInHalfOpenState(cb.halfOpenCalls())
                // half-open on time, not on the next call: the planner leaves open circuits out of its plans, so
                // no call would ever come to move it
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build());
        this.clock = clock;
    }

    /** Why a call to {@code provider} would be skipped now, or null when it may be called. Changes nothing. */
    public String skipReason(String provider) {
        Instant until = coolingUntil.get(provider);
        if (until != null && clock.instant().isBefore(until)) {
            return "cooling down after a 429 until " + until;
        }
        return breaker(provider).getState() == CircuitBreaker.State.OPEN ? "circuit open" : null;
    }

    /** Seconds until {@code provider}'s 429 cool-down ends, or null when it is not cooling down. */
    public Long coolingSeconds(String provider) {
        Instant until = coolingUntil.get(provider);
        if (until == null || !clock.instant().isBefore(until)) {
            return null;
        }
        return Math.max(1, java.time.Duration.between(clock.instant(), until).toSeconds());
    }

    /** Takes a permit to call {@code provider}; null when granted, else why not. */
    public String acquire(String provider) {
        Instant until = coolingUntil.get(provider);
        if (until != null) {
            if (clock.instant().isBefore(until)) {
                return "cooling down after a 429 until " + until;
            }
            coolingUntil.remove(provider, until);
        }
        return breaker(provider).tryAcquirePermission() ? null : "circuit open";
    }

    public void succeeded(String provider, long nanos) {
        breaker(provider).onSuccess(nanos, TimeUnit.NANOSECONDS);
    }

    /** Records a failure; {@code providerFault} is false for errors the request caused, which prove the provider up. */
    public void failed(String provider, long nanos, boolean providerFault, Long retryAfterSeconds) {
        CircuitBreaker breaker = breaker(provider);
        if (!providerFault) {
            breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
            return;
        }
        breaker.onError(nanos, TimeUnit.NANOSECONDS, new ProviderFailure());
        if (retryAfterSeconds != null && retryAfterSeconds > 0) {
            coolingUntil.put(provider, clock.instant().plusSeconds(retryAfterSeconds));
            LOG.info("provider {} cools down for {} s (Retry-After)", provider, retryAfterSeconds);
        }
    }

    /** {@code provider}'s circuit now: CLOSED, OPEN, HALF_OPEN (or one of Resilience4j's forced states). Changes nothing. */
    public CircuitBreaker.State circuitState(String provider) {
        return breaker(provider).getState();
    }

    /** Circuit state and cool-down per provider, for the status endpoint and the health check. */
    public Map<String, Map<String, Object>> status(Iterable<String> providers) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (String provider : providers) {
            CircuitBreaker breaker = breaker(provider);
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("circuit", breaker.getState().name());
            state.put("failureRate", breaker.getMetrics().getFailureRate());
            state.put("bufferedCalls", breaker.getMetrics().getNumberOfBufferedCalls());
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
        breakers.getAllCircuitBreakers().forEach(CircuitBreaker::reset);
        coolingUntil.clear();
    }

    private CircuitBreaker breaker(String provider) {
        return breakers.circuitBreaker(provider);
    }

    /** The breaker needs a throwable; the real error is classified and answered elsewhere. */
    private static final class ProviderFailure extends RuntimeException {
        ProviderFailure() {
            super("provider failure", null, false, false);
        }
    }
}
