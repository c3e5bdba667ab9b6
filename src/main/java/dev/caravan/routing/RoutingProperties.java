package dev.caravan.routing;

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
 * @param maxFallbackModels the most fallback {@code models} a request may name, counted after duplicates (and the
 *                          requested model itself) are dropped; more is a 400 naming {@code models}
 * @param maxAttempts      the most provider attempts one request's plan holds, over all its models; the plan is
 *                         cut after that many (the explain endpoint shows the rest as not included), so one request
 *                         can never fan out into thousands of upstream calls
 */
@Validated
@ConfigurationProperties("caravan.routing")
public record RoutingProperties(
        @NotNull @DefaultValue("120s") Duration firstByteTimeout,
        @Valid @NotNull @DefaultValue CircuitBreaker circuitBreaker,
        @Min(0) @Max(1000) @DefaultValue("10") int maxFallbackModels,
        @Min(1) @Max(1000) @DefaultValue("20") int maxAttempts) {

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
