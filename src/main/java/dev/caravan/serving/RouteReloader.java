package dev.caravan.serving;

import dev.caravan.routing.TierRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import jakarta.annotation.PreDestroy;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.RouteTemplateParameterDefinition;
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
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Applies edits to route files without a restart: the routes directory is checked every
 * {@code caravan.routes.reload-interval}; a changed file's routes are replaced, by route id, before the next request.
 * A broken edit is rejected and the last good version of that file keeps running. Camel's own route watcher is made
 * for development: in Camel 4.18 a failed reload can leave the application without routes.
 */
@Component
public class RouteReloader {

    private static final Logger LOG = LoggerFactory.getLogger(RouteReloader.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

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
            if (drainsAQueue(content) || drainsAQueue(lastGood.getOrDefault(file, ""))) {
                LOG.warn("route file {} changed, but its routes take records from an in-memory queue: replacing them "
                        + "while the gateway serves would lose the records they hold, so the previous version keeps "
                        + "running and the edit takes effect at the next restart", directory.relativize(file));
                continue;
            }
            Map<String, Route> before = routes();
            List<RouteTemplateDefinition> templatesBefore = List.copyOf(model().getRouteTemplateDefinitions());
            try {
                Set<String> ids = load(file, content);
                lastGood.put(file, content);
                LOG.info("route file {} reloaded: {}", directory.relativize(file), ids);
            } catch (Exception e) {
                reject(file, lastGood.get(file), before, templatesBefore, e);
            }
        }
    }

    /**
     * Most broken edits fail before a route is touched (the file does not parse, a tier is refused, the template is
     * unknown): nothing is restored then, so Camel logs no "Stopped …" for a route that never stopped. One that fails
     * after its old routes were replaced (a bad endpoint, say) has them put back, and says so.
     */
    private void reject(Path file, String previous, Map<String, Route> before,
                        List<RouteTemplateDefinition> templatesBefore, Exception failure) {
        Path name = directory.relativize(file);
        if (routes().equals(before) && model().getRouteTemplateDefinitions().equals(templatesBefore)) {
            LOG.error("route file {} rejected, the previous version keeps running: {}", name, failure.getMessage());
            return;
        }
        try {
            for (String id : routes().keySet()) {
                if (!before.containsKey(id)) {
                    camel.getRouteController().stopRoute(id);
                    camel.removeRoute(id);
                }
            }
            if (previous != null) {
                load(file, previous);
            }
            LOG.error("route file {} rejected, the previous version keeps running (put back after the edit had "
                    + "replaced it): {}", name, failure.getMessage());
        } catch (Exception e) {
            LOG.error("route file {} rejected: {}; its previous version could not be put back: {}", name,
                    failure.getMessage(), e.getMessage());
        }
    }

    /** The running routes by id; a replaced route is another instance, so comparing two of these shows any change. */
    /**
     * Whether a file's routes consume an in-memory queue ({@code seda:}), as the usage writer does: Camel stops such a
     * route by waiting for its in-flight exchanges while the queue keeps feeding it, gives up after its shutdown
     * timeout and forces it down, and the batch it was aggregating is gone (seen in a soak: 101 answered requests
     * without a usage record after an edit of usage-writer.yaml under load).
     */
    static boolean drainsAQueue(String content) {
        try {
            for (JsonNode entry : YAML.readTree(content)) {
                if (entry.path("route").path("from").path("uri").asText("").startsWith("seda:")) {
                    return true;
                }
            }
            return false;
        } catch (IOException unparsable) {
            // not this check's to judge: the load rejects it
            return false;
        }
    }

    private Map<String, Route> routes() {
        Map<String, Route> routes = new HashMap<>();
        camel.getRoutes().forEach(route -> routes.put(route.getRouteId(), route));
        return routes;
    }

    private Set<String> load(Path file, String content) throws Exception {
        return load(ResourceHelper.fromString("file:" + file, content));
    }

    private Set<String> load(Resource resource) throws Exception {
        loading.lock();
        try {
            Set<String> ids = new LinkedHashSet<>();
            for (RoutesBuilder builder : PluginHelper.getRoutesLoader(camel).findRoutesBuilders(List.of(resource))) {
                if (builder instanceof RouteBuilder routes) {
                    // before Camel removes the old routes: an edit it would refuse only then is refused here
                    List<String> problems = RoutePreflight.problems(camel, routes, ownBeans(resource));
                    if (!problems.isEmpty()) {
                        throw new IllegalArgumentException(String.join("; ", problems));
                    }
                }
                ids.addAll(builder.updateRoutesToCamelContext(camel));
                if (builder instanceof RouteBuilder routes) {
                    Set<String> templates = replaceTemplates(routes);
                    ids.addAll(replaceTemplatedRoutes(routes));
                    ids.addAll(rebuildFrom(templates, resource.getLocation()));
                }
            }
            return ids;
        } finally {
            loading.unlock();
        }
    }

    /** What {@link RoutePreflight} finds missing for {@code file}'s routes in this gateway; empty when none. */
    public List<String> preflight(Path file) throws Exception {
        List<String> problems = new ArrayList<>();
        Resource resource = ResourceHelper.fromString("file:" + file, read(file));
        for (RoutesBuilder builder : PluginHelper.getRoutesLoader(camel).findRoutesBuilders(List.of(resource))) {
            if (builder instanceof RouteBuilder routes) {
                problems.addAll(RoutePreflight.problems(camel, routes, ownBeans(resource)));
            }
        }
        return problems;
    }

    /** The names a route file's own {@code beans} block registers as it loads. */
    private static Set<String> ownBeans(Resource resource) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        try (InputStream in = resource.getInputStream()) {
            for (JsonNode element : YAML.readTree(in)) {
                element.path("beans").forEach(bean -> names.add(bean.path("name").asText()));
            }
        }
        return names;
    }

    /**
     * Camel's update appends a file's route templates to the model beside the old ones, and lookups keep finding the
     * old: an edited template (a tier's default maxTokens, say) would never reach a route. The old ones go here.
     */
    private Set<String> replaceTemplates(RouteBuilder routes) throws Exception {
        Set<String> ids = new LinkedHashSet<>();
        Model model = model();
        for (RouteTemplateDefinition fresh : routes.getRouteTemplateCollection().getRouteTemplates()) {
            ids.add(fresh.getId());
            for (RouteTemplateDefinition stale : List.copyOf(model.getRouteTemplateDefinitions())) {
                if (stale != fresh && fresh.getId().equals(stale.getId())) {
                    model.removeRouteTemplateDefinition(stale);
                }
            }
        }
        return ids;
    }

    /**
     * The routes made from an edited template are made again, from the route files that name it (the packaged ones
     * and the directory's last good versions), so they and the tier registry see its new parameters and defaults.
     */
    private Set<String> rebuildFrom(Set<String> templates, String edited) throws Exception {
        if (templates.isEmpty()) {
            return Set.of();
        }
        Map<String, Resource> current = new LinkedHashMap<>(RouteFiles.packaged());
        for (Path path : files()) {
            // a file deleted since keeps its routes (deletions are not applied) but is not read again
            String content = lastGood.get(path);
            if (content != null) {
                current.put(path.getFileName().toString(), ResourceHelper.fromString("file:" + path, content));
            }
        }
        Set<String> ids = new LinkedHashSet<>();
        for (Resource file : current.values()) {
            if (!file.getLocation().equals(edited) && namesTemplate(file, templates)) {
                ids.addAll(load(file));
            }
        }
        return ids;
    }

    private static boolean namesTemplate(Resource file, Set<String> templates) throws IOException {
        try (InputStream in = file.getInputStream()) {
            for (JsonNode element : YAML.readTree(in)) {
                if (templates.contains(element.path("templatedRoute").path("routeTemplateRef").asText())) {
                    return true;
                }
            }
        }
        return false;
    }

    private Model model() {
        return camel.getCamelContextExtension().getContextPlugin(Model.class);
    }

    /**
     * Camel's update leaves templated routes (a tier, an OpenAI-compatible provider) alone: it neither replaces
     * them nor reports them. Replaced here the same way, by route id.
     */
    private Set<String> replaceTemplatedRoutes(RouteBuilder routes) throws Exception {
        Set<String> ids = new LinkedHashSet<>();
        List<TemplatedRouteDefinition> all = routes.getTemplatedRouteCollection().getTemplatedRoutes();
        for (TemplatedRouteDefinition templated : all) {
            // before anything is removed, as Camel would only find out when adding the new version
            RouteTemplateDefinition template = model().getRouteTemplateDefinition(templated.getRouteTemplateRef());
            if (template == null) {
                throw new IllegalArgumentException("no route template " + templated.getRouteTemplateRef()
                        + " (templatedRoute " + templated.getRouteId() + ")");
            }
            if (TierRegistry.TEMPLATE.equals(templated.getRouteTemplateRef())) {
                // before anything is removed: a tier no request could be served by is an edit to reject
                tiers.check(parameters(template, templated));
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

    /** A templated route's parameters as its route gets them: the template's defaults, then its own values. */
    private static Map<String, String> parameters(RouteTemplateDefinition template, TemplatedRouteDefinition route) {
        Map<String, String> parameters = new HashMap<>();
        if (template.getTemplateParameters() != null) {
            for (RouteTemplateParameterDefinition parameter : template.getTemplateParameters()) {
                if (parameter.getDefaultValue() != null) {
                    parameters.put(parameter.getName(), parameter.getDefaultValue());
                }
            }
        }
        for (TemplatedRouteParameterDefinition parameter : route.getParameters()) {
            parameters.put(parameter.getName(), parameter.getValue() == null ? "" : parameter.getValue());
        }
        return parameters;
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
