package dev.caravan.format.aisdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.Usage;
import dev.caravan.canonical.Warning;
import dev.caravan.error.GatewayException;
import dev.caravan.format.ProviderFormat;
import dev.caravan.format.anthropic.AnthropicFormat;
import dev.caravan.format.openai.OpenAiFormat;
import dev.caravan.stream.SseEvent;
import dev.caravan.stream.SseReader;
import dev.caravan.stream.StreamDecoder;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Provider streams, decoded by their own format's decoder into canonical chunks, encoded as the AI SDK's stream parts.
 * <pre>
 * fixture (format)              | covers
 * ------------------------------+--------------------------------------------------------------------------
 * anthropic/thinking.sse        | stream-start (warnings) + response-metadata first; reasoning block, then
 *                               | text block, then a tool input streamed and completed as tool-call; finish
 *                               | with tool-calls, usage, routing and cost
 * openai/stream_tool_calls.sse  | a call streamed in fragments; usage with cached and reasoning tokens
 * anthropic/error_mid_stream.sse| a failure after the stream began: an error part, no finish
 * synthetic chunks              | two parallel calls by index; a stream with no chunk at all
 * </pre>
 */
class AiSdkStreamEncoderTest {

    private static final String GENERATION_ID = "gen_01JF4ABCDEFGHJKMNPQRSTVWXY";
    private static final Instant CREATED = Instant.parse("2025-12-03T10:00:00Z");
    private static final JsonNode ROUTING = Json.MAPPER.valueToTree(Map.of("gateway", Map.of("routing",
            Map.of("finalProvider", "anthropic"))));

    private record Decoded(List<ChatCompletionChunk> chunks, GatewayException failure) {
    }

    private static Decoded decode(ProviderFormat format, String fixture) throws IOException {
        StreamDecoder decoder = format.streamDecoder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (InputStream in = AiSdkStreamEncoderTest.class.getResourceAsStream("/fixtures/" + fixture)) {
            assertThat(in).as("fixture %s", fixture).isNotNull();
            SseReader reader = new SseReader(in);
            for (SseEvent event = reader.next(); event != null; event = reader.next()) {
                chunks.addAll(decoder.decode(event));
            }
            chunks.addAll(decoder.finish());
            return new Decoded(chunks, null);
        } catch (GatewayException e) {
            return new Decoded(chunks, e);
        }
    }

    private static List<JsonNode> encode(List<ChatCompletionChunk> chunks, GatewayException failure)
            throws IOException {
        AiSdkStreamEncoder encoder = new AiSdkStreamEncoder(GENERATION_ID, "anthropic/claude-sonnet-4.6",
                List.of(Warning.unsupported("seed", "anthropic")), ROUTING,
                usage -> new BigDecimal("0.0042"), CREATED);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chunks.forEach(chunk -> out.writeBytes(encoder.encode(chunk)));
        out.writeBytes(failure == null ? encoder.finish() : encoder.error(failure));
        List<JsonNode> parts = new ArrayList<>();
        SseReader reader = new SseReader(new ByteArrayInputStream(out.toByteArray()));
        for (SseEvent event = reader.next(); event != null; event = reader.next()) {
            assertThat(event.event()).as("data-only events, as the SDK's event-source parser reads them")
                    .isNull();
            parts.add(Json.tree(event.data().getBytes(StandardCharsets.UTF_8)));
        }
        return parts;
    }

    private static List<String> types(List<JsonNode> parts) {
        return parts.stream().map(p -> p.path("type").asText()).toList();
    }

    @Test
    void streams_anthropic_thinking_text_and_a_tool_call_as_sdk_parts_in_order() throws IOException {
        Decoded decoded = decode(new AnthropicFormat(), "anthropic/thinking.sse");
        List<JsonNode> parts = encode(decoded.chunks(), null);

        assertThat(types(parts)).containsSubsequence("stream-start", "response-metadata", "reasoning-start",
                "reasoning-delta", "reasoning-end", "text-start", "text-delta", "text-end", "tool-input-start",
                "tool-input-delta", "tool-input-end", "tool-call", "finish");
        assertThat(types(parts).getLast()).isEqualTo("finish");
        assertThat(parts.getFirst().at("/warnings/0/type").asText()).isEqualTo("unsupported");
        assertThat(parts.getFirst().at("/warnings/0/feature").asText()).isEqualTo("seed");
        assertThat(parts.get(1).path("id").asText()).isEqualTo(GENERATION_ID);
        assertThat(parts.get(1).path("timestamp").asText()).isEqualTo("2025-12-03T10:00:00Z");

        String reasoning = join(parts, "reasoning-delta");
        assertThat(reasoning).isEqualTo("The user wants the weather in Paris. I should call get_weather.");
        assertThat(join(parts, "text-delta")).isEqualTo("Let me look that up.");
        JsonNode call = parts.stream().filter(p -> p.path("type").asText().equals("tool-call")).findFirst()
                .orElseThrow();
        assertThat(call.path("toolCallId").asText()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
        assertThat(call.path("toolName").asText()).isEqualTo("get_weather");
        assertThat(Json.tree(call.path("input").asText().getBytes(StandardCharsets.UTF_8)).path("location").asText())
                .isEqualTo("Paris");
        assertThat(join(parts, "tool-input-delta")).isEqualTo(call.path("input").asText());

        // the signature rides on the reasoning block it signs, where the SDK keeps it for the next turn
        assertThat(parts.stream().filter(p -> p.has("providerMetadata") && p.path("type").asText()
                .equals("reasoning-delta")).map(p -> p.at("/providerMetadata/anthropic/signature").asText()))
                .singleElement().asString().startsWith("EqQBCgIYAhIM");

        JsonNode finish = parts.getLast();
        assertThat(finish.at("/finishReason/unified").asText()).isEqualTo("tool-calls");
        assertThat(finish.at("/usage/inputTokens/total").asInt()).isEqualTo(312);
        assertThat(finish.at("/usage/outputTokens/total").asInt()).isPositive();
        assertThat(finish.at("/providerMetadata/gateway/routing/finalProvider").asText()).isEqualTo("anthropic");
        assertThat(finish.at("/providerMetadata/gateway/cost").asText()).isEqualTo("0.0042");
        assertOpenedBlocksAreClosed(parts);
    }

    @Test
    void streams_openai_tool_call_fragments_and_splits_cached_and_reasoning_tokens() throws IOException {
        List<JsonNode> parts = encode(decode(new OpenAiFormat(), "openai/stream_tool_calls.sse").chunks(), null);

        assertThat(types(parts)).containsSubsequence("tool-input-start", "tool-input-delta", "tool-input-end",
                "tool-call", "finish");
        JsonNode usage = parts.getLast().path("usage");
        int cached = usage.at("/inputTokens/cacheRead").asInt();
        assertThat(usage.at("/inputTokens/noCache").asInt() + cached)
                .isEqualTo(usage.at("/inputTokens/total").asInt());
        assertThat(usage.at("/outputTokens/text").asInt() + usage.at("/outputTokens/reasoning").asInt())
                .isEqualTo(usage.at("/outputTokens/total").asInt());
        assertOpenedBlocksAreClosed(parts);
    }

    @Test
    void ends_a_stream_that_failed_midway_with_an_error_part_and_no_finish() throws IOException {
        Decoded decoded = decode(new AnthropicFormat(), "anthropic/error_mid_stream.sse");
        assertThat(decoded.failure()).isNotNull();

        List<JsonNode> parts = encode(decoded.chunks(), decoded.failure());

        assertThat(types(parts)).doesNotContain("finish");
        assertThat(parts.getLast().path("type").asText()).isEqualTo("error");
        assertThat(parts.getLast().at("/error/message").asText()).isNotBlank();
        assertThat(parts.getLast().at("/error/type").asText()).isEqualTo("internal_server_error");
    }

    @Test
    void keeps_parallel_calls_apart_by_index_and_completes_each() throws IOException {
        List<ChatCompletionChunk> chunks = List.of(
                chunk(new Message("assistant", null, null, List.of(ToolCall.start(0, "call_a", "get_weather"),
                        ToolCall.start(1, "call_b", "get_time")), null, null, null, null), null),
                chunk(new Message("assistant", null, null, List.of(ToolCall.argumentsDelta(1, "{\"tz\":\"UTC\"}"),
                        ToolCall.argumentsDelta(0, "{\"city\":\"Oslo\"}")), null, null, null, null), "tool_calls"),
                ChatCompletionChunk.usageOnly("x", 0, "m", Usage.of(10, 5, null, null, null)));

        List<JsonNode> parts = encode(chunks, null);

        List<JsonNode> calls = parts.stream().filter(p -> p.path("type").asText().equals("tool-call")).toList();
        assertThat(calls).extracting(c -> c.path("toolCallId").asText(), c -> c.path("input").asText())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("call_a", "{\"city\":\"Oslo\"}"),
                        org.assertj.core.groups.Tuple.tuple("call_b", "{\"tz\":\"UTC\"}"));
        assertThat(parts.getLast().at("/usage/inputTokens/noCache").asInt()).isEqualTo(10);
    }

    @Test
    void opens_and_finishes_a_stream_the_provider_sent_nothing_on() throws IOException {
        List<JsonNode> parts = encode(List.of(), null);

        assertThat(types(parts)).containsExactly("stream-start", "response-metadata", "finish");
        assertThat(parts.getLast().at("/finishReason/unified").asText()).isEqualTo("other");
    }

    @Test
    void writes_a_heartbeat_the_sdk_skips() {
        AiSdkStreamEncoder encoder = new AiSdkStreamEncoder(GENERATION_ID, "m", List.of(), ROUTING, u -> null,
                CREATED);
        assertThat(new String(encoder.heartbeat(), StandardCharsets.US_ASCII)).startsWith(":");
    }

    private static ChatCompletionChunk chunk(Message delta, String finishReason) {
        return ChatCompletionChunk.of("x", 0, "m", delta, finishReason);
    }

    private static String join(List<JsonNode> parts, String type) {
        StringBuilder out = new StringBuilder();
        parts.stream().filter(p -> p.path("type").asText().equals(type))
                .forEach(p -> out.append(p.path("delta").asText()));
        return out.toString();
    }

    /** Every *-start has its *-end with the same id, after it: the SDK's stream processors rely on it. */
    private static void assertOpenedBlocksAreClosed(List<JsonNode> parts) {
        List<String> open = new ArrayList<>();
        for (JsonNode part : parts) {
            String type = part.path("type").asText();
            String id = part.path("id").asText();
            if (type.endsWith("-start") && !type.equals("stream-start")) {
                open.add(type.replace("-start", "") + ":" + id);
            } else if (type.endsWith("-end")) {
                assertThat(open.remove(type.replace("-end", "") + ":" + id)).as("%s closes an open block", part)
                        .isTrue();
            }
        }
        assertThat(open).as("blocks left open").isEmpty();
    }
}
