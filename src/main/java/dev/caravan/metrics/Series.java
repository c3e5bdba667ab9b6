package dev.caravan.metrics;

import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/** The meters of one label set, registered the first time it is seen and looked up every time after. */
final class Series {

    private Series() {
    }

    static <K, V> V of(ConcurrentMap<K, V> cache, K labels, Function<K, V> register) {
        V known = cache.get(labels);
        // a plain get first: computeIfAbsent may lock its bin even when the key is there
        return known != null ? known : cache.computeIfAbsent(labels, register);
    }
}
