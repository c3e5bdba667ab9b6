package dev.caravan.routing;

import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Warning;
import org.apache.camel.Route;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.springframework.stereotype.Component;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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
    }

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

    /** By route id: a tier file edited to another name removes the old route, and with it the old name. */
    private final Map<String, Tier> byRoute = new ConcurrentHashMap<>();
    /** The route reloader's lock, held while it replaces one file's routes; null when nothing reloads routes. */
    private volatile ReentrantLock reloading;

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
        Map<String, Object> parameters = definition.getTemplateParameters();
        byRoute.put(route.getRouteId(), new Tier(text(parameters.get("name")),
                models(text(parameters.get("models"))), cap(text(parameters.get("maxTokens")))));
    }

    private static String text(Object value) {
        return value == null ? null : value.toString().strip();
    }

    private static List<String> models(String models) {
        List<String> chain = models == null ? List.of()
                : Arrays.stream(models.split(",")).map(String::strip).filter(m -> !m.isEmpty()).toList();
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a workflow tier needs at least one model");
        }
        return chain;
    }

    private static Integer cap(String maxTokens) {
        return maxTokens == null || maxTokens.isEmpty() ? null : Integer.valueOf(maxTokens);
    }
}
