package dev.caravan.budget;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * How budgets and rate limits are enforced ({@code caravan.budgets.*}); the budgets themselves are data, set per
 * key, project or user through the admin API.
 *
 * @param reservationLease with Redis, how long a hard budget's reservation holds when its request never settles
 *                         (the instance serving it died): then the amount is given back. Keep it above the longest
 *                         request a client may run, or a long stream's reservation lapses while it still spends
 * @param alerts           the threshold webhooks
 * @param localBuckets     without Redis, how many rate-limit buckets (a key's or project's requests or tokens) are
 *                         kept in memory at most; the least recently used go first, and come back full
 */
@Validated
@ConfigurationProperties("caravan.budgets")
public record BudgetProperties(
        @NotNull @DefaultValue("1h") Duration reservationLease,
        @Valid @NotNull @DefaultValue Alerts alerts,
        @Min(100) @DefaultValue("100000") long localBuckets) {

    /**
     * @param attempts how often a webhook is tried before the alert is given up (and logged)
     * @param timeout  how long one attempt may take
     * @param backoff  the wait before the second attempt; each further one waits that much longer
     * @param allowPrivateWebhooks let webhook URLs point at loopback, private, link-local and multicast addresses
     *                 (refused by default: an admin key must not reach the gateway's own network through them)
     */
    public record Alerts(
            @Min(1) @DefaultValue("3") int attempts,
            @NotNull @DefaultValue("10s") Duration timeout,
            @NotNull @DefaultValue("2s") Duration backoff,
            @DefaultValue("false") boolean allowPrivateWebhooks) {
    }
}
