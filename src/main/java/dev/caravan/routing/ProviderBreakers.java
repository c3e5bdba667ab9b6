package dev.caravan.routing;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The circuit breaker of each provider's route: the one its {@code circuitBreaker} EIP creates (Camel's, with the
 * settings in the route file), found when the route starts and forgotten when it is removed. A provider's route is
 * the one consuming {@code direct:provider-<name>}, which the failover chain calls.
 * <p>
 * When the route reloader replaces a provider route, the old route is removed before the new one starts; its
 * breaker is dropped from Camel's breaker registry then, so the new route's breaker takes the file's new settings
 * (the registry would otherwise hand back the old breaker by name) and starts closed.
 */
@Component
public class ProviderBreakers extends EventNotifierSupport {

    private static final String PROVIDER_ENDPOINT = "direct://provider-";

    private final Map<String, CircuitBreaker> byProvider = new ConcurrentHashMap<>();

    /** {@code provider}'s breaker, or empty when its route has none (or is not running). */
    public Optional<CircuitBreaker> of(String provider) {
        return Optional.ofNullable(byProvider.get(provider));
    }

    public Collection<CircuitBreaker> all() {
        return byProvider.values();
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.RouteStartedEvent || event instanceof CamelEvent.RouteRemovedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Route route = ((CamelEvent.RouteEvent) event).getRoute();
        String provider = provider(route);
        if (provider == null) {
            return;
        }
        for (Processor processor : route.filter("*")) {
            if (processor instanceof ResilienceProcessor eip && eip.getCircuitBreaker() != null) {
                CircuitBreaker breaker = eip.getCircuitBreaker();
                if (event instanceof CamelEvent.RouteStartedEvent) {
                    byProvider.put(provider, breaker);
                } else {
                    byProvider.remove(provider, breaker);
                    if (eip.getCircuitBreakerRegistry() != null) {
                        eip.getCircuitBreakerRegistry().remove(breaker.getName());
                    }
                }
            }
        }
    }

    /** The provider a route serves, from the endpoint it consumes; null for any other route. */
    private static String provider(Route route) {
        String uri = route.getEndpoint().getEndpointBaseUri();
        return uri.startsWith(PROVIDER_ENDPOINT) ? uri.substring(PROVIDER_ENDPOINT.length()) : null;
    }
}
