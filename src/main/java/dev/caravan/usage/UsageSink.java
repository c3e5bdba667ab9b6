package dev.caravan.usage;

/**
 * Takes usage records off the request path. {@link #record} must not block on storage: records are queued and
 * written in batches, and none may be lost on a graceful shutdown or while the database is briefly away.
 */
public interface UsageSink {

    void record(UsageRecord record);
}
