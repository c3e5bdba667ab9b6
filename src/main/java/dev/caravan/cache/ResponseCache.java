package dev.caravan.cache;

import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.catalog.ModelCatalog;
import dev.caravan.controlplane.RedisProperties;
import dev.caravan.format.VerbatimAnswer;
import dev.caravan.identity.Caller;
import dev.caravan.keys.Project;
import dev.caravan.keys.ProjectLookup;
import dev.caravan.routing.Attempt;
import dev.caravan.routing.GatewayCall;
import dev.caravan.stream.ChunkStream;
import io.lettuce.core.api.StatefulRedisConnection;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * Exact-match response cache for chat requests that ask for it ({@code providerOptions.gateway.cache: true}, or the
 * {@code x-caravan-options} header) or whose project turned it on ({@code cacheAnswers}, admin API), as two steps of
 * the failover chain (routes/chains/failover.yaml): {@link #lookup} after admission (so budgets and rate limits
 * still apply to a hit) and {@link #store} after the attempts. A hit is answered as the provider's answer would be:
 * through the API's own encoder, a stream replayed as a stream, its usage recorded with provider {@code cache} and no
 * cost. Only finished answers are kept: a stream that failed, was cut or was left by its client is not. Kept in this
 * instance's memory (Caffeine), bounded in entries and time, or in Redis when {@code caravan.redis.url} is set,
 * shared by every replica.
 */
@Component("responseCache")
public class ResponseCache {

    /** The cache key of a request that asked for the cache; absent when it did not. */
    public static final String KEY_PROPERTY = "caravanCacheKey";
    /** Set when the request was answered from the cache. */
    public static final String HIT_PROPERTY = "caravanCacheHit";
    public static final String HEADER = "x-caravan-cache";

    /** Set when the request wanted the cache but it is turned off here. */
    private static final String OFF_PROPERTY = "caravanCacheOff";

    private final boolean enabled;
    private final AnswerStore answers;
    private final ProjectLookup projects;

    public ResponseCache(ResponseCacheProperties properties, RedisProperties redis,
                         ObjectProvider<StatefulRedisConnection<String, String>> connection, ModelCatalog catalog,
                         ProjectLookup projects) {
        this.enabled = properties.enabled();
        this.projects = projects;
        StatefulRedisConnection<String, String> shared = redis.configured() ? connection.getIfAvailable() : null;
        this.answers = shared == null ? new LocalAnswers(properties)
                : new RedisAnswers(shared, redis.keyPrefix(), properties.ttl(), catalog);
    }

    /** What {@code x-caravan-cache} says of this exchange's answer: hit, miss, off, or null when it was not asked. */
    public static String status(Exchange exchange, GatewayCall call) {
        if (exchange.getProperty(HIT_PROPERTY) != null) {
            return "hit";
        }
        if (exchange.getProperty(KEY_PROPERTY) != null) {
            return "miss";
        }
        return exchange.getProperty(OFF_PROPERTY) != null
                || call != null && Boolean.TRUE.equals(call.options().cache()) ? "off" : null;
    }

    /**
     * Answers the request from the cache when it wants it and an answer is kept; else notes its key. A request wants
     * it when it says {@code cache: true}, or says nothing and its caller's project turned {@code cacheAnswers} on.
     */
    public void lookup(Exchange exchange) {
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        Caller caller = exchange.getProperty(Caller.PROPERTY, Caller.class);
        if (!call.chat() || !wanted(call, caller)) {
            return;
        }
        if (!enabled) {
            exchange.setProperty(OFF_PROPERTY, Boolean.TRUE);
            return;
        }
        String key = CacheKey.of(caller, call.request());
        exchange.setProperty(KEY_PROPERTY, key);
        CachedAnswer found = answers.get(key);
        if (found == null) {
            return;
        }
        Attempt served = found.servedBy();
        call.start(new Attempt(served.model(), GatewayCall.CACHE_PROVIDER, served.providerModel(), served.format()));
        exchange.setProperty(HIT_PROPERTY, Boolean.TRUE);
        exchange.getMessage().setBody(switch (found) {
            case CachedAnswer.Whole whole -> whole.completion();
            case CachedAnswer.Streamed streamed -> ChunkStream.replay(streamed.chunks());
        });
    }

    /** True unless the request was answered from the cache: the failover chain then tries its providers. */
    public boolean missed(Exchange exchange) {
        return exchange.getProperty(HIT_PROPERTY) == null;
    }

    /** Keeps the provider's answer when the request asked for the cache: a whole one now, a stream once it ends. */
    public void store(Exchange exchange) {
        String key = exchange.getProperty(KEY_PROPERTY, String.class);
        if (key == null || exchange.getProperty(HIT_PROPERTY) != null) {
            return;
        }
        Attempt served = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class).current();
        Object body = exchange.getMessage().getBody();
        ChatCompletion completion = body instanceof VerbatimAnswer verbatim ? verbatim.completion()
                : body instanceof ChatCompletion whole ? whole : null;
        if (completion != null && finished(completion)) {
            answers.put(key, new CachedAnswer.Whole(served, completion));
        } else if (body instanceof ChunkStream stream) {
            stream.record(chunks -> {
                if (finished(chunks)) {
                    answers.put(key, new CachedAnswer.Streamed(served, chunks));
                }
            });
        }
    }

    private boolean wanted(GatewayCall call, Caller caller) {
        Boolean asked = call.options().cache();
        if (asked != null) {
            return asked;
        }
        // the project is read from ProjectLookup's cache: at most one database read per project and cache period
        return caller != null && caller.projectId() != null
                && projects.project(caller.projectId()).map(Project::cacheAnswers).orElse(false);
    }

    private static boolean finished(ChatCompletion completion) {
        return completion.choices() != null && !completion.choices().isEmpty()
                && completion.choices().stream().allMatch(choice -> choice.finishReason() != null);
    }

    private static boolean finished(List<ChatCompletionChunk> chunks) {
        return chunks.stream().anyMatch(chunk -> chunk.choices() != null
                && chunk.choices().stream().anyMatch(choice -> choice.finishReason() != null));
    }
}
