package dev.caravan.format.anthropic;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.Usage;
import dev.caravan.canonical.Warning;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.format.ProviderFormat;
import dev.caravan.format.gemini.GeminiFormat;
import dev.caravan.format.openai.OpenAiFormat;
import dev.caravan.stream.SseEvent;
import dev.caravan.stream.SseReader;
import dev.caravan.stream.StreamDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Provider streams (recorded-shape {@code .sse} fixtures of each format, through that format's decoder) encoded as
 * the gateway's Anthropic stream, then parsed back by {@link AnthropicStreamDecoder} and by the Anthropic Java SDK.
 *
 * <pre>
 * source fixture                          text  thinking+signature  tool calls     output tool  usage  compared
 * anthropic/text.sse                       x                                                      x     chunk for chunk
 * anthropic/thinking.sse                   x        x                  x                          x     chunk for chunk
 * anthropic/tool_use_parallel.sse          x                           x (2)                      x     chunk for chunk
 * anthropic/json_schema_tool.sse                                                        x         x     chunk for chunk
 * openai/stream_tool_calls.sse                                         x                          x     assembled answer
 * gemini/stream_text.sse                   x                                                      x     assembled answer
 * gemini/stream_thinking.sse               x        x (unsigned)                                  x     assembled answer
 * gemini/stream_parallel_tool_calls.sse                                x (2)                      x     assembled answer
 * anthropic/error_mid_stream.sse: error event after the stream began; framing, ping, warnings, a server that
 * repeats call ids on every fragment, an empty stream: own tests
 * </pre>
 */
class MessagesSseEncoderTest {

    private static final long CREATED = 1_760_000_000L;
    private static final String MODEL = "anthropic/claude-sonnet-4.6";

    private static byte[] fixture(String path) throws IOException {
        try (InputStream in = MessagesSseEncoderTest.class.getResourceAsStream("/fixtures/" + path)) {
            assertThat(in).as("fixture %s", path).isNotNull();
            return in.readAllBytes();
        }
    }

    static List<SseEvent> events(byte[] sse) throws IOException {
        SseReader reader = new SseReader(new ByteArrayInputStream(sse));
        List<SseEvent> events = new ArrayList<>();
        for (SseEvent event = reader.next(); event != null; event = reader.next()) {
            events.add(event);
        }
        return events;
    }

    static List<ChatCompletionChunk> decode(byte[] sse, StreamDecoder decoder) throws IOException {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        for (SseEvent event : events(sse)) {
            chunks.addAll(decoder.decode(event));
        }
        chunks.addAll(decoder.finish());
        return chunks;
    }

    static byte[] encode(List<ChatCompletionChunk> chunks) {
        MessagesSseEncoder encoder = new MessagesSseEncoder(MODEL, List.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chunks.forEach(chunk -> out.writeBytes(encoder.encode(chunk)));
        out.writeBytes(encoder.finish());
        return out.toByteArray();
    }

    /**
     * The chunks under the catalog model, cache counts an older Anthropic stream left out as 0: the gateway always
     * writes them, as current Anthropic streams do, since clients add them up.
     */
    private static List<ChatCompletionChunk> underModel(List<ChatCompletionChunk> chunks) {
        return chunks.stream().map(chunk -> chunk.renamed(chunk.id(), MODEL)).map(chunk -> {
            Usage usage = chunk.usage();
            if (usage == null || usage.promptTokensDetails() != null) {
                return chunk;
            }
            return chunk.withUsage(Usage.of(usage.promptTokens(), usage.completionTokens(), 0, 0, null));
        }).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"text.sse", "thinking.sse", "tool_use_parallel.sse", "json_schema_tool.sse"})
    void an_anthropic_stream_decodes_back_to_the_same_chunks(String name) throws IOException {
        List<ChatCompletionChunk> original = decode(fixture("anthropic/" + name), new AnthropicStreamDecoder(CREATED));

        byte[] encoded = encode(original);

        assertThat(decode(encoded, new AnthropicStreamDecoder(CREATED))).isEqualTo(underModel(original));
        assertSdkParsesEveryEvent(encoded);
    }

    @ParameterizedTest
    @CsvSource({
            "openai, openai/stream_tool_calls.sse",
            "gemini, gemini/stream_text.sse",
            "gemini, gemini/stream_thinking.sse",
            "gemini, gemini/stream_parallel_tool_calls.sse",
    })
    void another_providers_stream_reaches_an_anthropic_client_with_the_same_answer(String format, String path)
            throws IOException {
        ProviderFormat provider = "openai".equals(format) ? new OpenAiFormat() : new GeminiFormat();
        List<ChatCompletionChunk> original = decode(fixture(path), provider.streamDecoder());

        byte[] encoded = encode(original);

        assertThat(Assembled.of(decode(encoded, new AnthropicStreamDecoder(CREATED))))
                .isEqualTo(Assembled.of(original));
        assertSdkParsesEveryEvent(encoded);
    }

    @Test
    void frames_every_event_with_its_event_line_in_anthropics_order() throws IOException {
        byte[] encoded = encode(decode(fixture("anthropic/thinking.sse"), new AnthropicStreamDecoder(CREATED)));

        List<SseEvent> events = events(encoded);
        assertThat(events).allSatisfy(event ->
                assertThat(Json.tree(event.data().getBytes()).path("type").asText()).isEqualTo(event.event()));
        assertThat(events).extracting(SseEvent::event).containsExactly(
                "message_start",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta",
                "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop");
        JsonNode start = Json.tree(events.getFirst().data().getBytes());
        assertThat(start.path("message").path("model").asText()).isEqualTo(MODEL);
        assertThat(start.path("message").path("id").asText()).startsWith("msg_");
        assertThat(start.path("message").has("stop_reason")).isTrue();
        JsonNode delta = Json.tree(events.get(events.size() - 2).data().getBytes());
        assertThat(delta.path("delta").path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(delta.path("delta").has("stop_sequence")).isTrue();
        assertThat(delta.path("usage").path("output_tokens").asInt()).isPositive();
        assertThat(new String(encoded)).doesNotContain("\r").endsWith("\n\n");
    }

    @Test
    void an_error_after_the_stream_began_is_an_error_event_the_decoder_classifies_as_the_original()
            throws IOException {
        StreamDecoder upstream = new AnthropicStreamDecoder(CREATED);
        MessagesSseEncoder encoder = new MessagesSseEncoder(MODEL, List.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GatewayException failure = null;
        for (SseEvent event : events(fixture("anthropic/error_mid_stream.sse"))) {
            try {
                upstream.decode(event).forEach(chunk -> out.writeBytes(encoder.encode(chunk)));
            } catch (GatewayException e) {
                failure = e;
                out.writeBytes(encoder.error(e));
                break;
            }
        }
        assertThat(failure).isNotNull();

        List<SseEvent> events = events(out.toByteArray());
        assertThat(events.getLast().event()).isEqualTo("error");
        assertThat(Json.tree(events.getLast().data().getBytes()).path("error").path("type").asText())
                .isEqualTo("overloaded_error");
        StreamDecoder client = new AnthropicStreamDecoder(CREATED);
        assertThatThrownBy(() -> events.forEach(client::decode))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_OVERLOADED));
        assertThat(encoder.finish()).as("nothing after the error").isEmpty();
    }

    @Test
    void a_server_that_repeats_the_call_id_on_every_fragment_still_gets_one_block_per_call() throws IOException {
        List<ChatCompletionChunk> chunks = List.of(
                toolChunk(new ToolCall(0, "call_a", "function", new ToolCall.FunctionCall("lookup", "{\"q\":"))),
                toolChunk(new ToolCall(0, "call_a", "function", new ToolCall.FunctionCall("lookup", "\"cats\"}"))),
                toolChunk(new ToolCall(1, "call_b", "function", new ToolCall.FunctionCall("lookup", "{}"))));

        List<SseEvent> events = events(encode(chunks));

        assertThat(events).filteredOn(event -> "content_block_start".equals(event.event())).hasSize(2);
        assertThat(Assembled.of(decode(encode(chunks), new AnthropicStreamDecoder(CREATED))).calls())
                .containsExactly(Map.entry(0, List.of("call_a", "lookup", "{\"q\":\"cats\"}")),
                        Map.entry(1, List.of("call_b", "lookup", "{}")));
    }

    private static ChatCompletionChunk toolChunk(ToolCall call) {
        return ChatCompletionChunk.of("gen-1", CREATED, "m", Message.assistant(null, List.of(call), null), null);
    }

    @Test
    void a_ping_is_a_framed_event_the_sdk_reads() throws IOException {
        byte[] ping = new MessagesSseEncoder(MODEL, List.of()).heartbeat();
        assertThat(new String(ping)).isEqualTo("event: ping\ndata: {\"type\":\"ping\"}\n\n");
        assertSdkParsesEveryEvent(ping);
    }

    @Test
    void warnings_ride_in_message_start_and_later_ones_in_message_delta() throws IOException {
        // the gateway's own (what the Messages reader could not carry) come after the provider's first ones
        MessagesSseEncoder encoder = new MessagesSseEncoder(MODEL,
                List.of(Warning.adjusted("tools[].cache_control", "not carried")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(encoder.encode(ChatCompletionChunk.of("gen-1", CREATED, "m", Message.assistant("Hi", null, null),
                null).withWarnings(List.of(Warning.unsupported("top_k", "openai")))));
        out.writeBytes(encoder.encode(ChatCompletionChunk.of("gen-1", CREATED, "m", Message.assistant(null, null, null),
                "stop").withWarnings(List.of(Warning.adjusted("max_tokens", "lowered")))));
        out.writeBytes(encoder.finish());

        List<SseEvent> events = events(out.toByteArray());
        assertThat(Json.tree(events.getFirst().data().getBytes()).path("message").path("warnings").get(0)
                .path("param").asText()).isEqualTo("top_k");
        assertThat(Json.tree(events.getFirst().data().getBytes()).path("message").path("warnings").get(1)
                .path("param").asText()).isEqualTo("tools[].cache_control");
        JsonNode delta = Json.tree(events.get(events.size() - 2).data().getBytes());
        assertThat(delta.path("warnings").get(0).path("param").asText()).isEqualTo("max_tokens");
        assertThat(delta.path("delta").path("stop_reason").asText()).isEqualTo("end_turn");
        assertSdkParsesEveryEvent(out.toByteArray());
    }

    @Test
    void an_empty_stream_still_starts_and_stops_a_message() throws IOException {
        List<SseEvent> events = events(new MessagesSseEncoder(MODEL, List.of()).finish());

        assertThat(events).extracting(SseEvent::event).containsExactly("message_start", "message_delta",
                "message_stop");
    }

    /** Each event through the SDK's own union deserializer, which rejects unknown event types and shapes. */
    static void assertSdkParsesEveryEvent(byte[] sse) throws IOException {
        for (SseEvent event : events(sse)) {
            if ("ping".equals(event.event()) || "error".equals(event.event())) {
                continue; // the SDK handles these before the event union; its union has neither
            }
            RawMessageStreamEvent parsed = ObjectMappers.jsonMapper().readValue(event.data(),
                    RawMessageStreamEvent.class);
            parsed.validate();
        }
    }

    /** What a client builds from a stream: text, reasoning, each call, the finish reason and the counts. */
    record Assembled(String text, String reasoning, Map<Integer, List<String>> calls, String finishReason,
                     Integer promptTokens, Integer completionTokens, Integer cachedTokens) {

        static Assembled of(List<ChatCompletionChunk> chunks) {
            StringBuilder text = new StringBuilder();
            StringBuilder reasoning = new StringBuilder();
            Map<Integer, List<String>> calls = new LinkedHashMap<>();
            String finish = null;
            Usage usage = null;
            for (ChatCompletionChunk chunk : chunks) {
                usage = chunk.usage() != null ? chunk.usage() : usage;
                for (ChatCompletionChunk.ChunkChoice choice : chunk.choices()) {
                    Message delta = choice.delta();
                    text.append(delta.text());
                    reasoning.append(Objects.requireNonNullElse(delta.reasoningContent(), ""));
                    for (ToolCall call : Objects.requireNonNullElse(delta.toolCalls(), List.<ToolCall>of())) {
                        List<String> acc = calls.computeIfAbsent(call.index(),
                                i -> new ArrayList<>(List.of("", "", "")));
                        acc.set(0, call.id() != null ? call.id() : acc.get(0));
                        acc.set(1, call.function().name() != null ? call.function().name() : acc.get(1));
                        acc.set(2, acc.get(2) + Objects.requireNonNullElse(call.function().arguments(), ""));
                    }
                    finish = choice.finishReason() != null ? choice.finishReason() : finish;
                }
            }
            Usage.PromptDetails details = usage == null ? null : usage.promptTokensDetails();
            // Anthropic always reports cache reads, 0 where another provider said nothing
            return new Assembled(text.toString(), reasoning.toString(), calls, finish,
                    usage == null ? null : usage.promptTokens(), usage == null ? null : usage.completionTokens(),
                    details == null || details.cachedTokens() == null ? 0 : details.cachedTokens());
        }
    }
}
