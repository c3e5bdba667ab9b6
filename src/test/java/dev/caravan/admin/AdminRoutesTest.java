package dev.caravan.admin;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every admin route shares the admin-api route configuration (routes/shared/admin-api.yaml), whose interceptFrom checks
 * the admin key before any step: a route under /v1/admin/ without it, or the configuration without the check, fails.
 */
class AdminRoutesTest extends AdminTestBase {

    @Autowired
    private CamelContext camel;

    private List<Route> adminRoutes() {
        return camel.getRoutes().stream()
                .filter(route -> route.getEndpoint() instanceof PlatformHttpEndpoint endpoint
                        && endpoint.getPath().startsWith("/v1/admin/"))
                .toList();
    }

    @Test
    void every_admin_route_uses_the_admin_route_configuration() {
        List<Route> routes = adminRoutes();
        assertThat(routes).hasSizeGreaterThanOrEqualTo(14);
        for (Route route : routes) {
            assertThat(route.getConfigurationId()).as("route %s", route.getRouteId()).isEqualTo("admin-api");
        }
    }

    @Test
    void every_admin_endpoint_refuses_a_request_without_the_admin_key() throws Exception {
        for (Route route : adminRoutes()) {
            PlatformHttpEndpoint endpoint = (PlatformHttpEndpoint) route.getEndpoint();
            String method = endpoint.getHttpMethodRestrict();
            String path = endpoint.getPath().replace("{id}", "no-such-id");
            String body = method.equals("POST") || method.equals("PATCH") ? "{\"name\":\"x\"}" : null;

            HttpResponse<String> response = send(method, path, body, null);

            assertThat(response.statusCode()).as("%s %s (%s)", method, path, route.getRouteId()).isEqualTo(401);
            JsonNode error = json(response.body()).path("error");
            assertThat(error.path("type").asText()).isEqualTo("authentication_error");
            assertThat(error.path("message").asText()).contains("Missing admin key");
        }
    }
}
