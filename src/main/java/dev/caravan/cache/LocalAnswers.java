package dev.caravan.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/** Answers in this instance's memory: bounded in entries (least used go first) and in time. */
final class LocalAnswers implements AnswerStore {

    private final Cache<String, CachedAnswer> answers;

    LocalAnswers(ResponseCacheProperties properties) {
        this.answers = Caffeine.newBuilder().maximumSize(properties.maxEntries())
                .expireAfterWrite(properties.ttl()).build();
    }

    @Override
    public CachedAnswer get(String key) {
        return answers.getIfPresent(key);
    }

    @Override
    public void put(String key, CachedAnswer answer) {
        answers.put(key, answer);
    }
}
