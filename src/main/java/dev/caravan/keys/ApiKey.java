package dev.caravan.keys;

import dev.caravan.identity.RateLimit;
import dev.caravan.identity.Scope;

import java.time.Instant;

/**
 * A gateway key issued through the admin API, as stored: everything but the secret, which is kept only as a hash.
 *
 * @param prefix    the secret's first characters, enough to tell keys apart in a listing
 * @param projectId the project the key belongs to, or null
 * @param rateLimit the key's own limit ({@link RateLimit#NONE}: none)
 * @param revokedAt when it was revoked, or null while it is active
 * @param scope     the models, APIs and expiry it is limited to ({@link Scope#NONE}: none)
 */
public record ApiKey(String id, String name, String prefix, String projectId, RateLimit rateLimit, Instant createdAt,
                     Instant revokedAt, Scope scope) {
}
