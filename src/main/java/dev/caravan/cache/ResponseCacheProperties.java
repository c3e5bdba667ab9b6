package dev.caravan.cache;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * The response cache ({@code caravan.response-cache.*}).
 *
 * @param enabled    off: {@code cache: true} in a request is accepted and does nothing (every answer says
 *                   {@code x-caravan-cache: off})
 * @param maxEntries the most answers kept in this instance's memory, the least used going first (in Redis, its own
 *                   {@code maxmemory} policy decides)
 * @param ttl        how long an answer is served from the cache after it was stored
 */
@Validated
@ConfigurationProperties("caravan.response-cache")
public record ResponseCacheProperties(
        @DefaultValue("true") boolean enabled,
        @Min(1) @Max(10_000_000) @DefaultValue("10000") long maxEntries,
        @NotNull @DefaultValue("10m") Duration ttl) {
}
