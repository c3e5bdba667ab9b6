package dev.caravan.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.Reply;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Request bodies in the request log, over real HTTP on H2 ({@link RequestBodiesPostgresTest}: on PostgreSQL): none are
 * kept unless a project turns {@code logBodies} on; then the request as read and the answer's text are kept beside
 * the usage record, each capped (4 KB here) and with anything shaped like a key redacted, and read back in
 * {@code GET /v1/admin/requests/{id}}.
 */
@TestPropertySource(properties = "caravan.request-log.body-max-bytes=4KB")
class RequestBodiesTest extends AdminTestBase {

    private static final String PROVIDER_KEY_IN_PROMPT = "sk-proj-abcdefghijklmnopqrstuvwxyz012345";
    private static final String ANTHROPIC_KEY_IN_ANSWER = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz";
    private static final String GOOGLE_KEY_IN_ANSWER = "AIzaSyA-abcdefghijklmnopqrstuvwxyz0123";

    @Test
    void keeps_no_bodies_unless_the_project_turns_it_on_and_then_keeps_them() throws Exception {
        JsonNode project = json(admin("POST", "/v1/admin/projects", "{\"name\":\"quiet\"}").body());
        assertThat(project.path("logBodies").asBoolean(true)).isFalse();
        String key = keyFor(project.path("id").asText());

        JsonNode unkept = detail(generationId(chatWith(key)));
        assertThat(unkept.has("bodies")).isFalse();
        assertThat(unkept.at("/data/project_id").asText()).isEqualTo(project.path("id").asText());
        // nor for the environment's key, which has no project
        assertThat(detail(generationId(chat(simpleRequest("openai/gpt-5-mini", false)))).has("bodies")).isFalse();

        HttpResponse<String> turnedOn = admin("PATCH", "/v1/admin/projects/" + project.path("id").asText(),
                "{\"logBodies\":true}");
        assertThat(json(turnedOn.body()).path("logBodies").asBoolean()).isTrue();
        SIMULATOR.setDefaultReply(Reply.text("kept from now on"));

        // every replica forgets the project it cached once the change is announced: here at once, or nearly
        JsonNode kept = await().atMost(Duration.ofSeconds(10))
                .until(() -> detail(generationId(chatWith(key))), d -> d.has("bodies"));
        assertThat(kept.at("/bodies/response").asText()).isEqualTo("kept from now on");
        assertThat(json(kept.at("/bodies/request").asText()).at("/messages/0/content").asText())
                .isEqualTo("Say hello");
    }

    @Test
    void keeps_a_projects_bodies_capped_with_keys_redacted_whole_answers_and_streams_alike() throws Exception {
        String projectId = json(admin("POST", "/v1/admin/projects", "{\"name\":\"verbose\",\"logBodies\":true}")
                .body()).path("id").asText();
        String key = keyFor(projectId);
        SIMULATOR.enqueue(Reply.text("Use " + ANTHROPIC_KEY_IN_ANSWER + " or " + GOOGLE_KEY_IN_ANSWER + "."));
        String prompt = "my key is " + PROVIDER_KEY_IN_PROMPT + " and the gateway's " + key + ". "
                + "x".repeat(6000);

        HttpResponse<String> answer = http.send(post("/v1/chat/completions", """
                {"model":"openai/gpt-5-mini","messages":[{"role":"user","content":"%s"}]}""".formatted(prompt))
                .setHeader("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode bodies = detail(generationId(answer)).path("bodies");

        String request = bodies.path("request").asText();
        assertThat(bodies.path("request_truncated").asBoolean()).isTrue();
        assertThat(request.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
        assertThat(request).contains("my key is [redacted] and the gateway's [redacted]. xxx")
                .doesNotContain(PROVIDER_KEY_IN_PROMPT).doesNotContain(key);
        assertThat(bodies.path("response").asText()).isEqualTo("Use [redacted] or [redacted].");
        assertThat(bodies.path("response_truncated").asBoolean()).isFalse();

        // a stream's answer is kept as its text assembled from the deltas, capped like any other
        SIMULATOR.enqueue(Reply.text("y".repeat(5000)).chunks(10));
        HttpResponse<String> stream = http.send(post("/v1/chat/completions", simpleRequest("openai/gpt-5-mini", true))
                .setHeader("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stream.body()).contains("[DONE]");
        JsonNode streamed = detail(generationId(stream)).path("bodies");
        assertThat(streamed.path("response").asText()).isEqualTo("y".repeat(4096));
        assertThat(streamed.path("response_truncated").asBoolean()).isTrue();
        assertThat(streamed.path("request_truncated").asBoolean()).isFalse();
        assertThat(json(streamed.path("request").asText()).path("stream").asBoolean()).isTrue();
    }

    @Test
    void answers_an_unknown_request_id_with_a_404_in_the_admin_apis_shape() throws Exception {
        HttpResponse<String> missing = admin("GET", "/v1/admin/requests/gen_nothing_here", null);

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing.body()).at("/error/message").asText()).contains("No request with this id");
    }

    private String keyFor(String projectId) throws Exception {
        return json(admin("POST", "/v1/admin/keys", "{\"name\":\"app\",\"projectId\":\"" + projectId + "\"}").body())
                .path("secret").asText();
    }

    private static String generationId(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(200);
        return response.headers().firstValue("x-caravan-generation-id").orElseThrow();
    }

    /** The request's detail once its record is written (records are written off the request path, in batches). */
    private JsonNode detail(String id) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> {
            HttpResponse<String> response = admin("GET", "/v1/admin/requests/" + id, null);
            return response.statusCode() == 200 ? json(response.body()) : null;
        }, d -> d != null);
    }
}
