package dev.caravan.routing;

import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Warning;
import org.apache.camel.Route;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * The workflow tiers, as the {@code workflow-tier} route template's parameters name them
 * ({@code routes/tiers/*.yaml}): filled when a templated tier route is added (at start, or when the route reloader
 * replaces a tier file) and emptied of it when it is removed, so {@code accept} and explain read a tier's model chain
 * and cap from here, never from a route's steps.
 */
@Component
public class TierRegistry extends EventNotifierSupport {

    /** The route template every tier is created from, and the group of the routes it creates. */
    public static final String TEMPLATE = "workflow-tier";

    /**
     * @param name      the name after {@code tier/}
     * @param models    {@code creator/model} ids, tried in order
     * @param maxTokens the most output tokens a request through this tier may ask for, or null for no cap
     */
    public record Tier(String name, List<String> models, Integer maxTokens) {

        /**
         * The tier a {@code workflow-tier} route's parameters describe; refuses what no request could be served by (a
         * name that is not a plain name, no models, a cap that is not a positive number). A model the catalog lacks
         * is not refused here: the catalog can be replaced on its own (caravan.catalog), and the request is then
         * answered as for any unknown model.
         */
        static Tier of(Map<String, ?> parameters) {
            String name = text(parameters.get("name"));
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("a workflow tier's name must be a plain lower-case name, not '"
                        + name + "'");
            }
            return new Tier(name, chain(text(parameters.get("models"))), cap(name, text(parameters.get("maxTokens"))));
        }
    }

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

    /** By route id: a tier file edited to another name removes the old route, and with it the old name. */
    private final Map<String, Tier> byRoute = new ConcurrentHashMap<>();
    /** The route reloader's lock, held while it replaces one file's routes; null when nothing reloads routes. */
    private volatile ReentrantLock reloading;
    /** Tier routes added at start whose parameters were refused: start-up fails on them once Camel is up. */
    private final List<String> refused = new CopyOnWriteArrayList<>();

    /**
     * The tier called {@code name}. A reloaded tier is removed before its new version is added: a lookup in that
     * moment waits for the reload to finish, so an edited tier is never answered as an unknown model.
     */
    public Optional<Tier> tier(String name) {
        if (!NAME.matcher(name).matches()) {
            // tier names are route ids (tier-<name>) and log lines: nothing but a plain name is one
            return Optional.empty();
        }
        Optional<Tier> tier = find(name);
        ReentrantLock lock = reloading;
        if (tier.isEmpty() && lock != null && lock.isLocked()) {
            lock.lock();
            lock.unlock();
            tier = find(name);
        }
        return tier;
    }

    private Optional<Tier> find(String name) {
        return byRoute.values().stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** Called by the route reloader: lookups that miss during a reload wait on {@code lock}. */
    public void reloadsUnder(ReentrantLock lock) {
        this.reloading = lock;
    }

    /** Sets the tier's chain (before the request's own fallbacks) and caps the request's output. */
    public static void apply(GatewayCall call, Tier tier) {
        call.replaceModels(tier.models());
        Integer cap = tier.maxTokens();
        ChatRequest request = call.request();
        Integer asked = request.outputLimit();
        if (cap != null && (asked == null || asked > cap)) {
            call.replaceRequest(request.withOutputLimit(cap));
            if (asked != null) {
                call.warnings().add(Warning.adjusted("max_tokens", "the tier " + tier.name()
                        + " caps output at " + cap + " tokens; " + asked + " asked"));
            }
        }
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.RouteAddedEvent || event instanceof CamelEvent.RouteRemovedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Route route = ((CamelEvent.RouteEvent) event).getRoute();
        if (event instanceof CamelEvent.RouteRemovedEvent) {
            byRoute.remove(route.getRouteId());
            return;
        }
        // a templated route does not name its template: the template's route is in the group named after it
        if (!route.isCreatedByRouteTemplate() || !TEMPLATE.equals(route.getGroup())) {
            return;
        }
        RouteDefinition definition = route.getCamelContext().getCamelContextExtension()
                .getContextPlugin(Model.class).getRouteDefinition(route.getRouteId());
        try {
            byRoute.put(route.getRouteId(), Tier.of(definition.getTemplateParameters()));
        } catch (IllegalArgumentException e) {
            // Camel logs and swallows a notifier's exception: the route reloader checks tiers before adding them, and
            // start-up fails on the ones refused here
            refused.add(route.getRouteId() + ": " + e.getMessage());
        }
    }

    /**
     * Refuses a tier file before its routes are added: the route reloader calls this for each templated route of
     * this template, so a bad edit is rejected and the previous version keeps serving.
     */
    public void check(Map<String, ?> parameters) {
        Tier.of(parameters);
    }

    /** A tier that could serve no request must not start quietly missing. */
    @EventListener(ApplicationReadyEvent.class)
    void failOnRefusedTiers() {
        if (!refused.isEmpty()) {
            throw new IllegalStateException("workflow tiers refused: " + String.join("; ", refused));
        }
    }

    private static String text(Object value) {
        return value == null ? null : value.toString().strip();
    }

    private static List<String> chain(String models) {
        List<String> chain = models == null ? List.of()
                : Arrays.stream(models.split(",")).map(String::strip).filter(m -> !m.isEmpty()).toList();
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a workflow tier needs at least one model");
        }
        return chain;
    }

    private static Integer cap(String tier, String maxTokens) {
        if (maxTokens == null || maxTokens.isEmpty()) {
            return null;
        }
        try {
            int cap = Integer.parseInt(maxTokens);
            if (cap > 0) {
                return cap;
            }
        } catch (NumberFormatException notANumber) {
            // refused below, with the value named
        }
        throw new IllegalArgumentException("tier " + tier + " caps output at '" + maxTokens
                + "': maxTokens must be a positive whole number");
    }
}
