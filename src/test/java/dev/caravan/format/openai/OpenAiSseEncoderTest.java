package dev.caravan.format.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Warning;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.stream.SseEvent;
import dev.caravan.stream.SseReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAI SSE encoder on its own, over a recorded provider stream (tool-call deltas, a finish chunk, a usage-only
 * chunk): what each chunk becomes on the client's wire, with no meter and no routing behind it.
 */
class OpenAiSseEncoderTest {

    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/openai");
    private static final List<Warning> GATEWAY_WARNINGS = List.of(Warning.adjusted("max_tokens", "capped"));
    private static final JsonNode ROUTING = Json.tree("{\"gateway\":{\"routing\":{\"finalProvider\":\"alpha\"}}}"
            .getBytes(StandardCharsets.UTF_8));

    private static OpenAiSseEncoder encoder(boolean includeUsage) {
        return new OpenAiSseEncoder("gen_1", "acme/m", GATEWAY_WARNINGS, ROUTING, includeUsage,
                usage -> new BigDecimal("0.0042"));
    }

    @Test
    void writes_a_middle_event_as_the_provider_sent_it_with_only_id_and_model_spliced_and_null_usage_dropped() {
        OpenAiSseEncoder encoder = encoder(false);
        String first = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m-1\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}],\"usage\":null}";
        // spacing, key order and a field nobody models, as a provider may write them
        String middle = "{\"id\": \"chatcmpl-1\", \"model\": \"m-1\", \"obfuscation\": \"x9\", \"usage\": null, "
                + "\"choices\": [{\"index\": 0, \"delta\": {\"content\": \"caf\\u00e9\"}, \"finish_reason\": null}]}";
        String last = "{\"id\":\"chatcmpl-1\",\"model\":\"m-1\",\"choices\":[{\"index\":0,\"delta\":{},"
                + "\"finish_reason\":\"stop\"}]}";

        String firstOut = wire(encoder, first);
        String middleOut = wire(encoder, middle);
        String lastOut = wire(encoder, last);

        // the first chunk carries the gateway's warnings and the finish chunk its routing: both encoded
        assertThat(json(firstOut).at("/warnings/0/param").asText()).isEqualTo("max_tokens");
        assertThat(json(lastOut).path(OpenAiSseEncoder.METADATA_FIELD)).isEqualTo(ROUTING);
        assertThat(middleOut).isEqualTo("data: {\"id\": \"gen_1\", \"model\": \"acme/m\", \"obfuscation\": \"x9\", "
                + "\"choices\": [{\"index\": 0, \"delta\": {\"content\": \"caf\\u00e9\"}, \"finish_reason\": null}]}\n\n");
        // the [DONE] event decodes to no chunk and writes nothing: finish() writes the client's own
        assertThat(encoder.encode(dev.caravan.stream.ChunkStream.EVENT_ONLY, SseEvent.data("[DONE]"))).isEmpty();
    }

    private static String wire(OpenAiSseEncoder encoder, String data) {
        ChatCompletionChunk chunk = Json.read(data, ChatCompletionChunk.class);
        return new String(encoder.encode(chunk, SseEvent.data(data)), StandardCharsets.UTF_8);
    }

    private static JsonNode json(String event) {
        return Json.tree(event.substring("data: ".length()).trim().getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "include_usage={0}")
    @ValueSource(booleans = {false, true})
    void renames_every_chunk_and_puts_warnings_first_and_routing_on_the_finish(boolean includeUsage)
            throws IOException {
        List<JsonNode> events = encode(encoder(includeUsage), chunks("stream_tool_calls.sse"));

        // four content chunks, and the usage-only one only when the client asked for it
        assertThat(events).hasSize(includeUsage ? 5 : 4);
        assertThat(events).allSatisfy(e -> {
            assertThat(e.path("id").asText()).isEqualTo("gen_1");
            assertThat(e.path("model").asText()).isEqualTo("acme/m");
        });
        assertThat(events.getFirst().at("/warnings/0/param").asText()).isEqualTo("max_tokens");
        assertThat(events.subList(1, events.size())).noneMatch(e -> e.has("warnings"));
        assertThat(events.get(3).at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(events.get(3).path(OpenAiSseEncoder.METADATA_FIELD)).isEqualTo(ROUTING);
        assertThat(events.subList(0, 3)).noneMatch(e -> e.has(OpenAiSseEncoder.METADATA_FIELD));
        if (includeUsage) {
            // a stream cannot carry a cost header: the usage chunk carries the cost
            assertThat(events.getLast().at("/usage/cost").decimalValue()).isEqualByComparingTo("0.0042");
            assertThat(events.getLast().at("/usage/prompt_tokens").asInt()).isEqualTo(40);
            // the last chunk, where clients read the totals, carries the routing too
            assertThat(events.getLast().path(OpenAiSseEncoder.METADATA_FIELD)).isEqualTo(ROUTING);
        }
    }

    @Test
    void writes_the_end_the_error_and_the_heartbeat_as_openai_clients_read_them() {
        OpenAiSseEncoder encoder = encoder(false);
        GatewayException error = new GatewayException(ErrorKind.INTERNAL, "The gateway failed to process the request.");

        Map<String, String> written = Map.of(
                "end", ascii(encoder.finish()),
                "heartbeat", ascii(encoder.heartbeat()),
                "error", ascii(encoder.error(error)));

        assertThat(written.get("end")).isEqualTo("data: [DONE]\n\n");
        assertThat(written.get("heartbeat")).startsWith(":").endsWith("\n\n");
        assertThat(written.get("error")).startsWith("data: {\"error\":{").endsWith("}}\n\n");
        JsonNode body = Json.tree(written.get("error").substring("data: ".length()).strip()
                .getBytes(StandardCharsets.UTF_8));
        // all four fields, null or not, as OpenAI writes them
        assertThat(body.path("error").has("param")).isTrue();
        assertThat(body.path("error").has("code")).isTrue();
        assertThat(body.at("/error/message").asText()).isEqualTo(error.getMessage());
    }

    private static List<ChatCompletionChunk> chunks(String fixture) throws IOException {
        var decoder = new OpenAiFormat().streamDecoder();
        List<ChatCompletionChunk> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(FIXTURES.resolve(fixture))) {
            SseReader reader = new SseReader(in);
            for (SseEvent event = reader.next(); event != null; event = reader.next()) {
                out.addAll(decoder.decode(event));
            }
        }
        return out;
    }

    private static List<JsonNode> encode(OpenAiSseEncoder encoder, List<ChatCompletionChunk> chunks)
            throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        chunks.forEach(chunk -> wire.writeBytes(encoder.encode(chunk)));
        List<JsonNode> events = new ArrayList<>();
        SseReader reader = new SseReader(new ByteArrayInputStream(wire.toByteArray()));
        for (SseEvent event = reader.next(); event != null; event = reader.next()) {
            events.add(Json.tree(event.data().getBytes(StandardCharsets.UTF_8)));
        }
        return events;
    }

    private static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
