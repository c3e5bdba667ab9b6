package dev.caravan.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.ProviderSimulator;
import dev.caravan.simulator.Reply;
import org.apache.camel.CamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v1/routing/explain}, {@code GET /v1/routing/providers} and the {@code providers} health check, against
 * the failover chain they describe: explain never calls a provider, and the real request then tries exactly the
 * attempts explain listed as included, in that order.
 */
// the base's circuit breaker, except that an open circuit stays open: these tests read it over several HTTP calls,
// which must not race its half-opening
@TestPropertySource(properties = "caravan.routing.circuit-breaker.wait-in-open-seconds=600")
class ExplainTest extends RoutingTestBase {

    /** A tier as routes/tiers/ declare them, over the test catalog's models (the real tiers name real models). */
    private static final String TIER_ROUTE = """
            - templatedRoute:
                routeTemplateRef: workflow-tier
                routeId: tier-acme
                parameters:
                  - name: name
                    value: acme
                  - name: models
                    value: "acme/small, acme/large"
                  - name: maxTokens
                    value: 100
            """;

    @Autowired
    CamelContext camel;

    @Autowired
    ProviderBreakers breakers;

    @BeforeEach
    void tierOverTheTestCatalog() throws Exception {
        if (camel.getRoute("tier-acme") == null) {
            PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("tier-acme.yaml", TIER_ROUTE));
        }
    }

    @Test
    void explains_catalog_order_without_calling_any_provider() throws Exception {
        JsonNode plan = explain(request("acme/large", false, null));

        assertThat(plan.path("model").asText()).isEqualTo("acme/large");
        assertThat(lines(plan)).containsExactly(
                "acme/large alpha large-a included: catalog order",
                "acme/large beta large-b included: catalog order",
                "acme/large gamma large-g included: catalog order");
        assertThat(plan.at("/providers/alpha/circuit").asText()).isEqualTo("CLOSED");
    }

    @Test
    void explains_order_only_and_fallback_models() throws Exception {
        JsonNode plan = explain(request("acme/large", false,
                "{\"order\":[\"gamma\",\"beta\"],\"only\":[\"gamma\",\"beta\"],\"models\":[\"acme/huge\"]}"));

        assertThat(plan.path("models").toString()).isEqualTo("[\"acme/large\",\"acme/huge\"]");
        assertThat(lines(plan)).containsExactly(
                "acme/large gamma large-g included: position 1 in 'order'",
                "acme/large beta large-b included: position 2 in 'order'",
                "acme/large alpha large-a skipped: not in 'only'",
                "acme/huge gamma huge-g included: position 1 in 'order'");
    }

    @Test
    void takes_options_from_the_x_caravan_options_header_too() throws Exception {
        JsonNode plan = explain(request("acme/large", false, "{\"only\":[\"alpha\"]}"),
                "x-caravan-options", "{\"only\":[\"beta\"]}");

        assertThat(lines(plan)).containsExactly(
                "acme/large alpha large-a skipped: not in 'only'",
                "acme/large beta large-b included: catalog order",
                "acme/large gamma large-g skipped: not in 'only'");
    }

    @Test
    void names_the_weights_of_a_load_balanced_model() throws Exception {
        JsonNode plan = explain(request("acme/balanced", false, null));

        assertThat(lines(plan)).containsExactlyInAnyOrder(
                "acme/balanced alpha balanced-a included: weighted load balancing (weight 3)",
                "acme/balanced beta balanced-b included: weighted load balancing (weight 1)");
    }

    @Test
    void explains_a_tier_with_the_model_chain_its_route_sets() throws Exception {
        JsonNode plan = explain(request("tier/acme", false, "{\"models\":[\"acme/huge\"]}"));

        assertThat(plan.path("tier").asText()).isEqualTo("acme");
        assertThat(plan.path("models").toString()).isEqualTo("[\"acme/small\",\"acme/large\",\"acme/huge\"]");
        assertThat(lines(plan)).containsExactly(
                "acme/small alpha small-a included: catalog order",
                "acme/large alpha large-a included: catalog order",
                "acme/large beta large-b included: catalog order",
                "acme/large gamma large-g included: catalog order",
                "acme/huge gamma huge-g included: catalog order");
    }

    @Test
    void shows_an_open_circuit_as_the_reason_a_provider_is_skipped_and_in_the_provider_status() throws Exception {
        openAlphasCircuit();

        JsonNode plan = explain(request("acme/large", false, null));
        assertThat(lines(plan)).containsExactly(
                "acme/large alpha large-a skipped: circuit open",
                "acme/large beta large-b included: catalog order",
                "acme/large gamma large-g included: catalog order");
        assertThat(plan.at("/providers/alpha/circuit").asText()).isEqualTo("OPEN");

        HttpResponse<String> status = get("/v1/routing/providers", true);
        assertThat(status.statusCode()).isEqualTo(200);
        JsonNode providers = json(status.body()).path("providers");
        assertThat(providers.at("/alpha/circuit").asText()).isEqualTo("OPEN");
        assertThat(providers.at("/beta/circuit").asText()).isEqualTo("CLOSED");
        // every provider of the catalog, by name
        assertThat(providers.properties().stream().map(Map.Entry::getKey).toList()).containsExactly(
                "alpha", "anthropic", "beta", "gamma", "google", "mistral", "openai");
    }

    @Test
    void shows_a_429_cool_down_as_the_reason_a_provider_is_skipped() throws Exception {
        ALPHA.enqueue(Reply.error(429, "slow down").retryAfter(30));
        chat(request("acme/large", false, null));

        JsonNode plan = explain(request("acme/large", false, null));

        assertThat(plan.at("/attempts/0/included").asBoolean()).isFalse();
        assertThat(plan.at("/attempts/0/reason").asText()).startsWith("cooling down after a 429 until ");
        assertThat(plan.at("/providers/alpha/coolingDownUntil").asText()).isNotEmpty();
        assertThat(json(get("/v1/routing/providers", true).body()).at("/providers/alpha/coolingDownUntil").asText())
                .isEqualTo(plan.at("/providers/alpha/coolingDownUntil").asText());
    }

    @Test
    void the_real_request_tries_the_explained_attempts_in_order() throws Exception {
        assertTheRequestFollowsItsExplanation(request("acme/large", false, null));
    }

    @Test
    void the_real_request_follows_the_explained_order_only_and_models() throws Exception {
        assertTheRequestFollowsItsExplanation(request("acme/large", false,
                "{\"order\":[\"gamma\",\"beta\"],\"only\":[\"gamma\",\"beta\"],\"models\":[\"acme/huge\"]}"));
    }

    @Test
    void the_real_request_follows_the_explained_header_options() throws Exception {
        assertTheRequestFollowsItsExplanation(request("acme/large", false, null),
                "x-caravan-options", "{\"order\":[\"beta\"],\"models\":[\"acme/small\"]}");
    }

    @Test
    void the_real_request_skips_what_explain_skipped() throws Exception {
        openAlphasCircuit();
        BETA.enqueue(Reply.error(429, "slow down").retryAfter(30));
        chat(request("acme/large", false, null));

        assertTheRequestFollowsItsExplanation(request("acme/large", false, "{\"models\":[\"acme/huge\"]}"));
    }

    @Test
    void the_real_request_through_a_tier_follows_its_explanation() throws Exception {
        assertTheRequestFollowsItsExplanation(request("tier/acme", false, null));
    }

    @Test
    void actuator_health_reports_each_providers_circuit() throws Exception {
        openAlphasCircuit();

        HttpResponse<String> response = get("/actuator/health", false);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode providers = json(response.body()).at("/components/providers");
        assertThat(providers.path("status").asText()).isEqualTo("UP");
        assertThat(providers.at("/details/alpha/circuit").asText()).isEqualTo("OPEN");
        assertThat(providers.at("/details/beta/circuit").asText()).isEqualTo("CLOSED");
    }

    @Test
    void actuator_health_is_out_of_service_when_every_circuit_is_open() throws Exception {
        for (String provider : List.of("alpha", "beta", "gamma", "openai", "anthropic", "google", "mistral")) {
            breakers.of(provider).orElseThrow().transitionToOpenState();
        }

        HttpResponse<String> response = get("/actuator/health", false);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json(response.body()).at("/components/providers/status").asText()).isEqualTo("OUT_OF_SERVICE");
    }

    @Test
    void refuses_both_endpoints_without_a_gateway_key() throws Exception {
        HttpResponse<String> explain = http.send(HttpRequest.newBuilder(uri("/v1/routing/explain"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request("acme/large", false, null))).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> providers = get("/v1/routing/providers", false);

        for (HttpResponse<String> response : List.of(explain, providers)) {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(json(response.body()).at("/error/type").asText()).isEqualTo("authentication_error");
        }
    }

    @Test
    void answers_an_unknown_model_like_chat_completions_does() throws Exception {
        HttpResponse<String> response = post("/v1/routing/explain", request("acme/missing", false, null));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response.body()).at("/error/code").asText()).isEqualTo("model_not_found");
    }

    @Test
    void answers_bad_routing_options_like_chat_completions_does() throws Exception {
        HttpResponse<String> response = post("/v1/routing/explain", request("acme/large", false,
                "{\"only\":\"beta\"}"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertNoProviderCalled(0, 0, 0);
    }

    /**
     * Explains {@code body}, then sends it for real with every included attempt but the last scripted to fail with
     * a 503, and checks the attempts the chain made against the explained ones, one by one.
     */
    private void assertTheRequestFollowsItsExplanation(String body, String... headers) throws Exception {
        List<String> explained = new ArrayList<>();
        for (JsonNode attempt : explain(body, headers).path("attempts")) {
            if (attempt.path("included").asBoolean()) {
                explained.add(attempt.path("provider").asText() + " " + attempt.path("model").asText());
            }
        }
        assertThat(explained).hasSizeGreaterThan(1);
        for (int i = 0; i < explained.size(); i++) {
            simulator(explained.get(i).split(" ")[0]).enqueue(i == explained.size() - 1
                    ? Reply.text("from the last attempt") : Reply.error(503, "scripted failure"));
        }

        HttpResponse<String> response = chat(body, headers);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).at("/choices/0/message/content").asText()).isEqualTo("from the last attempt");
        List<String> made = new ArrayList<>();
        for (JsonNode attempt : routing(response).path("attempts")) {
            made.add(attempt.path("provider").asText() + " " + attempt.path("model").asText());
        }
        assertThat(made).isEqualTo(explained);
        assertThat(Arrays.stream(response.headers().firstValue("x-caravan-attempts").orElseThrow().split(", "))
                .map(a -> a.substring(0, a.indexOf(';'))).toList())
                .isEqualTo(explained.stream().map(a -> a.split(" ")[0]).toList());
    }

    /** Explains {@code body}, checking that no provider heard of it. */
    private JsonNode explain(String body, String... headers) throws Exception {
        int alpha = ALPHA.requests().size();
        int beta = BETA.requests().size();
        int gamma = GAMMA.requests().size();
        HttpResponse<String> response = post("/v1/routing/explain", body, headers);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertNoProviderCalled(alpha, beta, gamma);
        return json(response.body());
    }

    private static void assertNoProviderCalled(int alpha, int beta, int gamma) {
        assertThat(ALPHA.requests()).hasSize(alpha);
        assertThat(BETA.requests()).hasSize(beta);
        assertThat(GAMMA.requests()).hasSize(gamma);
    }

    /** "model provider providerModel included|skipped: reason" per attempt. */
    private static List<String> lines(JsonNode plan) {
        List<String> out = new ArrayList<>();
        for (JsonNode a : plan.path("attempts")) {
            out.add(a.path("model").asText() + " " + a.path("provider").asText() + " "
                    + a.path("providerModel").asText() + (a.path("included").asBoolean() ? " included: " : " skipped: ")
                    + a.path("reason").asText());
        }
        return out;
    }

    /** As FailoverTest does: three failures in a window of four open alpha's circuit. */
    private void openAlphasCircuit() throws Exception {
        for (int i = 0; i < 3; i++) {
            ALPHA.enqueue(Reply.error(503, "down"));
            BETA.enqueue(Reply.text("beta"));
            chat(request("acme/large", false, null));
        }
        assertThat(health.skipReason("alpha")).isEqualTo("circuit open");
    }

    private HttpResponse<String> get(String path, boolean withKey) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).GET();
        if (withKey) {
            builder.header("Authorization", "Bearer " + KEY);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static ProviderSimulator simulator(String provider) {
        return switch (provider) {
            case "alpha" -> ALPHA;
            case "beta" -> BETA;
            case "gamma" -> GAMMA;
            default -> throw new IllegalArgumentException("no simulator for " + provider);
        };
    }
}
