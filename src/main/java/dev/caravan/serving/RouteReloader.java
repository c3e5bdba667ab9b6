package dev.caravan.serving;

import dev.caravan.routing.TierRegistry;
import jakarta.annotation.PreDestroy;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.TemplatedRouteDefinition;
import org.apache.camel.model.TemplatedRouteParameterDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * Applies edits to route files without a restart: the routes directory is checked every
 * {@code caravan.routes.reload-interval}; a changed file's routes are replaced, by route id, before the next request.
 * A broken edit is rejected and the last good version of that file keeps running. Camel's own route watcher is made
 * for development: in Camel 4.18 a failed reload can leave the application without routes.
 */
@Component
public class RouteReloader {

    private static final Logger LOG = LoggerFactory.getLogger(RouteReloader.class);

    private final CamelContext camel;
    private final Path directory;
    private final Duration interval;
    private final TierRegistry tiers;
    /** Per file, the content last loaded successfully, and the content last looked at (maybe rejected). */
    private final Map<Path, String> lastGood = new HashMap<>();
    private final Map<Path, String> seen = new HashMap<>();
    private ScheduledExecutorService poller;
    /** Held while one file's routes are replaced. */
    private final ReentrantLock loading = new ReentrantLock();

    public RouteReloader(CamelContext camel, RoutesProperties properties, TierRegistry tiers) {
        this.camel = camel;
        this.directory = Path.of(properties.directory()).toAbsolutePath();
        this.interval = properties.reloadInterval();
        this.tiers = tiers;
        tiers.reloadsUnder(loading);
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (interval.isZero() || !Files.isDirectory(directory)) {
            return;
        }
        for (Path file : files()) {
            lastGood.put(file, read(file));
            seen.put(file, lastGood.get(file));
        }
        poller = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("caravan-route-reloader").factory());
        poller.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("watching {} for route changes every {}", directory, interval);
    }

    /** Reloads every route file whose content changed since it was last loaded; public for tests to call. */
    public synchronized void check() {
        for (Path file : files()) {
            String content;
            try {
                content = read(file);
            } catch (UncheckedIOException vanished) {
                continue;
            }
            if (content.equals(seen.put(file, content))) {
                continue;
            }
            String previous = lastGood.get(file);
            try {
                Set<String> ids = load(file, content);
                lastGood.put(file, content);
                LOG.info("route file {} reloaded: {}", directory.relativize(file), ids);
            } catch (Exception e) {
                LOG.error("route file {} rejected, the previous version keeps running: {}",
                        directory.relativize(file), e.getMessage());
                restore(file, previous);
            }
        }
    }

    private void restore(Path file, String previous) {
        if (previous == null) {
            return;
        }
        try {
            // a broken file may fail after its old routes were removed (a bad endpoint, say): put them back
            load(file, previous);
        } catch (Exception e) {
            LOG.error("could not restore the previous version of {}: {}", directory.relativize(file), e.getMessage());
        }
    }

    private Set<String> load(Path file, String content) throws Exception {
        Resource resource = ResourceHelper.fromString("file:" + file, content);
        loading.lock();
        try {
            Set<String> ids = new LinkedHashSet<>();
            for (RoutesBuilder builder : PluginHelper.getRoutesLoader(camel).findRoutesBuilders(List.of(resource))) {
                ids.addAll(builder.updateRoutesToCamelContext(camel));
                if (builder instanceof RouteBuilder routes) {
                    ids.addAll(replaceTemplatedRoutes(routes));
                }
            }
            return ids;
        } finally {
            loading.unlock();
        }
    }

    /**
     * Camel's update leaves templated routes (a tier, an OpenAI-compatible provider) alone: it neither replaces
     * them nor reports them. Replaced here the same way, by route id.
     */
    private Set<String> replaceTemplatedRoutes(RouteBuilder routes) throws Exception {
        Set<String> ids = new LinkedHashSet<>();
        List<TemplatedRouteDefinition> all = routes.getTemplatedRouteCollection().getTemplatedRoutes();
        for (TemplatedRouteDefinition templated : all) {
            if (TierRegistry.TEMPLATE.equals(templated.getRouteTemplateRef())) {
                // before anything is removed: a tier no request could be served by is an edit to reject
                tiers.check(templated.getParameters().stream().collect(Collectors.toMap(
                        TemplatedRouteParameterDefinition::getName, p -> p.getValue() == null ? "" : p.getValue())));
            }
        }
        for (TemplatedRouteDefinition templated : all) {
            String id = templated.getRouteId();
            if (id != null && camel.getRoute(id) != null) {
                camel.getRouteController().stopRoute(id);
                camel.removeRoute(id);
            }
            ids.add(id);
        }
        if (!ids.isEmpty()) {
            routes.addTemplatedRoutesToCamelContext(camel);
        }
        return ids;
    }

    private Collection<Path> files() {
        try {
            return RouteFiles.directoryFiles(directory).values();
        } catch (UncheckedIOException | IllegalStateException e) {
            LOG.warn("cannot list {}: {}", directory, e.getMessage());
            return List.of();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @PreDestroy
    void stop() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }
}
