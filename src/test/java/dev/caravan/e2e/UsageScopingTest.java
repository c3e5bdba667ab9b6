package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Who reads which usage, with keys issued through the admin API: a key of a project reads every generation and
 * report row of its project, a key without one only its own, and nobody another's; someone else's generation id is
 * answered exactly like an unknown one.
 */
class UsageScopingTest extends GatewayTestBase {

    private static final String ADMIN_KEY = "cvn-test-admin-key-for-usage-0123";

    @DynamicPropertySource
    static void adminKey(DynamicPropertyRegistry registry) {
        registry.add("CARAVAN_ADMIN_KEY", () -> ADMIN_KEY);
    }

    @Test
    void a_project_reads_its_own_usage_and_nobody_reads_anothers() throws Exception {
        String project = json(send("POST", "/v1/admin/projects", "{\"name\":\"usage scoping\"}", ADMIN_KEY).body())
                .path("id").asText();
        JsonNode first = issue("{\"name\":\"first\",\"projectId\":\"" + project + "\"}");
        JsonNode second = issue("{\"name\":\"second\",\"projectId\":\"" + project + "\"}");
        JsonNode lone = issue("{\"name\":\"lone\"}");
        String firstSecret = first.path("secret").asText();
        String secondSecret = second.path("secret").asText();
        String loneSecret = lone.path("secret").asText();

        String firstId = generationOf(firstSecret);
        String secondId = generationOf(secondSecret);
        String loneId = generationOf(loneSecret);
        await().atMost(Duration.ofSeconds(10)).until(() -> generation(loneSecret, loneId).statusCode() == 200
                && generation(firstSecret, secondId).statusCode() == 200
                && generation(secondSecret, firstId).statusCode() == 200);

        HttpResponse<String> unknown = generation(loneSecret, "gen_00000000000000000000000000");
        for (HttpResponse<String> refused : List.of(generation(loneSecret, firstId), generation(firstSecret, loneId),
                generation(GATEWAY_KEY, firstId))) {
            assertThat(refused.statusCode()).isEqualTo(404);
            assertThat(refused.body()).isEqualTo(unknown.body());
        }
        assertThat(json(generation(secondSecret, firstId).body()).at("/data/project_id").asText()).isEqualTo(project);

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String byKey = "/v1/report?start_date=" + today + "&end_date=" + today + "&group_by=key";
        assertThat(keysIn(send("GET", byKey, null, firstSecret)))
                .containsExactlyInAnyOrder(first.path("id").asText(), second.path("id").asText());
        assertThat(keysIn(send("GET", byKey, null, loneSecret))).containsExactly(lone.path("id").asText());
    }

    private JsonNode issue(String body) throws IOException, InterruptedException {
        HttpResponse<String> created = send("POST", "/v1/admin/keys", body, ADMIN_KEY);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created.body());
    }

    private String generationOf(String key) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(post("/v1/chat/completions", simpleRequest("openai/gpt-5-mini",
                false)).setHeader("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.headers().firstValue("x-caravan-generation-id").orElseThrow();
    }

    private HttpResponse<String> generation(String key, String id) throws IOException, InterruptedException {
        return send("GET", "/v1/generation?id=" + id, null, key);
    }

    private static List<String> keysIn(HttpResponse<String> report) {
        assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
        List<String> keys = new ArrayList<>();
        json(report.body()).path("results").forEach(row -> keys.add(row.path("key").asText()));
        return keys;
    }

    private HttpResponse<String> send(String method, String path, String json, String key)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json))
                .header("Authorization", "Bearer " + key);
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
