package dev.caravan.controlplane;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Tells the caches of every replica what an admin changed. A change is applied to this instance's caches before the
 * admin call returns; with Redis configured it is also published on the channel {@code <key-prefix>control-plane},
 * which every instance subscribes to, so the others forget it within milliseconds. Pub/sub delivers at most once:
 * a message lost while a replica reconnects is covered by {@link FreshCache}'s bounded staleness, not retried here.
 */
@Component
public class ChangeFeed {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);

    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
    private final String channel;
    private final StatefulRedisConnection<String, String> publisher;
    private final StatefulRedisPubSubConnection<String, String> subscriber;

    public ChangeFeed(RedisProperties store, ObjectProvider<RedisClient> redis,
                      ObjectProvider<StatefulRedisConnection<String, String>> connection) {
        this.channel = store.keyPrefix() + "control-plane";
        RedisClient client = redis.getIfAvailable();
        this.publisher = client == null ? null : connection.getObject();
        this.subscriber = client == null ? null : client.connectPubSub();
        if (subscriber != null) {
            subscriber.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String from, String message) {
                    received(message);
                }
            });
            // Lettuce subscribes again by itself after a reconnect
            subscriber.sync().subscribe(channel);
        }
    }

    /** Calls {@code listener} with every change, made here or on another replica. */
    public void subscribe(Consumer<Change> listener) {
        listeners.add(listener);
    }

    /**
     * Applies the change here at once and publishes it to the other replicas; inside a transaction (an audited admin
     * change), once it commits, so that no replica reloads what is not yet there, and not at all when it rolls back.
     */
    public void announce(Change change) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    publish(change);
                }
            });
            return;
        }
        publish(change);
    }

    private void publish(Change change) {
        apply(change);
        if (publisher == null) {
            return;
        }
        try {
            publisher.sync().publish(channel, change.encode());
        } catch (RuntimeException e) {
            // the change is in the database; the other replicas see it once their cached copy is too old
            LOG.warn("could not publish a {} change to the other replicas: {}", change.kind(), e.toString());
        }
    }

    private void received(String message) {
        Change change = Change.decode(message);
        if (change == null) {
            // a newer version's message: forgetting everything is always safe
            LOG.warn("unknown control-plane change received; clearing every cache");
            for (Change.Kind kind : Change.Kind.values()) {
                apply(new Change(kind, Change.ALL));
            }
            return;
        }
        apply(change);
    }

    private void apply(Change change) {
        for (Consumer<Change> listener : listeners) {
            listener.accept(change);
        }
    }

    @PreDestroy
    void close() {
        if (subscriber != null) {
            subscriber.close();
        }
    }
}
