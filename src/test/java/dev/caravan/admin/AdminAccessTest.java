package dev.caravan.admin;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Only the admin key opens the admin API, and it opens nothing else. */
class AdminAccessTest extends AdminTestBase {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/v1/admin/projects", "/v1/admin/keys", "/v1/admin/budgets"})
    void refuses_a_request_without_the_admin_key(String path) throws Exception {
        assertRefused(send("GET", path, null, null), "Missing admin key");
        assertRefused(send("POST", path, "{\"name\":\"x\"}", null), "Missing admin key");
    }

    @Test
    void refuses_a_wrong_admin_key_without_echoing_it() throws Exception {
        HttpResponse<String> response = send("GET", "/v1/admin/keys", null, "not-the-admin-key-42");
        assertRefused(response, "Invalid admin key");
        assertThat(response.body()).doesNotContain("not-the-admin-key-42");
    }

    @Test
    void refuses_gateway_keys_environment_or_issued() throws Exception {
        assertRefused(send("GET", "/v1/admin/keys", null, GATEWAY_KEY), "not a gateway key");
        String issued = json(admin("POST", "/v1/admin/keys", "{\"name\":\"app\"}").body()).path("secret").asText();
        assertRefused(send("POST", "/v1/admin/keys", "{\"name\":\"escalated\"}", issued), "not a gateway key");
    }

    @Test
    void accepts_the_admin_key_in_x_api_key_too() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/v1/admin/projects"))
                .header("x-api-key", ADMIN_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).path("object").asText()).isEqualTo("list");
    }

    @Test
    void the_admin_key_is_not_a_gateway_key() throws Exception {
        assertThat(chatWith(ADMIN_KEY).statusCode()).isEqualTo(401);
        assertThat(SIMULATOR.requests()).isEmpty();
    }

    private static void assertRefused(HttpResponse<String> response, String message) {
        assertThat(response.statusCode()).isEqualTo(401);
        JsonNode error = json(response.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("authentication_error");
        assertThat(error.path("message").asText()).contains(message);
        assertThat(response.body()).doesNotContain(ADMIN_KEY);
    }
}
