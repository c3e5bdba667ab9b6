package dev.caravan.keys;

import dev.caravan.controlplane.Change;
import dev.caravan.controlplane.ChangeFeed;
import dev.caravan.controlplane.ControlPlaneProperties;
import dev.caravan.controlplane.FreshCache;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * The request path's view of projects by the id or name a token's claim maps to ({@link KeyStore#projectByReference}),
 * cached like {@link KeyLookup}'s keys. Any project change forgets every entry: a rename or a new project can change
 * what a name stands for, and projects change rarely.
 */
@Component
public class ProjectLookup {

    private final FreshCache<String, Optional<Project>> projects;

    public ProjectLookup(KeyStore store, ChangeFeed changes, ControlPlaneProperties properties) {
        this.projects = new FreshCache<>(properties, store::projectByReference);
        changes.subscribe(change -> {
            if (change.kind() == Change.Kind.PROJECT) {
                projects.invalidateAll();
            }
        });
    }

    /** The project with this id, else the only one with this name; empty when none (or several) match. */
    public Optional<Project> project(String reference) {
        return projects.get(reference);
    }
}
