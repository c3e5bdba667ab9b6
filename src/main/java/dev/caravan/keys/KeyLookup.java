package dev.caravan.keys;

import dev.caravan.controlplane.Change;
import dev.caravan.controlplane.ChangeFeed;
import dev.caravan.controlplane.ControlPlaneProperties;
import dev.caravan.controlplane.FreshCache;
import dev.caravan.identity.Caller;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * The request path's view of issued keys: key hash to {@link Caller}, cached. Unknown hashes are cached too (in the
 * same bounded cache), so a client hammering with a wrong key costs about one query per staleness period, not one
 * per request. Entries are forgotten when the {@link ChangeFeed} says their key or project changed, and are never
 * older than {@code caravan.control-plane.max-staleness} in any case. Only hashes are held, never a key.
 */
@Component
public class KeyLookup {

    private final FreshCache<String, Optional<Caller>> callers;

    @Autowired
    public KeyLookup(KeyStore store, ChangeFeed changes, ControlPlaneProperties properties) {
        this(new FreshCache<>(properties, store::callerByHash));
        changes.subscribe(this::forget);
    }

    KeyLookup(FreshCache<String, Optional<Caller>> callers) {
        this.callers = callers;
    }

    /** Who the key with this SHA-256 hash stands for; empty when no active key has it. */
    public Optional<Caller> caller(String keyHash) {
        return callers.get(keyHash);
    }

    void forget(Change change) {
        switch (change.kind()) {
            case KEY -> callers.invalidateIf(c -> c.isEmpty() && Change.ALL.equals(change.id())
                    || c.isPresent() && change.concerns(c.get().keyId()));
            case PROJECT -> callers.invalidateIf(c -> c.isPresent() && c.get().projectId() != null
                    && change.concerns(c.get().projectId()));
            case BUDGETS -> {
                // budgets are not part of a caller
            }
        }
    }
}
