package dev.caravan.controlplane;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;

import java.time.Duration;
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

    private final LoadingCache<K, V> cache;

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

    public V get(K key) {
        return cache.get(key);
    }

    /** Forgets the entries whose value matches; an in-flight refresh of one of them is discarded by Caffeine. */
    public void invalidateIf(Predicate<V> stale) {
        cache.asMap().values().removeIf(stale);
    }

    public void invalidateAll() {
        cache.invalidateAll();
    }
}
