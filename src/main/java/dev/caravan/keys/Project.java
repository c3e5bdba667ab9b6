package dev.caravan.keys;

import dev.caravan.identity.RateLimit;

import java.time.Instant;

/**
 * A group of keys that share a rate limit and can share a budget.
 *
 * @param rateLimit shared by all of the project's keys, on top of each key's own ({@link RateLimit#NONE}: none)
 */
public record Project(String id, String name, RateLimit rateLimit, Instant createdAt) {
}
