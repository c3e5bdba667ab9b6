package dev.caravan.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * How the gateway routes around failing providers ({@code caravan.routing.*}).
 *
 * @param firstByteTimeout the longest wait for a provider's first byte (a stream's first event, a non-streamed
 *                         answer's headers) before the next provider is tried; a request's
 *                         {@code providerTimeouts} overrides it per provider
 * @param circuitBreaker   the per-provider circuit breaker
 */
@Validated
@ConfigurationProperties("caravan.routing")
public record RoutingProperties(
        @NotNull @DefaultValue("120s") Duration firstByteTimeout,
        @Valid @NotNull @DefaultValue CircuitBreaker circuitBreaker) {

    /**
     * @param failureRateThreshold percentage of failed calls, in the sliding window, that opens the circuit
     * @param slidingWindowSize    how many recent calls the failure rate is computed over
     * @param minimumCalls         calls needed in the window before the rate counts
     * @param waitInOpen           how long an open circuit skips the provider before letting trial calls through
     * @param halfOpenCalls        trial calls let through when half-open; all succeeding closes the circuit
     */
    public record CircuitBreaker(
            @Min(1) @Max(100) @DefaultValue("50") float failureRateThreshold,
            @Min(1) @DefaultValue("20") int slidingWindowSize,
            @Min(1) @DefaultValue("5") int minimumCalls,
            @NotNull @DefaultValue("30s") Duration waitInOpen,
            @Min(1) @DefaultValue("2") int halfOpenCalls) {
    }
}
