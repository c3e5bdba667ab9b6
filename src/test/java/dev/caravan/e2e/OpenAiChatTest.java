package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.RecordedRequest;
import dev.caravan.simulator.Reply;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Chat completions served by an OpenAI-compatible provider, through real HTTP on both sides. */
class OpenAiChatTest extends GatewayTestBase {

    @Test
    void serves_a_non_streamed_chat_in_openai_shape_under_the_requested_model_name() throws Exception {
        SIMULATOR.enqueue(Reply.text("Hi there").usage(12, 3));

        HttpResponse<String> response = chat(simpleRequest("openai/gpt-5-mini", false));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("openai");
        JsonNode body = json(response.body());
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("model").asText()).isEqualTo("openai/gpt-5-mini");
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Hi there");
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(body.at("/usage/prompt_tokens").asInt()).isEqualTo(12);
        assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(3);

        RecordedRequest upstream = SIMULATOR.lastRequest();
        assertThat(upstream.path()).isEqualTo("/v1/chat/completions");
        assertThat(upstream.header("authorization")).isEqualTo("Bearer " + OPENAI_KEY);
        assertThat(json(upstream.body()).path("model").asText()).isEqualTo("gpt-5-mini");
        assertThat(upstream.headers().toString()).doesNotContain(GATEWAY_KEY);
    }

    @Test
    void passes_fields_it_does_not_model_through_to_openai_compatible_providers() throws Exception {
        SIMULATOR.enqueue(Reply.text("ok"));

        chat("""
                {"model":"openai/gpt-5-mini","messages":[{"role":"user","content":"hi"}],
                 "service_tier":"flex","logit_bias":{"50256":-100},"metadata":{"team":"search"}}""");

        JsonNode upstream = json(SIMULATOR.lastRequest().body());
        assertThat(upstream.path("service_tier").asText()).isEqualTo("flex");
        assertThat(upstream.at("/logit_bias/50256").asInt()).isEqualTo(-100);
        assertThat(upstream.at("/metadata/team").asText()).isEqualTo("search");
    }

    @Test
    void streams_chunks_with_role_finish_reason_and_done_and_withholds_usage_not_asked_for() throws Exception {
        SIMULATOR.enqueue(Reply.text("one two three four").chunks(4).usage(5, 4));

        HttpResponse<String> response = chat(simpleRequest("openai/gpt-5-mini", true));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("text/event-stream"));
        List<String> data = SseEvents.data(response.body());
        assertThat(data).last().isEqualTo("[DONE]");
        List<JsonNode> chunks = SseEvents.chunks(response.body());
        assertThat(SseEvents.text(chunks)).isEqualTo("one two three four");
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(c.path("model").asText()).isEqualTo("openai/gpt-5-mini");
        });
        assertThat(chunks.getFirst().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(chunks).anySatisfy(c -> assertThat(c.at("/choices/0/finish_reason").asText()).isEqualTo("stop"));
        assertThat(chunks).noneSatisfy(c -> assertThat(c.has("usage")).isTrue());
        // the gateway always asks for usage, to account for every request, whatever the client asked
        assertThat(json(SIMULATOR.lastRequest().body()).at("/stream_options/include_usage").asBoolean()).isTrue();
    }

    @Test
    void ends_the_stream_with_a_usage_chunk_when_the_client_asks_for_it() throws Exception {
        SIMULATOR.enqueue(Reply.text("one two").chunks(2).usage(5, 2));

        HttpResponse<String> response = chat("""
                {"model":"openai/gpt-5-mini","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"hi"}]}""");

        List<JsonNode> chunks = SseEvents.chunks(response.body());
        JsonNode last = chunks.getLast();
        assertThat(last.path("choices").size()).isZero();
        assertThat(last.at("/usage/prompt_tokens").asInt()).isEqualTo(5);
        assertThat(last.at("/usage/completion_tokens").asInt()).isEqualTo(2);
    }

    @Test
    void forwards_each_event_as_it_arrives_and_aborts_the_provider_when_the_client_leaves() throws Exception {
        // the second chunk comes 60 s after the first: a gateway that buffered would not deliver the first in time
        SIMULATOR.enqueue(Reply.text("first second").chunks(2).chunkDelayMs(60_000));

        HttpResponse<InputStream> response = http.send(post("/v1/chat/completions",
                simpleRequest("openai/gpt-5-mini", true)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String text = "";
            while (!text.contains("first")) {
                String line = lines.readLine();
                assertThat(line).as("stream ended before its first words").isNotNull();
                if (line.startsWith("data: {")) {
                    text += SseEvents.text(SseEvents.chunks(line + "\n\n"));
                }
            }
            assertThat(SIMULATOR.abortedStreams()).isZero();
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.abortedStreams() == 1);
    }

    @Test
    void ends_a_stream_cut_by_the_provider_with_an_error_event_and_no_done() throws Exception {
        SIMULATOR.enqueue(Reply.text("a b c d e f").chunks(6).cutAfterChunks(2));

        HttpResponse<String> response = chat(simpleRequest("openai/gpt-5-mini", true));

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> data = SseEvents.data(response.body());
        assertThat(data).doesNotContain("[DONE]");
        JsonNode last = json(data.getLast());
        assertThat(last.at("/error/type").asText()).isEqualTo("api_error");
        assertThat(last.at("/error/message").asText()).startsWith("openai: ");
        assertThat(SseEvents.text(SseEvents.chunks(response.body()))).isNotEmpty();
    }

    @Test
    void lists_the_catalog_with_prices_and_context_windows() throws Exception {
        HttpResponse<String> response = http.send(java.net.http.HttpRequest.newBuilder(uri("/v1/models"))
                .header("Authorization", "Bearer " + GATEWAY_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response.body());
        assertThat(body.path("object").asText()).isEqualTo("list");
        JsonNode sonnet = null;
        for (JsonNode model : body.path("data")) {
            if (model.path("id").asText().equals("anthropic/claude-sonnet-4.6")) {
                sonnet = model;
            }
        }
        assertThat(sonnet).isNotNull();
        assertThat(sonnet.path("object").asText()).isEqualTo("model");
        assertThat(sonnet.path("owned_by").asText()).isEqualTo("anthropic");
        assertThat(sonnet.path("context_window").asInt()).isEqualTo(200000);
        assertThat(sonnet.at("/pricing/input").asDouble()).isEqualTo(3.0);
        assertThat(sonnet.at("/pricing/cache_write").asDouble()).isEqualTo(3.75);
    }
}
