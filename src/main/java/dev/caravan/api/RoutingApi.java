package dev.caravan.api;

import dev.caravan.canonical.Json;
import dev.caravan.catalog.ModelCatalog;
import dev.caravan.routing.AttemptPlanner;
import dev.caravan.routing.GatewayCall;
import dev.caravan.routing.ProviderHealth;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code /v1/routing/*}: what the failover chain would do with a request, and how each provider is doing, without
 * calling any provider. {@link #explain} runs after {@code chatCompletionsApi.accept} in its route, so a request is
 * read, checked and given its routing options (and a tier's model chain and cap) exactly as {@code /v1/chat/completions} would, and plans it with the
 * chain's own {@link AttemptPlanner}. A weighted model's order is one draw: the real request draws again.
 */
@Component("routingApi")
public class RoutingApi {

    private final AttemptPlanner planner;
    private final ProviderHealth health;
    private final ModelCatalog catalog;

    public RoutingApi(AttemptPlanner planner, ProviderHealth health, ModelCatalog catalog) {
        this.planner = planner;
        this.health = health;
        this.catalog = catalog;
    }

    /** {@code POST /v1/routing/explain}: the attempt plan of the accepted request, every provider with its reason. */
    public void explain(Exchange exchange) {
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        List<AttemptPlanner.PlannedAttempt> planned = planner.plan(call.models(), call.options());
        List<AttemptView> attempts = planned.stream().map(p -> new AttemptView(p.attempt().model().id(),
                p.attempt().provider(), p.attempt().providerModel(), p.included(), p.reason())).toList();
        List<String> providers = attempts.stream().map(AttemptView::provider).distinct().toList();
        write(exchange, new Explanation(call.requestedModel(), call.tier(), call.models(), attempts,
                health.status(providers)));
    }

    /** {@code GET /v1/routing/providers}: circuit state and cool-down of every provider in the catalog. */
    public void providers(Exchange exchange) {
        // by name: the catalog's map keeps no declaration order, and a status page should not shuffle
        write(exchange, new ProviderList(health.status(new TreeSet<>(catalog.providers().keySet()))));
    }

    private static void write(Exchange exchange, Object body) {
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setBody(Json.write(body));
    }

    /**
     * @param model     the model as the client named it
     * @param tier      the tier's name for a {@code tier/<name>} model
     * @param models    the models the plan covers, in order: the requested one (or the tier's chain), then the
     *                  request's fallback {@code models}
     * @param attempts  every provider of every model, in the order the chain would try them; {@code included: false}
     *                  ones would be skipped, {@code reason} says why either way
     * @param providers circuit state and cool-down of the providers in the plan
     */
    record Explanation(String model, String tier, List<String> models, List<AttemptView> attempts,
                       Map<String, Map<String, Object>> providers) {
    }

    record AttemptView(String model, String provider, String providerModel, boolean included, String reason) {
    }

    record ProviderList(Map<String, Map<String, Object>> providers) {
    }
}
