package dev.caravan.testing;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.util.UUID;

/**
 * The Redis on this machine (127.0.0.1:6379, started by .ci/run when down; {@code -Dcaravan.test.redis-url}
 * overrides), shared with other test runs: each user takes a prefix of its own and deletes its keys afterwards.
 */
public final class TestRedis implements AutoCloseable {

    public static final String URL = System.getProperty("caravan.test.redis-url", "redis://127.0.0.1:6379");

    private final RedisClient client = RedisClient.create(URL);
    private final String prefix = "test-" + UUID.randomUUID() + ":";

    public RedisClient client() {
        return client;
    }

    public String prefix() {
        return prefix;
    }

    /** A connection of its own, as a separate gateway instance would have. */
    public StatefulRedisConnection<String, String> connect() {
        return client.connect();
    }

    @Override
    public void close() {
        try {
            deleteKeys();
        } finally {
            client.shutdown();
        }
    }

    /** Deletes every key under this prefix: what a Redis that restarted empty looks like to its user. */
    public void deleteKeys() {
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(500));
                if (!page.getKeys().isEmpty()) {
                    redis.del(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        }
    }
}
