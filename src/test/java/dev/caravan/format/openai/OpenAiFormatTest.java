package dev.caravan.format.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Warning;
import dev.caravan.error.GatewayException;
import dev.caravan.format.UpstreamRequest;
import dev.caravan.stream.SseEvent;
import dev.caravan.stream.SseReader;
import dev.caravan.stream.StreamDecoder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** OpenAI is the canonical shape: requests and answers must survive the gateway field for field. */
class OpenAiFormatTest {

    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/openai");
    private final OpenAiFormat format = new OpenAiFormat();

    @Test
    void passes_a_request_through_field_for_field_renaming_only_the_model() throws IOException {
        byte[] original = Files.readAllBytes(FIXTURES.resolve("request_with_unknown_fields.json"));
        ChatRequest request = Json.read(original, ChatRequest.class);
        List<Warning> warnings = new ArrayList<>();

        UpstreamRequest upstream = format.toUpstream(request, "gpt-5-mini", warnings);

        JsonNode sent = Json.tree(upstream.body());
        JsonNode expected = Json.tree(original);
        ((com.fasterxml.jackson.databind.node.ObjectNode) expected).put("model", "gpt-5-mini");
        ((com.fasterxml.jackson.databind.node.ObjectNode) expected)
                .set("stream_options", Json.MAPPER.createObjectNode().put("include_usage", true));
        assertThat(sent).isEqualTo(expected);
        assertThat(warnings).isEmpty();
        assertThat(upstream.path()).isNull();
    }

    @Test
    void keeps_string_content_as_a_string_for_servers_that_accept_only_that() {
        ChatRequest request = Json.read("""
                {"model":"m","messages":[{"role":"user","content":"hi"}]}""", ChatRequest.class);

        JsonNode sent = Json.tree(format.toUpstream(request, "m", new ArrayList<>()).body());

        assertThat(sent.at("/messages/0/content").isTextual()).isTrue();
        assertThat(sent.has("stream_options")).isFalse();
    }

    @Test
    void reads_an_answer_keeping_fields_it_does_not_model() throws IOException {
        byte[] body = Files.readAllBytes(FIXTURES.resolve("response_text.json"));

        ChatCompletion completion = format.toCompletion(body);

        assertThat(completion.choices().getFirst().message().text()).isEqualTo("Hello!");
        assertThat(completion.choices().getFirst().finishReason()).isEqualTo("stop");
        assertThat(completion.usage().promptTokens()).isEqualTo(9);
        assertThat(Json.tree(Json.write(completion)).path("service_tier").asText()).isEqualTo("default");
        assertThat(Json.tree(Json.write(completion)).at("/choices/0/message/annotations").isArray()).isTrue();
    }

    @Test
    void decodes_streamed_tool_call_deltas_and_the_usage_chunk() throws IOException {
        List<ChatCompletionChunk> chunks = decode("stream_tool_calls.sse", format.streamDecoder());

        assertThat(chunks).hasSize(5);
        assertThat(chunks.getFirst().choices().getFirst().delta().toolCalls().getFirst().id()).isEqualTo("call_a");
        String arguments = chunks.stream().flatMap(c -> c.choices().stream())
                .filter(c -> c.delta().toolCalls() != null)
                .map(c -> c.delta().toolCalls().getFirst().function().arguments()).reduce("", String::concat);
        assertThat(arguments).isEqualTo("{\"q\":\"cats\"}");
        assertThat(chunks.get(3).choices().getFirst().finishReason()).isEqualTo("tool_calls");
        ChatCompletionChunk usage = chunks.getLast();
        assertThat(usage.choices()).isEmpty();
        assertThat(usage.usage().promptTokensDetails().cachedTokens()).isEqualTo(32);
        assertThat(usage.usage().completionTokensDetails().reasoningTokens()).isEqualTo(4);
    }

    @Test
    void raises_an_error_chunk_inside_a_stream() throws IOException {
        StreamDecoder decoder = format.streamDecoder();
        try (InputStream in = Files.newInputStream(FIXTURES.resolve("stream_error.sse"))) {
            SseReader reader = new SseReader(in);
            assertThat(decoder.decode(reader.next())).hasSize(1);
            SseEvent error = reader.next();
            assertThatThrownBy(() -> decoder.decode(error))
                    .isInstanceOf(GatewayException.class)
                    .hasMessageContaining("The server had an error");
        }
    }

    @Test
    void finds_the_message_in_an_error_body_and_tolerates_one_that_is_not_json() {
        assertThat(format.errorMessage("""
                {"error":{"message":"Invalid 'messages'","type":"invalid_request_error"}}""".getBytes()))
                .isEqualTo("Invalid 'messages'");
        assertThat(format.errorMessage("<html>Bad Gateway</html>".getBytes())).isNull();
    }

    private static List<ChatCompletionChunk> decode(String fixture, StreamDecoder decoder) throws IOException {
        List<ChatCompletionChunk> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(FIXTURES.resolve(fixture))) {
            SseReader reader = new SseReader(in);
            for (SseEvent event = reader.next(); event != null; event = reader.next()) {
                out.addAll(decoder.decode(event));
            }
        }
        out.addAll(decoder.finish());
        return out;
    }
}
