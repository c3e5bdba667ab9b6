package dev.caravan.controlplane;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Where state shared by replicas lives ({@code caravan.redis.*}): budgets, reservations, rate limits and the
 * control-plane change feed. Without a URL, all of it stays in this instance's memory.
 *
 * @param url               {@code redis://host:6379}; empty keeps budgets, reservations, rate limits and revocations
 *                          in this instance's memory
 * @param keyPrefix         put before every Redis key, so several gateways (or test runs) can share one Redis
 * @param commandTimeout    the longest a request waits for one Redis command (budgets, rate limits); Lettuce's own
 *                          default is 60 s, which held every budgeted request for a minute while Redis was down
 * @param connectTimeout    the longest a (re)connection attempt may take
 * @param maxReconnectDelay the longest pause between reconnection attempts while Redis is down, so enforcement
 *                          through Redis resumes within about this long after it is back (Lettuce's default backs
 *                          off to 30 s)
 */
@Validated
@ConfigurationProperties("caravan.redis")
public record RedisProperties(@DefaultValue("") String url, @DefaultValue("caravan:") String keyPrefix,
                              @DefaultValue("500ms") Duration commandTimeout,
                              @DefaultValue("250ms") Duration connectTimeout,
                              @DefaultValue("1s") Duration maxReconnectDelay) {

    public boolean configured() {
        return url != null && !url.isBlank();
    }
}
