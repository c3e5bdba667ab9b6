package dev.caravan.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;

import java.time.Duration;

/**
 * Buckets in Redis through Bucket4j's Lettuce proxy manager, shared by every replica. Bucket4j stores its state as
 * bytes, hence a connection of its own with a byte-array codec. A bucket's key expires ten seconds after it would
 * be full again, so idle keys and projects leave nothing behind.
 */
public final class RedisBuckets implements BucketStore, AutoCloseable {

    private final StatefulRedisConnection<String, byte[]> connection;
    private final ProxyManager<String> proxies;
    private final String prefix;

    public RedisBuckets(RedisClient client, String prefix, TimeMeter time) {
        this.connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        this.proxies = Bucket4jLettuce.casBasedBuilder(connection)
                .clientClock(time)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        Duration.ofSeconds(10)))
                .build();
        this.prefix = prefix;
    }

    @Override
    public Bucket bucket(String name, long perMinute) {
        return proxies.builder().build(prefix + "ratelimit:" + name,
                () -> BucketConfiguration.builder().addLimit(BucketStore.perMinute(perMinute)).build());
    }

    @Override
    public void close() {
        connection.close();
    }
}
