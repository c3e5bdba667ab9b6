package dev.caravan.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;

import java.time.Duration;

/**
 * Buckets in this instance's memory, in a bounded map. A bucket idle for an hour goes: by then it is full again
 * (a minute's refill) unless a huge request put it deep in debt, which is forgiven rather than held forever.
 */
public final class LocalBuckets implements BucketStore {

    private final Cache<String, Bucket> buckets;
    private final TimeMeter time;

    public LocalBuckets(long maximumSize, TimeMeter time) {
        this.buckets = Caffeine.newBuilder().maximumSize(maximumSize).expireAfterAccess(Duration.ofHours(1)).build();
        this.time = time;
    }

    @Override
    public Bucket bucket(String name, long perMinute) {
        return buckets.get(name, n -> Bucket.builder().addLimit(BucketStore.perMinute(perMinute))
                .withCustomTimePrecision(time).build());
    }
}
