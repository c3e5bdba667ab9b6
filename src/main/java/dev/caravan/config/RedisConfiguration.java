package dev.caravan.config;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Redis connection shared by everything replicas must agree on (budgets, reservations, rate limits,
 * revocations), created only when {@code caravan.redis.url} is set. One Lettuce connection is thread-safe and
 * pipelines commands from every request thread, so one is all the gateway needs.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!'${caravan.redis.url:}'.isBlank()")
public class RedisConfiguration {

    @Bean(destroyMethod = "shutdown")
    public RedisClient redisClient(CaravanProperties properties) {
        return RedisClient.create(properties.redis().url());
    }

    @Bean(destroyMethod = "close")
    public StatefulRedisConnection<String, String> redisConnection(RedisClient client) {
        return client.connect();
    }
}
