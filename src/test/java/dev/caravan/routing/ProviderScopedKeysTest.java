package dev.caravan.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.Reply;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys limited to some providers ({@code "providers"} in the key's scope), over the routing tests' catalog where
 * {@code acme/large} is served by alpha, beta and gamma and {@code acme/small} by alpha only: the providers a key may
 * not use are left out of every plan (and explain says why), a model none of its providers serves is a 403
 * {@code permission_denied} in the endpoint's error shape before any provider is called, and a provider the gateway
 * does not have is refused when the key is issued.
 */
class ProviderScopedKeysTest extends RoutingTestBase {

    private static final String ADMIN_KEY = "cvn-test-admin-key-providers-4455";

    @DynamicPropertySource
    static void adminKey(DynamicPropertyRegistry registry) {
        registry.add("CARAVAN_ADMIN_KEY", () -> ADMIN_KEY);
    }

    @Test
    void a_model_is_served_only_by_the_providers_the_key_may_use() throws Exception {
        String secret = issue("""
                {"name":"no alpha","providers":["beta","gamma"]}""");
        BETA.enqueue(Reply.error(500, "beta is down"));
        GAMMA.enqueue(Reply.text("from gamma"));

        HttpResponse<String> served = chatWith(secret, request("acme/large", false, null));

        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        assertThat(attempts(routing(served))).as("alpha, first in catalog order, is never tried")
                .containsExactly("beta:false", "gamma:true");
        assertThat(ALPHA.requests()).isEmpty();
        // the unscoped key still starts with alpha
        ALPHA.enqueue(Reply.text("from alpha"));
        assertThat(attempts(routing(chat(request("acme/large", false, null))))).containsExactly("alpha:true");
    }

    @Test
    void explain_shows_which_providers_the_key_leaves_out() throws Exception {
        String secret = issue("""
                {"name":"gamma only","providers":["gamma"]}""");

        HttpResponse<String> explained = post("/v1/routing/explain", request("acme/large", false, null),
                "Authorization", "Bearer " + secret);

        assertThat(explained.statusCode()).as(explained.body()).isEqualTo(200);
        List<String> reasons = new ArrayList<>();
        for (JsonNode attempt : json(explained.body()).path("attempts")) {
            reasons.add(attempt.path("provider").asText() + ":" + attempt.path("included").asBoolean() + ":"
                    + attempt.path("reason").asText());
        }
        assertThat(reasons).hasSize(3);
        assertThat(reasons.get(0)).isEqualTo("alpha:false:" + AttemptPlanner.NOT_FOR_CREDENTIAL);
        assertThat(reasons.get(1)).isEqualTo("beta:false:" + AttemptPlanner.NOT_FOR_CREDENTIAL);
        assertThat(reasons.get(2)).startsWith("gamma:true:");
        assertThat(ALPHA.requests()).isEmpty();
        assertThat(GAMMA.requests()).isEmpty();
    }

    @Test
    void a_model_none_of_its_providers_serves_is_refused_in_each_endpoints_shape() throws Exception {
        String secret = issue("""
                {"name":"beta only","providers":["beta"]}""");

        HttpResponse<String> chat = chatWith(secret, request("acme/small", false, null));
        assertThat(chat.statusCode()).isEqualTo(403);
        JsonNode error = json(chat.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("permission_denied");
        assertThat(error.path("type").asText()).isEqualTo("permission_error");
        assertThat(error.path("param").asText()).isEqualTo("model");
        assertThat(error.path("message").asText()).contains("'acme/small'").contains("beta");

        HttpResponse<String> fallback = chatWith(secret, request("acme/large", false,
                "{\"models\":[\"acme/small\"]}"));
        assertThat(fallback.statusCode()).isEqualTo(403);
        assertThat(json(fallback.body()).at("/error/param").asText()).isEqualTo("models");
        assertThat(json(fallback.body()).at("/error/message").asText()).contains("fallback model 'acme/small'");

        HttpResponse<String> messages = post("/v1/messages", """
                {"model":"acme/small","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}""",
                "Authorization", "Bearer " + secret);
        assertThat(messages.statusCode()).isEqualTo(403);
        assertThat(json(messages.body()).path("type").asText()).isEqualTo("error");
        assertThat(json(messages.body()).at("/error/type").asText()).isEqualTo("permission_error");
        assertThat(ALPHA.requests()).isEmpty();
        assertThat(BETA.requests()).isEmpty();
    }

    @Test
    void the_model_listing_leaves_out_models_none_of_its_providers_serves() throws Exception {
        String secret = issue("""
                {"name":"lister","providers":["gamma"]}""");

        HttpResponse<String> listed = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/v1/models")).header("Authorization", "Bearer " + secret).timeout(Duration.ofSeconds(20))
                .GET().build(), HttpResponse.BodyHandlers.ofString());

        List<String> ids = json(listed.body()).path("data").findValuesAsText("id");
        assertThat(ids).contains("acme/large", "acme/huge").doesNotContain("acme/small", "acme/tiny");
    }

    @Test
    void a_provider_the_gateway_does_not_have_is_refused_when_the_key_is_issued() throws Exception {
        HttpResponse<String> unknown = admin("""
                {"name":"typo","providers":["beta","delta"]}""");
        HttpResponse<String> malformed = admin("""
                {"name":"bad","providers":["Beta!"]}""");
        HttpResponse<String> empty = admin("""
                {"name":"empty","providers":[]}""");

        for (HttpResponse<String> refused : List.of(unknown, malformed, empty)) {
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
            assertThat(json(refused.body()).at("/error/param").asText()).isEqualTo("providers");
        }
        assertThat(json(unknown.body()).at("/error/message").asText()).contains("'delta'").contains("alpha");
    }

    @Test
    void the_key_listing_shows_its_providers() throws Exception {
        JsonNode created = json(admin("""
                {"name":"shown","providers":["gamma"," beta "]}""").body());

        HttpResponse<String> got = send("GET", "/v1/admin/keys/" + created.path("id").asText(), null);

        assertThat(json(got.body()).path("providers").toString()).isEqualTo("[\"gamma\",\"beta\"]");
        assertThat(got.body()).doesNotContain(created.path("secret").asText());
    }

    private String issue(String json) throws Exception {
        HttpResponse<String> created = admin(json);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created.body()).path("secret").asText();
    }

    private HttpResponse<String> admin(String json) throws Exception {
        return send("POST", "/v1/admin/keys", json);
    }

    private HttpResponse<String> send(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + ADMIN_KEY).timeout(Duration.ofSeconds(20))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> chatWith(String key, String body) throws Exception {
        return post("/v1/chat/completions", body, "Authorization", "Bearer " + key);
    }
}
