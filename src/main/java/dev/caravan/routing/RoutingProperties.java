package dev.caravan.routing;

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
 * @param maxFallbackModels the most fallback {@code models} a request may name, counted after duplicates (and the
 *                          requested model itself) are dropped; more is a 400 naming {@code models}
 * @param maxAttempts      the most provider attempts one request's plan holds, over all its models; the plan is
 *                         cut after that many (the explain endpoint shows the rest as not included), so one request
 *                         can never fan out into thousands of upstream calls
 */
@Validated
@ConfigurationProperties("caravan.routing")
// the circuit breaker's settings are in each provider route's circuitBreaker EIP (caravan.routing.circuit-breaker.*
// placeholders, defaults in application.yaml), not here: the route file is where an integration team tunes them
public record RoutingProperties(
        @NotNull @DefaultValue("120s") Duration firstByteTimeout,
        @Min(0) @Max(1000) @DefaultValue("10") int maxFallbackModels,
        @Min(1) @Max(1000) @DefaultValue("20") int maxAttempts) {
}
