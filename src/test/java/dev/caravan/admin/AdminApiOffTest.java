package dev.caravan.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.e2e.GatewayTestBase;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Without CARAVAN_ADMIN_KEY the admin API is off, says so and how to switch it on, whatever key is sent. */
class AdminApiOffTest extends GatewayTestBase {

    @Test
    void answers_403_naming_the_setting_that_switches_it_on() throws Exception {
        for (String key : new String[]{null, GATEWAY_KEY, "anything"}) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri("/v1/admin/keys"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}"));
            if (key != null) {
                request.header("Authorization", "Bearer " + key);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as("with key %s", key).isEqualTo(403);
            JsonNode error = json(response.body()).path("error");
            assertThat(error.path("type").asText()).isEqualTo("permission_error");
            assertThat(error.path("code").asText()).isEqualTo("permission_denied");
            assertThat(error.path("message").asText()).contains("CARAVAN_ADMIN_KEY");
        }
    }
}
