package dev.caravan.cache;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.canonical.Json;
import dev.caravan.catalog.ModelCatalog;
import dev.caravan.catalog.ModelEntry;
import dev.caravan.routing.Attempt;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * Answers in Redis ({@code caravan.redis.url}), shared by every replica: one string per answer, its JSON, expiring
 * after the configured time (how many fit is Redis's {@code maxmemory} policy's business). Redis away or slow
 * (beyond {@code caravan.redis.command-timeout}) is a miss, and an answer that cannot be written is not kept: the
 * cache never fails a request. Its model is kept by id and looked up again, so a catalog edit that removed it
 * turns the entry into a miss.
 */
final class RedisAnswers implements AnswerStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisAnswers.class);
    private static final long WARN_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

    private final StatefulRedisConnection<String, String> redis;
    private final String prefix;
    private final long ttlMillis;
    private final ModelCatalog catalog;
    private volatile long lastWarning = System.nanoTime() - WARN_EVERY_NANOS;

    RedisAnswers(StatefulRedisConnection<String, String> redis, String keyPrefix, Duration ttl, ModelCatalog catalog) {
        this.redis = redis;
        this.prefix = keyPrefix + "answer:";
        this.ttlMillis = ttl.toMillis();
        this.catalog = catalog;
    }

    /** What is kept: the serving attempt by name, and the answer or the stream's chunks. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Stored(String model, String providerModel, String format, ChatCompletion completion,
                  List<ChatCompletionChunk> chunks) {
    }

    @Override
    public CachedAnswer get(String key) {
        String json;
        try {
            json = redis.sync().get(prefix + key);
        } catch (RuntimeException unavailable) {
            warn("read", unavailable);
            return null;
        }
        if (json == null) {
            return null;
        }
        Stored stored = Json.read(json, Stored.class);
        ModelEntry model = catalog.model(stored.model()).orElse(null);
        if (model == null) {
            return null;
        }
        Attempt servedBy = new Attempt(model, null, stored.providerModel(), stored.format());
        return stored.completion() != null ? new CachedAnswer.Whole(servedBy, stored.completion())
                : new CachedAnswer.Streamed(servedBy, stored.chunks());
    }

    @Override
    public void put(String key, CachedAnswer answer) {
        Attempt by = answer.servedBy();
        Stored stored = switch (answer) {
            case CachedAnswer.Whole whole -> new Stored(by.model().id(), by.providerModel(), by.format(),
                    whole.completion(), null);
            case CachedAnswer.Streamed streamed -> new Stored(by.model().id(), by.providerModel(), by.format(), null,
                    streamed.chunks());
        };
        // not waited for: the answer has gone (or is going) to its client already
        redis.async().set(prefix + key, Json.writeString(stored), SetArgs.Builder.px(ttlMillis))
                .exceptionally(failure -> {
                    warn("write", failure);
                    return null;
                });
    }

    /** At most once a minute: while Redis is away every cached request would say so. */
    private void warn(String what, Throwable failure) {
        long now = System.nanoTime();
        if (now - lastWarning >= WARN_EVERY_NANOS) {
            lastWarning = now;
            LOG.warn("response cache: could not {} Redis ({}); answering without the cache meanwhile", what,
                    failure.getClass().getSimpleName());
        }
    }
}
