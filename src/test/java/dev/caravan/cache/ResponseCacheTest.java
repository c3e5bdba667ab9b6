package dev.caravan.cache;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.e2e.GatewayTestBase;
import dev.caravan.simulator.Reply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The response cache over real sockets, in front of the provider simulator: a request that asks for it
 * ({@code providerOptions.gateway.cache: true}) is answered once by the provider and then from the cache, streamed
 * or not, marked {@code x-caravan-cache: hit}, recorded with provider {@code cache} at no cost, and never for
 * another project; a project can turn it on for all its requests ({@code cacheAnswers}); a request that does not
 * ask (of a project that did not turn it on), or an answer that failed, is never served from it.
 */
class ResponseCacheTest extends GatewayTestBase {

    private static final String ADMIN_KEY = "cvn-test-admin-key-cache-7788";

    @DynamicPropertySource
    static void adminKey(DynamicPropertyRegistry registry) {
        registry.add("CARAVAN_ADMIN_KEY", () -> ADMIN_KEY);
    }

    /** A request no other test sends: each test sees its own cache entries. */
    private String prompt;

    @BeforeEach
    void freshPrompt() {
        prompt = "cache test " + UUID.randomUUID();
        SIMULATOR.reset();
    }

    @Test
    void an_identical_request_is_answered_from_the_cache_at_no_cost() throws Exception {
        SIMULATOR.enqueue(Reply.text("cached words"));

        HttpResponse<String> first = send(GATEWAY_KEY, request(false, true));
        HttpResponse<String> second = send(GATEWAY_KEY, request(false, true));

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(SIMULATOR.requests()).as("the provider answered once").hasSize(1);
        assertThat(first.headers().firstValue("x-caravan-cache")).hasValue("miss");
        assertThat(second.headers().firstValue("x-caravan-cache")).hasValue("hit");
        assertThat(second.headers().firstValue("x-caravan-provider")).hasValue("cache");
        assertThat(second.headers().firstValue("x-caravan-cost")).hasValue("0");
        JsonNode answer = json(second.body());
        assertThat(answer.at("/choices/0/message/content").asText()).isEqualTo("cached words");
        assertThat(answer.path("model").asText()).isEqualTo("openai/gpt-5-mini");
        assertThat(answer.path("id").asText()).as("a generation of its own")
                .isNotEqualTo(json(first.body()).path("id").asText());
        assertThat(answer.at("/usage/prompt_tokens").asInt()).isEqualTo(
                json(first.body()).at("/usage/prompt_tokens").asInt());

        JsonNode record = generation(second, GATEWAY_KEY);
        assertThat(record.path("provider_name").asText()).isEqualTo("cache");
        assertThat(new BigDecimal(record.path("total_cost").asText())).isZero();
        assertThat(new BigDecimal(generation(first, GATEWAY_KEY).path("total_cost").asText())).isPositive();
    }

    @Test
    void a_stream_is_replayed_as_a_stream() throws Exception {
        SIMULATOR.enqueue(Reply.text("streamed and kept"));

        HttpResponse<String> first = send(GATEWAY_KEY, request(true, true));
        HttpResponse<String> second = send(GATEWAY_KEY, request(true, true));

        assertThat(SIMULATOR.requests()).hasSize(1);
        assertThat(second.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        assertThat(second.headers().firstValue("x-caravan-cache")).hasValue("hit");
        assertThat(text(second.body())).isEqualTo(text(first.body())).isEqualTo("streamed and kept");
        assertThat(second.body()).contains("\"finish_reason\":\"stop\"").endsWith("data: [DONE]\n\n");
        // a whole answer is another request: it is not served from the stream's entry
        SIMULATOR.enqueue(Reply.text("whole"));
        assertThat(send(GATEWAY_KEY, request(false, true)).headers().firstValue("x-caravan-cache")).hasValue("miss");
    }

    @Test
    void on_the_messages_api_a_passed_through_answer_is_served_again_in_anthropics_shape() throws Exception {
        SIMULATOR.enqueue(Reply.text("from claude"));
        SIMULATOR.enqueue(Reply.text("streamed claude"));
        String whole = messages(false);
        String streamed = messages(true);

        HttpResponse<String> first = send(GATEWAY_KEY, "/v1/messages", whole);
        HttpResponse<String> hit = send(GATEWAY_KEY, "/v1/messages", whole);
        HttpResponse<String> firstStream = send(GATEWAY_KEY, "/v1/messages", streamed);
        HttpResponse<String> streamHit = send(GATEWAY_KEY, "/v1/messages", streamed);

        assertThat(SIMULATOR.requests()).hasSize(2);
        assertThat(hit.statusCode()).as(hit.body()).isEqualTo(200);
        assertThat(hit.headers().firstValue("x-caravan-cache")).hasValue("hit");
        JsonNode message = json(hit.body());
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.at("/content/0/text").asText()).isEqualTo("from claude");
        assertThat(message.path("stop_reason").asText()).isEqualTo(json(first.body()).path("stop_reason").asText());
        assertThat(streamHit.headers().firstValue("x-caravan-cache")).hasValue("hit");
        assertThat(streamHit.body()).contains("event: message_start").contains("event: message_stop");
        assertThat(text(streamHit.body())).isEqualTo(text(firstStream.body())).isEqualTo("streamed claude");
    }

    @Test
    void the_options_header_asks_for_the_cache_on_the_responses_api_too() throws Exception {
        SIMULATOR.enqueue(Reply.text("a response"));
        String body = """
                {"model":"openai/gpt-5-mini","input":"%s"}""".formatted(prompt);

        HttpResponse<String> first = responses(body);
        HttpResponse<String> hit = responses(body);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(hit.headers().firstValue("x-caravan-cache")).hasValue("hit");
        assertThat(hit.body()).contains("a response").contains("\"object\":\"response\"");
        assertThat(SIMULATOR.requests()).hasSize(1);
    }

    private HttpResponse<String> responses(String body) throws IOException, InterruptedException {
        return http.send(post("/v1/responses", body).header("x-caravan-options", "{\"cache\":true}").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void one_projects_answer_is_never_served_to_another() throws Exception {
        String projectA = project("cache-a-" + UUID.randomUUID());
        String teamA = key(projectA);
        String teamAToo = key(projectA);
        String teamB = key(project("cache-b-" + UUID.randomUUID()));
        SIMULATOR.enqueue(Reply.text("for A"));
        SIMULATOR.enqueue(Reply.text("for B"));

        HttpResponse<String> a = send(teamA, request(false, true));
        HttpResponse<String> b = send(teamB, request(false, true));
        HttpResponse<String> aAgain = send(teamAToo, request(false, true));

        assertThat(json(a.body()).at("/choices/0/message/content").asText()).isEqualTo("for A");
        assertThat(b.headers().firstValue("x-caravan-cache")).hasValue("miss");
        assertThat(json(b.body()).at("/choices/0/message/content").asText()).isEqualTo("for B");
        assertThat(aAgain.headers().firstValue("x-caravan-cache")).as("another key of the same project")
                .hasValue("hit");
        assertThat(json(aAgain.body()).at("/choices/0/message/content").asText()).isEqualTo("for A");
        assertThat(SIMULATOR.requests()).hasSize(2);
    }

    @Test
    void a_project_that_turned_it_on_is_cached_without_asking_unless_a_request_says_no() throws Exception {
        String cached = project("cache-on-" + UUID.randomUUID());
        HttpResponse<String> on = admin(ADMIN_KEY, "PATCH", "/v1/admin/projects/" + cached, "{\"cacheAnswers\":true}");
        assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
        assertThat(json(on.body()).path("cacheAnswers").asBoolean()).isTrue();
        String teamKey = key(cached);
        String otherKey = key(project("cache-off-" + UUID.randomUUID()));
        SIMULATOR.enqueue(Reply.text("kept for the project"));
        SIMULATOR.enqueue(Reply.text("the other project's"));
        SIMULATOR.enqueue(Reply.text("asked not to"));

        HttpResponse<String> first = send(teamKey, request(false, false));
        HttpResponse<String> second = send(teamKey, request(false, false));
        HttpResponse<String> other = send(otherKey, request(false, false));
        HttpResponse<String> refused = send(teamKey, """
                {"model":"openai/gpt-5-mini","messages":[{"role":"user","content":"%s"}],
                 "providerOptions":{"gateway":{"cache":false}}}""".formatted(prompt));

        assertThat(first.headers().firstValue("x-caravan-cache")).hasValue("miss");
        assertThat(second.headers().firstValue("x-caravan-cache")).hasValue("hit");
        assertThat(json(second.body()).at("/choices/0/message/content").asText()).isEqualTo("kept for the project");
        assertThat(other.headers().firstValue("x-caravan-cache")).as("a project that did not turn it on").isEmpty();
        assertThat(refused.headers().firstValue("x-caravan-cache")).isEmpty();
        assertThat(json(refused.body()).at("/choices/0/message/content").asText()).isEqualTo("asked not to");
        assertThat(SIMULATOR.requests()).hasSize(3);

        // turned off again: the next request goes to the provider (the change reaches the request path at once)
        assertThat(admin(ADMIN_KEY, "PATCH", "/v1/admin/projects/" + cached, "{\"cacheAnswers\":false}")
                .statusCode()).isEqualTo(200);
        SIMULATOR.enqueue(Reply.text("fresh"));
        HttpResponse<String> afterOff = send(teamKey, request(false, false));
        assertThat(afterOff.headers().firstValue("x-caravan-cache")).isEmpty();
        assertThat(json(afterOff.body()).at("/choices/0/message/content").asText()).isEqualTo("fresh");
        assertThat(admin(ADMIN_KEY, "PATCH", "/v1/admin/projects/" + cached, "{\"cacheAnswers\":\"yes\"}")
                .statusCode()).isEqualTo(400);
    }

    @Test
    void without_the_option_or_after_a_failure_the_provider_answers() throws Exception {
        SIMULATOR.enqueue(Reply.text("one"));
        SIMULATOR.enqueue(Reply.text("two"));
        HttpResponse<String> plain = send(GATEWAY_KEY, request(false, false));
        send(GATEWAY_KEY, request(false, false));
        assertThat(SIMULATOR.requests()).hasSize(2);
        assertThat(plain.headers().firstValue("x-caravan-cache")).isEmpty();

        SIMULATOR.enqueue(Reply.error(400, "messages: not today"));
        assertThat(send(GATEWAY_KEY, request(false, true)).statusCode()).isEqualTo(400);
        SIMULATOR.enqueue(Reply.text("now"));
        HttpResponse<String> retried = send(GATEWAY_KEY, request(false, true));
        assertThat(retried.headers().firstValue("x-caravan-cache")).hasValue("miss");
        assertThat(json(retried.body()).at("/choices/0/message/content").asText()).isEqualTo("now");
    }

    @Test
    void the_option_must_be_true_or_false() throws Exception {
        HttpResponse<String> refused = send(GATEWAY_KEY, """
                {"model":"openai/gpt-5-mini","messages":[{"role":"user","content":"hi"}],
                 "providerOptions":{"gateway":{"cache":"yes"}}}""");

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused.body()).at("/error/param").asText()).isEqualTo("cache");
        assertThat(SIMULATOR.requests()).isEmpty();
    }

    private String request(boolean stream, boolean cache) {
        return """
                {"model":"openai/gpt-5-mini","stream":%s,"messages":[{"role":"user","content":"%s"}]%s}"""
                .formatted(stream, prompt, cache ? ",\"providerOptions\":{\"gateway\":{\"cache\":true}}" : "");
    }

    private String messages(boolean stream) {
        return """
                {"model":"anthropic/claude-haiku-4.5","max_tokens":64,"stream":%s,
                 "messages":[{"role":"user","content":"%s"}],"providerOptions":{"gateway":{"cache":true}}}"""
                .formatted(stream, prompt);
    }

    private HttpResponse<String> send(String key, String body) throws IOException, InterruptedException {
        return send(key, "/v1/chat/completions", body);
    }

    private HttpResponse<String> send(String key, String path, String body) throws IOException, InterruptedException {
        return http.send(post(path, body).setHeader("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The text of a stream's content deltas, in order (OpenAI's chunks or Anthropic's text deltas). */
    private static String text(String sse) {
        StringBuilder text = new StringBuilder();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode event = json(line.substring(6));
                for (JsonNode choice : event.path("choices")) {
                    text.append(choice.at("/delta/content").asText(""));
                }
                if (event.at("/delta/type").asText().equals("text_delta")) {
                    text.append(event.at("/delta/text").asText());
                }
            }
        }
        return text.toString();
    }

    private String project(String name) throws IOException, InterruptedException {
        HttpResponse<String> created = admin(ADMIN_KEY, "POST", "/v1/admin/projects", "{\"name\":\"" + name + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created.body()).path("id").asText();
    }

    private String key(String projectId) throws IOException, InterruptedException {
        HttpResponse<String> created = admin(ADMIN_KEY, "POST", "/v1/admin/keys",
                "{\"name\":\"cache\",\"projectId\":\"" + projectId + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created.body()).path("secret").asText();
    }

    private JsonNode generation(HttpResponse<String> answer, String key) {
        String id = answer.headers().firstValue("x-caravan-generation-id").orElseThrow();
        return await().atMost(Duration.ofSeconds(10)).until(() -> {
            HttpResponse<String> read = http.send(HttpRequest.newBuilder(uri("/v1/generation?id=" + id))
                    .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
            return read.statusCode() == 200 ? json(read.body()).path("data") : null;
        }, node -> node != null);
    }
}
