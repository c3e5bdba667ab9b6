package dev.caravan.routing;

import dev.caravan.catalog.ModelCatalog;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.TreeSet;

/**
 * The {@code providers} component of {@code /actuator/health}: every catalog provider's circuit state and cool-down
 * as details. UP while at least one provider's circuit is not open. When every circuit is open the status is
 * OUT_OF_SERVICE, not DOWN: the gateway itself works (it answers each request at once with an OpenAI-shaped 503)
 * and a restart would not help, since the circuits half-open on their own; DOWN is for a broken gateway. Both map
 * to HTTP 503 by default, but the distinction lets an operator keep an instance in rotation while its providers are
 * out ({@code management.endpoint.health.status.http-mapping.out-of-service=200}) without hiding a real failure.
 */
@Component("providersHealthIndicator")
public class ProviderHealthIndicator implements HealthIndicator {

    private final ModelCatalog catalog;
    private final ProviderHealth health;

    public ProviderHealthIndicator(ModelCatalog catalog, ProviderHealth health) {
        this.catalog = catalog;
        this.health = health;
    }

    @Override
    public Health health() {
        // by name: the catalog's map keeps no declaration order
        Map<String, Map<String, Object>> status = health.status(new TreeSet<>(catalog.providers().keySet()));
        boolean allOpen = !status.isEmpty() && status.values().stream()
                .allMatch(state -> "OPEN".equals(state.get("circuit")));
        return (allOpen ? Health.outOfService() : Health.up()).withDetails(status).build();
    }
}
