package dev.caravan.routing;

import org.apache.camel.Route;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The hand-written routing chains a request can name as its model ({@code chain/<name>}): routes consuming
 * {@code direct:chain-<name>} (routes/chains/*.yaml), found when they are added and forgotten when removed. The
 * failover chain hands a {@code chain/<name>} request to its chain first; the chain picks the models with Camel's
 * EIPs ({@code choice}, {@code loadBalance}, ...), sets them with {@code useModels} and comes back to the failover
 * chain, which plans and runs the attempts as for any request. Only a chain found here is ever called: the name in
 * the request never becomes an endpoint by itself.
 */
@Component
public class ChainRegistry extends EventNotifierSupport {

    /** The exchange property naming the chain route the failover chain hands the request to. */
    public static final String PROPERTY = "caravanChain";
    /** Set once the request has been handed to its chain: the chain's way back into the failover chain plans. */
    public static final String ENTERED_PROPERTY = "caravanChainEntered";

    private static final String ENDPOINT = "direct://chain-";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

    /** Chain name by the id of the route serving it. */
    private final Map<String, String> byRoute = new ConcurrentHashMap<>();

    /** The endpoint of chain {@code name}'s route ({@code chain-<name>}, for {@code direct:}), or null. */
    public String endpoint(String name) {
        if (!NAME.matcher(name).matches() || !byRoute.containsValue(name)) {
            return null;
        }
        return "chain-" + name;
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
        String uri = route.getEndpoint().getEndpointBaseUri();
        if (uri.startsWith(ENDPOINT)) {
            byRoute.put(route.getRouteId(), uri.substring(ENDPOINT.length()));
        }
    }
}
