package dev.caravan.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Keys issued with a scope (models, APIs, expiry), used over real sockets: what a scope leaves out is refused with a
 * 403 {@code permission_denied} in the endpoint's own error shape before any provider is called, an expired key is
 * a 401, and the model listing shows only what the key may use. On embedded H2; {@link ScopedKeysPostgresTest} runs
 * the same on PostgreSQL.
 */
@ExtendWith(OutputCaptureExtension.class)
class ScopedKeysTest extends AdminTestBase {

    @Test
    void a_model_glob_lets_through_the_models_it_matches_and_refuses_the_others(CapturedOutput output)
            throws Exception {
        String secret = issue("""
                {"name":"globs","models":["anthropic/*","openai/gpt-5*"]}""");

        SIMULATOR.enqueue(Reply.text("hello"));
        assertThat(chat(secret, simpleRequest("openai/gpt-5-mini", false)).statusCode()).isEqualTo(200);
        SIMULATOR.enqueue(Reply.text("hello"));
        assertThat(chat(secret, simpleRequest("anthropic/claude-haiku-4.5", false)).statusCode()).isEqualTo(200);
        SIMULATOR.reset();

        HttpResponse<String> refused = chat(secret, simpleRequest("google/gemini-2.5-flash", false));

        assertRefusedInOpenAiShape(refused, "google/gemini-2.5-flash", "model");
        assertThat(SIMULATOR.requests()).as("no provider is called").isEmpty();
        assertThat(refused.body()).doesNotContain(secret);
        assertThat(output.getAll()).doesNotContain(secret);
    }

    @Test
    void a_fallback_model_outside_the_scope_refuses_the_whole_request() throws Exception {
        String secret = issue("""
                {"name":"fallbacks","models":["anthropic/*"]}""");

        HttpResponse<String> refused = chat(secret, """
                {"model":"anthropic/claude-haiku-4.5","messages":[{"role":"user","content":"hi"}],
                 "providerOptions":{"gateway":{"models":["anthropic/claude-sonnet-4.6","google/gemini-2.5-flash"]}}}""");

        assertRefusedInOpenAiShape(refused, "google/gemini-2.5-flash", "models");
        assertThat(SIMULATOR.requests()).isEmpty();
    }

    @Test
    void a_tier_is_served_only_when_every_model_of_its_chain_is_in_the_scope() throws Exception {
        // tier/draft: anthropic/claude-haiku-4.5, openai/gpt-5-mini, google/gemini-2.5-flash
        String narrow = issue("""
                {"name":"narrow","models":["anthropic/*"]}""");
        String wide = issue("""
                {"name":"wide","models":["anthropic/*","openai/*","google/gemini-2.5-*"]}""");

        HttpResponse<String> refused = chat(narrow, simpleRequest("tier/draft", false));
        assertRefusedInOpenAiShape(refused, "openai/gpt-5-mini", "model");
        assertThat(json(refused.body()).at("/error/message").asText()).contains("tier 'draft'");
        assertThat(SIMULATOR.requests()).isEmpty();

        SIMULATOR.enqueue(Reply.text("hello"));
        assertThat(chat(wide, simpleRequest("tier/draft", false)).statusCode()).isEqualTo(200);
    }

    @Test
    void on_the_messages_api_a_refused_model_is_a_permission_error_in_anthropics_shape() throws Exception {
        String secret = issue("""
                {"name":"anthropic only","models":["anthropic/*"]}""");

        HttpResponse<String> wrongModel = send(secret, "/v1/messages", """
                {"model":"openai/gpt-5","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}""");

        assertThat(wrongModel.statusCode()).isEqualTo(403);
        JsonNode body = json(wrongModel.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.at("/error/type").asText()).isEqualTo("permission_error");
        assertThat(body.at("/error/message").asText()).contains("openai/gpt-5");
        assertThat(SIMULATOR.requests()).isEmpty();

        SIMULATOR.enqueue(Reply.text("hello"));
        assertThat(send(secret, "/v1/messages", """
                {"model":"claude-haiku-4-5","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}""")
                .statusCode()).isEqualTo(200);
    }

    @Test
    void an_api_outside_the_scope_is_refused_in_that_apis_error_shape() throws Exception {
        String messagesOnly = issue("""
                {"name":"claude code","apis":["messages"]}""");
        String chatOnly = issue("""
                {"name":"chat app","apis":["chat"]}""");

        HttpResponse<String> chatRefused = chat(messagesOnly, simpleRequest("openai/gpt-5-mini", false));
        assertThat(chatRefused.statusCode()).isEqualTo(403);
        assertThat(json(chatRefused.body()).at("/error/code").asText()).isEqualTo("permission_denied");
        assertThat(json(chatRefused.body()).at("/error/message").asText()).contains("'chat' API");
        assertThat(get(messagesOnly, "/v1/models").statusCode()).isEqualTo(403);
        assertThat(get(messagesOnly, "/v1/credits").statusCode()).isEqualTo(403);

        HttpResponse<String> messagesRefused = send(chatOnly, "/v1/messages", """
                {"model":"anthropic/claude-haiku-4.5","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}""");
        assertThat(messagesRefused.statusCode()).isEqualTo(403);
        assertThat(json(messagesRefused.body()).at("/error/type").asText()).isEqualTo("permission_error");
        assertThat(json(messagesRefused.body()).at("/error/message").asText()).contains("'messages' API");
        assertThat(SIMULATOR.requests()).isEmpty();

        SIMULATOR.enqueue(Reply.text("hello"));
        assertThat(send(messagesOnly, "/v1/messages", """
                {"model":"anthropic/claude-haiku-4.5","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}""")
                .statusCode()).isEqualTo(200);
        SIMULATOR.enqueue(Reply.text("hello"));
        assertThat(chat(chatOnly, simpleRequest("openai/gpt-5-mini", false)).statusCode()).isEqualTo(200);
    }

    @Test
    void a_key_past_its_expiry_is_refused_like_a_revoked_one() throws Exception {
        Instant expiresAt = Instant.now().plusMillis(1500).truncatedTo(ChronoUnit.MILLIS);
        String secret = issue("""
                {"name":"short-lived","expiresAt":"%s"}""".formatted(expiresAt));
        SIMULATOR.setDefaultReply(Reply.text("hello"));

        assertThat(chat(secret, simpleRequest("openai/gpt-5-mini", false)).statusCode()).isEqualTo(200);

        // the key is cached with its expiry: nothing but the clock has to change for the refusal
        HttpResponse<String> refused = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> chat(secret, simpleRequest("openai/gpt-5-mini", false)), r -> r.statusCode() != 200);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(json(refused.body()).at("/error/type").asText()).isEqualTo("authentication_error");
        assertThat(json(refused.body()).at("/error/message").asText()).contains("expired at " + expiresAt);
        assertThat(refused.body()).doesNotContain(secret);
        assertThat(Instant.now()).isAfterOrEqualTo(expiresAt);
    }

    @Test
    void the_model_listing_shows_a_scoped_key_only_its_models() throws Exception {
        String secret = issue("""
                {"name":"lister","models":["anthropic/*","openai/gpt-5"]}""");

        List<String> scoped = json(get(secret, "/v1/models").body()).path("data").findValuesAsText("id");
        List<String> all = json(get(GATEWAY_KEY, "/v1/models").body()).path("data").findValuesAsText("id");

        assertThat(scoped).containsExactlyInAnyOrder("openai/gpt-5", "anthropic/claude-sonnet-4.6",
                "anthropic/claude-haiku-4.5");
        assertThat(all).contains("openai/gpt-5-mini", "google/gemini-2.5-flash").hasSizeGreaterThan(scoped.size());
    }

    @Test
    void the_listing_shows_a_keys_scope_and_never_its_secret() throws Exception {
        Instant expiresAt = Instant.parse("2099-01-01T00:00:00Z");
        JsonNode created = json(admin("POST", "/v1/admin/keys", """
                {"name":"listed","models":["anthropic/*"," openai/gpt-5 "],"apis":["chat","Messages"],
                 "expiresAt":"%s"}""".formatted(expiresAt)).body());
        String secret = created.path("secret").asText();
        String id = created.path("id").asText();

        HttpResponse<String> got = admin("GET", "/v1/admin/keys/" + id, null);
        HttpResponse<String> listed = admin("GET", "/v1/admin/keys", null);

        JsonNode key = json(got.body());
        assertThat(List.of(key.path("models").get(0).asText(), key.path("models").get(1).asText()))
                .containsExactly("anthropic/*", "openai/gpt-5");
        assertThat(key.path("apis").toString()).isEqualTo("[\"chat\",\"messages\"]");
        assertThat(key.path("expiresAt").asText()).isEqualTo(expiresAt.toString());
        assertThat(got.body()).doesNotContain(secret).doesNotContain("\"secret\"");
        assertThat(listed.body()).doesNotContain(secret).contains("\"expiresAt\":\"" + expiresAt + "\"");
        JsonNode unscoped = json(admin("POST", "/v1/admin/keys", "{\"name\":\"plain\"}").body());
        assertThat(unscoped.has("models") || unscoped.has("apis") || unscoped.has("expiresAt")).isFalse();
    }

    private void assertRefusedInOpenAiShape(HttpResponse<String> refused, String model, String param) {
        assertThat(refused.statusCode()).isEqualTo(403);
        JsonNode error = json(refused.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("permission_error");
        assertThat(error.path("code").asText()).isEqualTo("permission_denied");
        assertThat(error.path("param").asText()).isEqualTo(param);
        assertThat(error.path("message").asText()).contains("'" + model + "'");
    }

    private String issue(String json) throws Exception {
        HttpResponse<String> created = admin("POST", "/v1/admin/keys", json);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created.body()).path("secret").asText();
    }

    private HttpResponse<String> chat(String key, String body) throws Exception {
        return send(key, "/v1/chat/completions", body);
    }

    private HttpResponse<String> send(String key, String path, String body) throws Exception {
        return http.send(post(path, body).setHeader("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String key, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
