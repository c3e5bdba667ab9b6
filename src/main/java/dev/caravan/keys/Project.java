package dev.caravan.keys;

import dev.caravan.identity.RateLimit;

import java.time.Instant;

/**
 * A group of keys that share a rate limit and can share a budget.
 *
 * @param rateLimit shared by all of the project's keys, on top of each key's own ({@link RateLimit#NONE}: none)
 * @param logBodies its requests' bodies are kept beside their usage records (capped, keys redacted); off by default
 * @param cacheAnswers its chat requests use the gateway's response cache unless one says {@code cache: false}; off by
 *                     default
 */
public record Project(String id, String name, RateLimit rateLimit, Instant createdAt, boolean logBodies,
                      boolean cacheAnswers) {

    public Project(String id, String name, RateLimit rateLimit, Instant createdAt) {
        this(id, name, rateLimit, createdAt, false, false);
    }
}
