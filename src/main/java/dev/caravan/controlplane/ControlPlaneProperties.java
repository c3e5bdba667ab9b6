package dev.caravan.controlplane;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * How gateway keys, projects and budgets are cached on the request path ({@code caravan.control-plane.*}).
 *
 * @param maxStaleness the oldest a cached key, project or budget may be. A change made through the admin API reaches
 *                     every replica at once over Redis; this bounds how long a lost message (or a replica without
 *                     Redis sharing the database) can keep serving an old answer, such as a revoked key. Each cached
 *                     entry in use is re-read from the database in the background at most 4/3 times per period
 *                     (one indexed query each): raise it to cut that load when Redis carries the changes
 * @param cacheSize    how many keys (presented ones, known or not) and budget subjects each cache holds; a flood of
 *                     unknown keys cannot grow it past this
 * @param queryTimeout the longest a database read on the request path may run: a key or budget lookup the cache
 *                     has to make, a budget's recorded spend (seeding its ledger account, {@code /v1/credits}). Past
 *                     it the request gets its 503 instead of holding its thread and a pooled connection. These reads
 *                     are indexed and take milliseconds; JDBC counts this in whole seconds (rounded up). Waiting for
 *                     a pooled connection is bounded apart, by {@code spring.datasource.hikari.connection-timeout}
 */
@Validated
@ConfigurationProperties("caravan.control-plane")
public record ControlPlaneProperties(
        @NotNull @DefaultValue("1s") Duration maxStaleness,
        @Min(16) @DefaultValue("100000") long cacheSize,
        @NotNull @DefaultValue("2s") Duration queryTimeout) {
}
