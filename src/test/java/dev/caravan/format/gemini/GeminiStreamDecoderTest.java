package dev.caravan.format.gemini;

import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.canonical.FinishReason;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.Usage;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.stream.SseEvent;
import dev.caravan.stream.SseReader;
import dev.caravan.stream.StreamDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Gemini {@code streamGenerateContent?alt=sse} events decoded into OpenAI chunks, from recorded-shape fixtures. */
class GeminiStreamDecoderTest {

    @Test
    void streams_text_deltas_with_the_role_first_and_the_finish_reason_on_the_last_event() {
        StreamDecoder decoder = new GeminiStreamDecoder();
        List<ChatCompletionChunk> chunks = decodeAll(decoder, "stream_text.sse");

        assertThat(chunks).hasSize(3);
        assertThat(deltas(chunks)).extracting(Message::role).containsExactly("assistant", null, null);
        assertThat(deltas(chunks)).extracting(Message::text)
                .containsExactly("Bonjour", " ! Comment puis-je", " vous aider ?");
        assertThat(chunks).extracting(c -> c.choices().getFirst().finishReason())
                .containsExactly(null, null, FinishReason.STOP);
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.id()).isEqualTo("chatcmpl-hQJCaNX3NZeQz7IPiabV2Ac");
            assertThat(c.created()).isEqualTo(chunks.getFirst().created());
            assertThat(c.object()).isEqualTo("chat.completion.chunk");
            assertThat(c.model()).isEqualTo("gemini-2.0-flash");
            assertThat(c.usage()).isNull();
            assertThat(c.choices().getFirst().index()).isZero();
        });
    }

    @Test
    void emits_the_last_usage_only_from_finish() {
        StreamDecoder decoder = new GeminiStreamDecoder();
        List<ChatCompletionChunk> chunks = decodeAll(decoder, "stream_text.sse");

        List<ChatCompletionChunk> end = decoder.finish();

        assertThat(end).hasSize(1);
        assertThat(end.getFirst().choices()).isEmpty();
        assertThat(end.getFirst().id()).isEqualTo(chunks.getFirst().id());
        assertThat(end.getFirst().usage()).isEqualTo(Usage.of(7, 9, null, null, null));
        assertThat(decoder.finish()).isEmpty();
    }

    @Test
    void streams_two_parallel_function_calls_as_indexed_tool_call_deltas() {
        StreamDecoder decoder = new GeminiStreamDecoder();
        List<ChatCompletionChunk> chunks = decodeAll(decoder, "stream_parallel_tool_calls.sse");

        assertThat(chunks).hasSize(3);
        assertThat(deltas(chunks).getFirst().text()).isEqualTo("I'll check both cities.");
        List<ToolCall> calls = deltas(chunks).get(1).toolCalls();
        assertThat(calls).extracting(ToolCall::index).containsExactly(0, 1);
        assertThat(calls).extracting(ToolCall::id).allSatisfy(id -> assertThat(id).startsWith("call_"))
                .doesNotHaveDuplicates();
        assertThat(calls).extracting(c -> c.function().name()).containsExactly("get_weather", "get_weather");
        assertThat(calls).extracting(c -> c.function().arguments())
                .containsExactly("{\"city\":\"Paris\"}", "{\"city\":\"Tokyo\"}");
        // Gemini says STOP one event after the calls; OpenAI clients expect tool_calls
        assertThat(chunks.getLast().choices().getFirst().finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(deltas(chunks).getLast().content()).isNull();
        assertThat(decoder.finish().getFirst().usage()).isEqualTo(Usage.of(96, 84, null, null, 46));
    }

    @Test
    void numbers_tool_calls_across_events_from_zero() {
        StreamDecoder decoder = new GeminiStreamDecoder();
        decoder.decode(SseEvent.data("""
                {"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"a","args":{}}}]}}]}"""));
        List<ChatCompletionChunk> second = decoder.decode(SseEvent.data("""
                {"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"b","args":{}}}]},
                  "finishReason":"STOP"}]}"""));

        ToolCall call = second.getFirst().choices().getFirst().delta().toolCalls().getFirst();
        assertThat(call.index()).isEqualTo(1);
        assertThat(second.getFirst().choices().getFirst().finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    }

    @Test
    void streams_thoughts_as_reasoning_content_and_skips_signature_only_parts() {
        StreamDecoder decoder = new GeminiStreamDecoder();
        List<ChatCompletionChunk> chunks = decodeAll(decoder, "stream_thinking.sse");

        assertThat(chunks).hasSize(4);
        assertThat(deltas(chunks)).extracting(Message::reasoningContent).containsExactly(
                "**Working out the sum**\n\nSeventeen times three is fifty-one.", " Adding four gives fifty-five.",
                null, null);
        assertThat(deltas(chunks).getFirst().role()).isEqualTo("assistant");
        assertThat(deltas(chunks).getFirst().content()).isNull();
        assertThat(deltas(chunks).get(2).text()).isEqualTo("17 × 3 + 4 = **55**.");
        // the last event has only an empty text part carrying a signature: a bare finish chunk
        assertThat(deltas(chunks).getLast()).isEqualTo(new Message(null, null, null, null, null, null, null, null));
        assertThat(chunks.getLast().choices().getFirst().finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(decoder.finish().getFirst().usage()).isEqualTo(Usage.of(12, 112, null, null, 101));
    }

    @Test
    void throws_the_error_event_after_streaming_what_came_before() {
        StreamDecoder decoder = new GeminiStreamDecoder();
        List<SseEvent> events = events("stream_error.sse");

        assertThat(decoder.decode(events.get(0))).hasSize(1);
        assertThatThrownBy(() -> decoder.decode(events.get(1)))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_OVERLOADED);
                    assertThat(e.getMessage()).isEqualTo("The model is overloaded. Please try again later.");
                });
    }

    @ParameterizedTest
    @CsvSource({
            "RESOURCE_EXHAUSTED, RATE_LIMITED",
            "UNAVAILABLE, UPSTREAM_OVERLOADED",
            "DEADLINE_EXCEEDED, UPSTREAM_TIMEOUT",
            "INTERNAL, UPSTREAM_UNAVAILABLE",
            "INVALID_ARGUMENT, UPSTREAM_UNAVAILABLE"})
    void classifies_in_stream_errors_by_status(String status, ErrorKind kind) {
        StreamDecoder decoder = new GeminiStreamDecoder();

        assertThatThrownBy(() -> decoder.decode(SseEvent.data(
                "{\"error\":{\"code\":500,\"message\":\"boom\",\"status\":\"" + status + "\"}}")))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.kind()).isEqualTo(kind));
    }

    @Test
    void streams_a_blocked_prompt_as_an_empty_content_filter_answer() {
        StreamDecoder decoder = new GeminiStreamDecoder();
        List<ChatCompletionChunk> chunks = decoder.decode(SseEvent.data("""
                {"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":4,"totalTokenCount":4},
                 "modelVersion":"gemini-2.5-flash","responseId":"r1"}"""));

        assertThat(chunks).hasSize(1);
        assertThat(chunks.getFirst().choices().getFirst().delta().role()).isEqualTo("assistant");
        assertThat(chunks.getFirst().choices().getFirst().delta().text()).isEmpty();
        assertThat(chunks.getFirst().choices().getFirst().finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(decoder.finish().getFirst().usage()).isEqualTo(Usage.of(4, 0, null, null, null));
    }

    @Test
    void streams_each_candidate_as_its_own_choice() {
        StreamDecoder decoder = new GeminiStreamDecoder();
        List<ChatCompletionChunk> chunks = decoder.decode(SseEvent.data("""
                {"candidates":[{"content":{"role":"model","parts":[{"text":"A"}]}},
                  {"content":{"role":"model","parts":[{"text":"B"}]},"index":1}]}"""));

        assertThat(chunks).extracting(c -> c.choices().getFirst().index()).containsExactly(0, 1);
        assertThat(chunks).extracting(c -> c.choices().getFirst().delta().role())
                .containsExactly("assistant", "assistant");
    }

    @Test
    void ignores_empty_events_and_unknown_part_kinds() {
        StreamDecoder decoder = new GeminiStreamDecoder();

        assertThat(decoder.decode(SseEvent.data(""))).isEmpty();
        assertThat(decoder.decode(SseEvent.data("""
                {"candidates":[{"content":{"role":"model","parts":[{"executableCode":{"language":"PYTHON",
                  "code":"print(1)"}}]}}],"futureField":{"x":1}}"""))).isEmpty();
        assertThat(decoder.finish()).isEmpty();
    }

    private static List<Message> deltas(List<ChatCompletionChunk> chunks) {
        return chunks.stream().map(c -> c.choices().getFirst().delta()).toList();
    }

    private static List<ChatCompletionChunk> decodeAll(StreamDecoder decoder, String fixture) {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        for (SseEvent event : events(fixture)) {
            chunks.addAll(decoder.decode(event));
        }
        return chunks;
    }

    private static List<SseEvent> events(String fixture) {
        SseReader reader = new SseReader(new ByteArrayInputStream(
                GeminiMapperTest.fixture(fixture).getBytes(StandardCharsets.UTF_8)));
        List<SseEvent> events = new ArrayList<>();
        try {
            for (SseEvent event = reader.next(); event != null; event = reader.next()) {
                events.add(event);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
    }
}
