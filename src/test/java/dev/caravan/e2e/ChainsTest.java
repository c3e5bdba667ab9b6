package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.CamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped hand-written chains (routes/chains/), reached by model name ({@code chain/<name>}) over real HTTP: a
 * weighted A/B split (loadBalance), round robin, routing by the caller's project (choice) and a routing table of
 * projects to chains (recipientList). Each comes back through the failover
 * chain, so the answer carries its attempts and the scoped-key and unknown-model rules hold as for any model.
 */
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class ChainsTest extends GatewayTestBase {

    private static final String ADMIN_KEY = "cvn-test-admin-key-chains-0123456789";

    @Autowired
    CamelContext camel;

    @DynamicPropertySource
    static void adminKey(DynamicPropertyRegistry registry) {
        registry.add("CARAVAN_ADMIN_KEY", () -> ADMIN_KEY);
    }

    @Test
    void splits_four_requests_in_five_to_branch_a_and_one_to_branch_b() throws Exception {
        Map<String, Integer> served = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> response = chat(GATEWAY_KEY, "chain/ab-split");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-caravan-attempts")).isPresent();
            served.merge(json(response.body()).at("/provider_metadata/gateway/routing/attempts/0/model").asText(),
                    1, Integer::sum);
        }

        assertThat(served).containsOnly(Map.entry("openai/gpt-5-mini", 40), Map.entry("anthropic/claude-haiku-4.5", 10));
    }

    @Test
    void takes_turns_between_the_round_robin_chains_two_models() throws Exception {
        java.util.List<String> models = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> response = chat(GATEWAY_KEY, "chain/round-robin");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            models.add(json(response.body()).at("/provider_metadata/gateway/routing/attempts/0/model").asText());
        }

        // strictly alternating, whichever branch this instance's balancer starts with
        assertThat(models).containsOnly("openai/gpt-5-mini", "google/gemini-2.5-flash");
        for (int i = 1; i < models.size(); i++) {
            assertThat(models.get(i)).as("request %d", i).isNotEqualTo(models.get(i - 1));
        }
    }

    @Test
    void routes_a_premium_projects_keys_to_the_larger_models_and_everyone_else_to_the_smaller() throws Exception {
        String premium = json(admin("POST", "/v1/admin/projects", "{\"name\":\"premium\"}").body()).path("id").asText();
        String premiumKey = json(admin("POST", "/v1/admin/keys",
                "{\"name\":\"p\",\"projectId\":\"" + premium + "\"}").body()).path("secret").asText();
        // the shipped file, with this test's project as the premium one (caravan.chains.premium-projects)
        String route = Files.readString(Path.of("routes/chains/premium-first.yaml"))
                .replace("{{caravan.chains.premium-projects:}}", premium);
        PluginHelper.getRoutesLoader(camel).updateRoutes(ResourceHelper.fromString("premium-first.yaml", route));

        JsonNode forPremium = json(chat(premiumKey, "chain/premium-first").body());
        JsonNode forOthers = json(chat(GATEWAY_KEY, "chain/premium-first").body());

        assertThat(forPremium.at("/provider_metadata/gateway/routing/attempts/0/model").asText())
                .isEqualTo("anthropic/claude-sonnet-4.6");
        assertThat(forOthers.at("/provider_metadata/gateway/routing/attempts/0/model").asText())
                .isEqualTo("openai/gpt-5-mini");
    }

    @Test
    void sends_each_project_to_the_chain_its_row_of_the_routing_table_names(CapturedOutput output) throws Exception {
        String team = json(admin("POST", "/v1/admin/projects", "{\"name\":\"team\"}").body()).path("id").asText();
        String teamKey = json(admin("POST", "/v1/admin/keys",
                "{\"name\":\"t\",\"projectId\":\"" + team + "\"}").body()).path("secret").asText();
        String lost = json(admin("POST", "/v1/admin/projects", "{\"name\":\"lost\"}").body()).path("id").asText();
        String lostKey = json(admin("POST", "/v1/admin/keys",
                "{\"name\":\"l\",\"projectId\":\"" + lost + "\"}").body()).path("secret").asText();
        // read per request: a row added while the gateway runs takes effect on the next request
        camel.getPropertiesComponent().addOverrideProperty("caravan.chains.by-project." + team, "vendor-failover");
        camel.getPropertiesComponent().addOverrideProperty("caravan.chains.by-project." + lost, "no-such-chain");
        // the default is read when the route is built; round-robin here, as ab-split's test counts its turns exactly
        camel.getPropertiesComponent().addOverrideProperty("caravan.chains.by-project.default", "round-robin");
        PluginHelper.getRoutesLoader(camel).updateRoutes(ResourceHelper.fromString("by-project.yaml",
                Files.readString(Path.of("routes/chains/by-project.yaml"))));

        JsonNode forTeam = json(chat(teamKey, "chain/by-project").body());
        assertThat(forTeam.at("/provider_metadata/gateway/routing/attempts/0/model").asText())
                .isEqualTo("openai/gpt-5");
        // no row for the environment key's (absent) project: the default chain
        JsonNode forOthers = json(chat(GATEWAY_KEY, "chain/by-project").body());
        assertThat(forOthers.at("/provider_metadata/gateway/routing/attempts/0/model").asText())
                .isIn("openai/gpt-5-mini", "google/gemini-2.5-flash");

        // the request's own options still apply in the chain the table picked: only anthropic skips vendor-failover's
        // first branch, and its second serves
        HttpResponse<String> onlyAnthropic = http.send(post("/v1/chat/completions", """
                {"model":"chain/by-project","messages":[{"role":"user","content":"hi"}],
                 "providerOptions":{"gateway":{"only":["anthropic"]}}}""").setHeader("Authorization", "Bearer " + teamKey)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(onlyAnthropic.statusCode()).as(onlyAnthropic.body()).isEqualTo(200);
        assertThat(onlyAnthropic.headers().firstValue("x-caravan-model")).hasValue("anthropic/claude-sonnet-4.6");

        // a row naming no chain fails at once, in OpenAI's shape, without a provider call or a leaked detail
        int calls = SIMULATOR.requests().size();
        HttpResponse<String> misrouted = chat(lostKey, "chain/by-project");
        assertThat(misrouted.statusCode()).isEqualTo(500);
        assertThat(json(misrouted.body()).at("/error/type").asText()).isNotEmpty();
        assertThat(misrouted.body()).doesNotContain("direct:", "Exception");
        assertThat(SIMULATOR.requests()).hasSize(calls);
        assertThat(output.getAll()).contains("request failed: No consumers available on endpoint: "
                + "direct://chain-no-such-chain?block=false; a route sends there but no running route consumes it")
                .doesNotContain("DirectConsumerNotAvailableException");
    }

    /** The README's worked example of a chain written with choice, on a request header and on the request's tags. */
    private static final String BY_HEADER_CHAIN = """
            - route:
                id: chain-by-team
                errorHandler:
                  noErrorHandler: {}
                from:
                  uri: direct:chain-by-team
                  steps:
                    - choice:
                        when:
                          - simple: "${header[x-team]} == 'search'"
                            steps:
                              - setProperty:
                                  name: caravanModels
                                  constant: "google/gemini-2.5-flash"
                          - simple: "${exchangeProperty.caravanCall.options().tags()} contains 'batch'"
                            steps:
                              - setProperty:
                                  name: caravanModels
                                  constant: "anthropic/claude-haiku-4.5, openai/gpt-5-mini"
                        otherwise:
                          steps:
                            - setProperty:
                                name: caravanModels
                                constant: "openai/gpt-5-mini"
                    - process:
                        ref: useModels
                    - to:
                        uri: direct:failover
            """;

    @Test
    void a_chain_chooses_on_a_request_header_and_on_the_requests_tags() throws Exception {
        PluginHelper.getRoutesLoader(camel).updateRoutes(ResourceHelper.fromString("by-team.yaml", BY_HEADER_CHAIN));
        String body = """
                {"model":"chain/by-team","messages":[{"role":"user","content":"hi"}]%s}""";

        HttpResponse<String> search = http.send(post("/v1/chat/completions", body.formatted(""))
                .header("X-Team", "search").build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> batch = chat(body.formatted(",\"providerOptions\":{\"gateway\":{\"tags\":[\"batch\"]}}"));
        HttpResponse<String> anyone = chat(body.formatted(""));

        assertThat(search.headers().firstValue("x-caravan-model")).hasValue("google/gemini-2.5-flash");
        assertThat(batch.headers().firstValue("x-caravan-model")).hasValue("anthropic/claude-haiku-4.5");
        assertThat(anyone.headers().firstValue("x-caravan-model")).hasValue("openai/gpt-5-mini");
    }

    @Test
    void a_choice_in_the_api_route_sends_a_request_to_a_chain_without_its_model_naming_it() throws Exception {
        String shipped = Files.readString(Path.of("routes/api/chat-completions.yaml"));
        String toFailover = """
                        - to:
                            uri: direct:failover
                """;
        assertThat(shipped).contains(toFailover);
        // requests marked x-route: cheap go to chain/round-robin, whatever model they name; the rest as shipped
        String edited = shipped.replace(toFailover, """
                        - choice:
                            when:
                              - simple: "${header[x-route]} == 'cheap'"
                                steps:
                                  - to:
                                      uri: direct:chain-round-robin
                            otherwise:
                              steps:
                                - to:
                                    uri: direct:failover
                """);
        PluginHelper.getRoutesLoader(camel).updateRoutes(ResourceHelper.fromString("chat-completions.yaml", edited));
        try {
            HttpResponse<String> cheap = http.send(post("/v1/chat/completions", simpleRequest("openai/gpt-5", false))
                    .header("x-route", "cheap").build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> plain = chat(GATEWAY_KEY, "openai/gpt-5");

            assertThat(cheap.statusCode()).as(cheap.body()).isEqualTo(200);
            assertThat(cheap.headers().firstValue("x-caravan-model").orElseThrow())
                    .isIn("openai/gpt-5-mini", "google/gemini-2.5-flash");
            assertThat(cheap.headers().firstValue("x-caravan-attempts")).isPresent();
            assertThat(plain.headers().firstValue("x-caravan-model")).hasValue("openai/gpt-5");
        } finally {
            PluginHelper.getRoutesLoader(camel).updateRoutes(
                    ResourceHelper.fromString("chat-completions.yaml", shipped));
        }
    }

    @Test
    void a_scoped_key_may_not_reach_through_a_chain_a_model_it_may_not_use() throws Exception {
        String narrow = json(admin("POST", "/v1/admin/keys", """
                {"name":"narrow","models":["anthropic/*"]}""").body()).path("secret").asText();

        HttpResponse<String> refused = chat(narrow, "chain/premium-first");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(json(refused.body()).at("/error/code").asText()).isEqualTo("permission_denied");
        assertThat(SIMULATOR.requests()).isEmpty();
    }

    @Test
    void an_unknown_chain_is_an_unknown_model() throws Exception {
        HttpResponse<String> response = chat(GATEWAY_KEY, "chain/no-such-chain");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response.body()).at("/error/code").asText()).isEqualTo("model_not_found");
    }

    private HttpResponse<String> chat(String key, String model) throws IOException, InterruptedException {
        return http.send(post("/v1/chat/completions", simpleRequest(model, false))
                .setHeader("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> admin(String method, String path, String json)
            throws IOException, InterruptedException {
        return admin(ADMIN_KEY, method, path, json);
    }
}
