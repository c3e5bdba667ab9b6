package dev.caravan.ratelimit;

import dev.caravan.identity.Caller;
import dev.caravan.identity.RateLimit;
import dev.caravan.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rate limits in the Redis of this machine against the contract, each limiter with a connection of its own. */
class RedisRateLimiterTest extends RateLimiterContract {

    private final TestRedis redis = new TestRedis();
    private final List<RedisBuckets> stores = new ArrayList<>();

    @Override
    protected RateLimiter limiter() {
        RedisBuckets buckets = new RedisBuckets(redis.client(), redis.prefix(), BucketStore.timeMeter(clock));
        stores.add(buckets);
        return new RateLimiter(buckets);
    }

    @AfterEach
    void closeRedis() {
        stores.forEach(RedisBuckets::close);
        redis.close();
    }

    @Test
    void two_instances_draw_from_the_same_buckets() {
        RateLimiter one = limiter();
        RateLimiter two = limiter();
        Caller caller = key("key_1", "proj_1", new RateLimit(2L, 1000L), RateLimit.NONE);
        one.admit(caller).settle(800);
        assertThat(two.admit(caller).headers()).containsEntry("x-ratelimit-remaining-requests", "0")
                .containsEntry("x-ratelimit-remaining-tokens", "200");
        assertThatThrownBy(() -> one.admit(caller)).isInstanceOf(RateLimitExceeded.class);
    }
}
