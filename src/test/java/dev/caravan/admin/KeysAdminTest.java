package dev.caravan.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.auth.GatewayKeys;
import dev.caravan.identity.Caller;
import dev.caravan.identity.RateLimit;
import dev.caravan.keys.KeyHash;
import dev.caravan.simulator.Reply;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Issuing, listing, changing and revoking gateway keys through the admin API, and using them, on embedded H2. */
@ExtendWith(OutputCaptureExtension.class)
class KeysAdminTest extends AdminTestBase {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    GatewayKeys gatewayKeys;
    @Autowired
    CamelContext camel;

    @Test
    void issues_a_key_whose_secret_is_answered_once_and_stored_only_as_its_hash(CapturedOutput output)
            throws Exception {
        HttpResponse<String> created = admin("POST", "/v1/admin/keys", "{\"name\":\"ci runner\"}");

        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode key = json(created.body());
        String id = key.path("id").asText();
        String secret = key.path("secret").asText();
        assertThat(id).matches("key_[0-9A-Za-z]{20}");
        assertThat(secret).matches("cvn_[0-9A-Za-z]{43}");
        assertThat(key.path("prefix").asText()).isEqualTo(secret.substring(0, 12));
        assertThat(key.path("name").asText()).isEqualTo("ci runner");
        assertThat(key.has("revokedAt")).isFalse();

        HttpResponse<String> listed = admin("GET", "/v1/admin/keys", null);
        HttpResponse<String> got = admin("GET", "/v1/admin/keys/" + id, null);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(json(got.body()).path("prefix").asText()).isEqualTo(secret.substring(0, 12));
        assertThat(json(listed.body()).path("data").findValuesAsText("id")).contains(id);
        for (HttpResponse<String> later : List.of(listed, got)) {
            assertThat(later.body()).doesNotContain(secret).doesNotContain(secret.substring(12))
                    .doesNotContain(KeyHash.sha256(secret)).doesNotContain("\"secret\"");
        }

        Map<String, Object> row = jdbc.queryForMap("SELECT * FROM api_keys WHERE id = ?", id);
        assertThat(row.get("key_hash").toString().strip()).isEqualTo(KeyHash.sha256(secret));
        assertThat(row.values()).allSatisfy(value -> assertThat(String.valueOf(value)).doesNotContain(secret)
                .doesNotContain(secret.substring(12)));
        assertThat(output.getAll()).doesNotContain(secret).doesNotContain(secret.substring(12));
    }

    @Test
    void an_issued_key_calls_the_gateway_until_it_is_revoked(CapturedOutput output) throws Exception {
        JsonNode key = json(admin("POST", "/v1/admin/keys", "{\"name\":\"app\"}").body());
        String id = key.path("id").asText();
        String secret = key.path("secret").asText();

        SIMULATOR.enqueue(Reply.text("hello"));
        assertThat(chatWith(secret).statusCode()).isEqualTo(200);

        HttpResponse<String> revoked = admin("DELETE", "/v1/admin/keys/" + id, null);
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(json(revoked.body()).path("revokedAt").asText()).isNotBlank();

        // one instance: its cache forgets the key before the revoke call returns, so no waiting at all
        HttpResponse<String> refused = chatWith(secret);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).doesNotContain(secret);
        assertThat(json(admin("GET", "/v1/admin/keys/" + id, null).body()).path("revokedAt").asText())
                .isEqualTo(json(revoked.body()).path("revokedAt").asText());
        assertThat(admin("DELETE", "/v1/admin/keys/" + id, null).statusCode()).as("revoking again").isEqualTo(200);
        assertThat(chatWith(secret).statusCode()).isEqualTo(401);
        assertThat(output.getAll()).doesNotContain(secret).doesNotContain(ADMIN_KEY);
    }

    @Test
    void a_key_brings_its_own_and_its_projects_rate_limits_to_the_request_path() throws Exception {
        String project = json(admin("POST", "/v1/admin/projects", """
                {"name":"search","rateLimit":{"requestsPerMinute":600,"tokensPerMinute":100000}}""").body())
                .path("id").asText();
        JsonNode key = json(admin("POST", "/v1/admin/keys", """
                {"name":"search-prod","projectId":"%s","rateLimit":{"requestsPerMinute":60}}""".formatted(project))
                .body());
        assertThat(key.path("projectId").asText()).isEqualTo(project);
        assertThat(key.path("rateLimit").path("requestsPerMinute").asLong()).isEqualTo(60);
        String secret = key.path("secret").asText();

        assertThat(callerOf(secret)).isEqualTo(new Caller(key.path("id").asText(), project,
                new RateLimit(60L, null), new RateLimit(600L, 100000L)));

        assertThat(admin("PATCH", "/v1/admin/projects/" + project, "{\"rateLimit\":{\"tokensPerMinute\":5000}}")
                .statusCode()).isEqualTo(200);
        assertThat(admin("PATCH", "/v1/admin/keys/" + key.path("id").asText(), "{\"rateLimit\":null}")
                .statusCode()).isEqualTo(200);
        // changes reach the cached caller at once
        assertThat(callerOf(secret)).isEqualTo(new Caller(key.path("id").asText(), project, RateLimit.NONE,
                new RateLimit(null, 5000L)));
        assertThat(json(admin("GET", "/v1/admin/keys?projectId=" + project, null).body()).path("data")
                .findValuesAsText("id")).containsExactly(key.path("id").asText());
    }

    @Test
    void the_environment_key_still_works_beside_issued_ones() throws Exception {
        assertThat(callerOf(GATEWAY_KEY)).isEqualTo(Caller.ENVIRONMENT);
        SIMULATOR.enqueue(Reply.text("hello"));
        assertThat(chatWith(GATEWAY_KEY).statusCode()).isEqualTo(200);
    }

    @Test
    void answers_404_for_a_key_that_does_not_exist() throws Exception {
        for (String method : List.of("GET", "DELETE")) {
            HttpResponse<String> response = admin(method, "/v1/admin/keys/key_nope", null);
            assertThat(response.statusCode()).as(method).isEqualTo(404);
            assertThat(json(response.body()).at("/error/message").asText()).contains("key_nope");
        }
        assertThat(admin("PATCH", "/v1/admin/keys/key_nope", "{\"name\":\"x\"}").statusCode()).isEqualTo(404);
    }

    private Caller callerOf(String key) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader("Authorization", "Bearer " + key);
        gatewayKeys.authenticate(exchange);
        return exchange.getProperty(Caller.PROPERTY, Caller.class);
    }
}
