package dev.caravan.config;

import dev.caravan.controlplane.RedisProperties;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The Redis connection shared by everything replicas must agree on (budgets, reservations, rate limits,
 * revocations), created only when {@code caravan.redis.url} is set. One Lettuce connection is thread-safe and
 * pipelines commands from every request thread, so one is all the gateway needs.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!'${caravan.redis.url:}'.isBlank()")
public class RedisConfiguration {

    /** Reconnects back off from 100 ms to {@code max-reconnect-delay}, not to Lettuce's 30 s. */
    @Bean(destroyMethod = "shutdown")
    public ClientResources redisResources(RedisProperties redis) {
        return DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), redis.maxReconnectDelay(), 2,
                        TimeUnit.MILLISECONDS))
                .build();
    }

    /**
     * Fails fast while Redis is away: every command times out after {@code command-timeout}, and commands issued
     * while disconnected are refused at once instead of queued until a reconnect, so a budgeted request gets its 503
     * (and a rate-limited one its verdict) in milliseconds rather than after Lettuce's 60 s default.
     */
    @Bean(destroyMethod = "shutdown")
    public RedisClient redisClient(RedisProperties redis, ClientResources resources) {
        RedisClient client = RedisClient.create(resources, redis.url());
        client.setDefaultTimeout(redis.commandTimeout());
        client.setOptions(ClientOptions.builder()
                .timeoutOptions(TimeoutOptions.enabled(redis.commandTimeout()))
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(redis.connectTimeout()).build())
                .build());
        return client;
    }

    @Bean(destroyMethod = "close")
    public StatefulRedisConnection<String, String> redisConnection(RedisClient client) {
        return client.connect();
    }
}
