package dev.caravan.ratelimit;

/** Rate limits in one instance's memory against the contract. */
class LocalRateLimiterTest extends RateLimiterContract {

    private final BucketStore buckets = new LocalBuckets(1000, BucketStore.timeMeter(clock));

    @Override
    protected RateLimiter limiter() {
        return new RateLimiter(buckets);
    }
}
