package dev.caravan.routing;

/**
 * What one attempt did, under the field names Vercel's gateway uses in {@code provider_metadata.gateway.routing},
 * so tooling written for it can read ours. Times are epoch milliseconds; {@code error} is the error code, null on
 * success; {@code statusCode} is the provider's HTTP status, null when no answer came (or the call was skipped).
 */
public record AttemptRecord(String provider, String model, boolean success, Long startTime, Long endTime,
                            Integer statusCode, String error) {
}
