package dev.caravan.cache;

/** Where cached answers live: this instance's memory, or Redis, shared by every replica. */
interface AnswerStore {

    /** The answer kept under {@code key}; null when there is none (or it cannot be read just now). */
    CachedAnswer get(String key);

    /** Keeps {@code answer} under {@code key} for the configured time; a store that fails just does not keep it. */
    void put(String key, CachedAnswer answer);
}
