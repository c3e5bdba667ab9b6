package dev.caravan.controlplane;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A bounded read-through cache of database rows on the request path whose entries are never older than
 * {@code maxStaleness}, whatever happens to the change feed. An entry in use is re-read in the background once it is
 * three quarters of that age, so requests do not wait on the database (unless it takes longer than the last quarter
 * to answer), at most 4/3 queries per entry in use per period; one not used for a whole period has expired and is
 * read again, synchronously, by the next request. Loads of one key are coalesced: a burst of requests makes one
 * query. Caffeine's admission policy (TinyLFU) keeps a flood of one-off keys from evicting the ones in steady use.
 */
public final class FreshCache<K, V> {

    // refreshes are blocking JDBC calls; the common pool has one thread per core and must not wait on a database
    private static final Executor LOADERS = Executors.newVirtualThreadPerTaskExecutor();
    private static final Logger LOG = LoggerFactory.getLogger(FreshCache.class);

    private final LoadingCache<K, V> cache;
    private final AtomicBoolean failing = new AtomicBoolean();

    public FreshCache(ControlPlaneProperties properties, Function<K, V> loader) {
        this(properties, loader, Ticker.systemTicker(), LOADERS);
    }

    /** With the clock and the background executor under a test's control. */
    public FreshCache(ControlPlaneProperties properties, Function<K, V> loader, Ticker ticker, Executor background) {
        Duration staleness = properties.maxStaleness();
        this.cache = Caffeine.newBuilder()
                .maximumSize(properties.cacheSize())
                .expireAfterWrite(staleness)
                .refreshAfterWrite(staleness.multipliedBy(3).dividedBy(4))
                .executor(background)
                .ticker(ticker)
                .build(loader::apply);
    }

    /**
     * The value, loaded when absent or stale. A store that cannot be read is a 503 for this request, not a 500 with
     * a stack trace per request: the first failure is logged, then nothing until a load succeeds again.
     */
    public V get(K key) {
        try {
            V value = cache.get(key);
            if (failing.get()) {
                failing.set(false);
            }
            return value;
        } catch (RuntimeException storeDown) {
            if (failing.compareAndSet(false, true)) {
                LOG.warn("the control-plane store cannot be read; requests needing it get 503 until it can: {}",
                        storeDown.toString());
            }
            throw new GatewayException(ErrorKind.STORE_UNAVAILABLE,
                    "The gateway cannot read its key and budget store right now; retry shortly.");
        }
    }

    /** Forgets the entries whose value matches; an in-flight refresh of one of them is discarded by Caffeine. */
    public void invalidateIf(Predicate<V> stale) {
        cache.asMap().values().removeIf(stale);
    }

    public void invalidateAll() {
        cache.invalidateAll();
    }
}
