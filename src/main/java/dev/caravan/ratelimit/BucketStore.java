package dev.caravan.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Where rate-limit buckets live: {@link LocalBuckets} in this instance's memory, {@link RedisBuckets} in Redis so
 * replicas share them. A bucket is named by its subject, its kind and its size ({@code key:key_1:requests:60}), so
 * a changed limit starts a fresh bucket instead of needing the old one's configuration replaced.
 */
public interface BucketStore {

    /** The bucket of {@code perMinute} tokens that refills continuously, the whole amount over a minute. */
    Bucket bucket(String name, long perMinute);

    static Bandwidth perMinute(long perMinute) {
        return Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build();
    }

    /** Bucket4j's clock from a {@link Clock}, so tests move time instead of waiting; wall-clock based, as replicas share buckets. */
    static TimeMeter timeMeter(Clock clock) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                Instant now = clock.instant();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }
}
