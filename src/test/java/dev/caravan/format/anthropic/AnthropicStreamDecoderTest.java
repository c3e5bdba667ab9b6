package dev.caravan.format.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.canonical.FinishReason;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.Usage;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.stream.SseEvent;
import dev.caravan.stream.SseReader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Recorded-shape Anthropic streams decoded into the OpenAI chunks a client assembles. */
class AnthropicStreamDecoderTest {

    private static final long CREATED = 1_760_000_000L;

    private final AnthropicStreamDecoder decoder = new AnthropicStreamDecoder(CREATED);
    private final List<ChatCompletionChunk> chunks = new ArrayList<>();

    private List<ChatCompletionChunk> decodeFixture(String name) throws IOException {
        SseReader reader = new SseReader(new ByteArrayInputStream(AnthropicMapperTest.fixture(name)));
        for (SseEvent event = reader.next(); event != null; event = reader.next()) {
            chunks.addAll(decoder.decode(event));
        }
        chunks.addAll(decoder.finish());
        return chunks;
    }

    private List<ChatCompletionChunk> decode(String type, String data) {
        List<ChatCompletionChunk> out = decoder.decode(new SseEvent(type, data));
        chunks.addAll(out);
        return out;
    }

    /** What an OpenAI client builds from the chunks: the message, its finish reason and the usage. */
    private record Assembled(Message message, String finishReason, Usage usage) {
    }

    private static Assembled assemble(List<ChatCompletionChunk> chunks) {
        String role = null;
        StringBuilder content = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        Map<Integer, String[]> calls = new LinkedHashMap<>();
        String finishReason = null;
        Usage usage = null;
        for (ChatCompletionChunk chunk : chunks) {
            usage = chunk.usage() != null ? chunk.usage() : usage;
            for (ChatCompletionChunk.ChunkChoice choice : chunk.choices()) {
                Message delta = choice.delta();
                role = delta.role() != null ? delta.role() : role;
                content.append(delta.text());
                reasoning.append(delta.reasoningContent() == null ? "" : delta.reasoningContent());
                for (ToolCall call : delta.toolCalls() == null ? List.<ToolCall>of() : delta.toolCalls()) {
                    String[] acc = calls.computeIfAbsent(call.index(), i -> new String[] {null, null, ""});
                    acc[0] = call.id() != null ? call.id() : acc[0];
                    acc[1] = call.function().name() != null ? call.function().name() : acc[1];
                    acc[2] += call.function().arguments();
                }
                finishReason = choice.finishReason() != null ? choice.finishReason() : finishReason;
            }
        }
        List<ToolCall> toolCalls = calls.values().stream().map(acc -> ToolCall.of(acc[0], acc[1], acc[2])).toList();
        Message message = new Message(role, content.isEmpty() ? null : dev.caravan.canonical.Content.of(
                content.toString()), null, toolCalls.isEmpty() ? null : toolCalls, null, null,
                reasoning.isEmpty() ? null : reasoning.toString(), null);
        return new Assembled(message, finishReason, usage);
    }

    private static JsonNode json(String text) {
        return Json.tree(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void streams_text_as_content_deltas_after_an_assistant_role_chunk() throws IOException {
        decodeFixture("text.sse");

        assertThat(chunks.getFirst().choices().getFirst().delta().role()).isEqualTo("assistant");
        assertThat(chunks.stream().skip(1).flatMap(c -> c.choices().stream()).map(c -> c.delta().role()))
                .containsOnlyNulls();
        Assembled answer = assemble(chunks);
        assertThat(answer.message().text()).isEqualTo("Hello! How can I help?");
        assertThat(answer.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).filter(c -> c.finishReason() != null))
                .hasSize(1);
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.id()).isEqualTo("msg_01XFDUDYJgAACzvnptvVoYEL");
            assertThat(chunk.created()).isEqualTo(CREATED);
            assertThat(chunk.object()).isEqualTo(ChatCompletionChunk.OBJECT);
            assertThat(chunk.model()).isEqualTo("claude-sonnet-4-5-20250929");
        });
    }

    @Test
    void emits_usage_only_from_finish_with_cache_reads_and_writes_in_prompt_tokens() throws IOException {
        decodeFixture("text.sse");

        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().promptTokens()).isEqualTo(25 + 100 + 2000);
        assertThat(last.usage().completionTokens()).isEqualTo(15);
        assertThat(last.usage().promptTokensDetails().cachedTokens()).isEqualTo(2000);
        assertThat(last.usage().promptTokensDetails().cacheWriteTokens()).isEqualTo(100);
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(chunk -> assertThat(chunk.usage()).isNull());
        assertThat(decoder.finish()).isEmpty();
    }

    @Test
    void streams_two_parallel_tool_calls_with_their_own_openai_indices() throws IOException {
        decodeFixture("tool_use_parallel.sse");

        List<ToolCall> starts = chunks.stream().flatMap(c -> c.choices().stream())
                .filter(c -> c.delta().toolCalls() != null).flatMap(c -> c.delta().toolCalls().stream())
                .filter(call -> call.id() != null).toList();
        assertThat(starts).extracting(ToolCall::index).containsExactly(0, 1);
        assertThat(starts).extracting(ToolCall::id)
                .containsExactly("toolu_01T1x1fJ34qAmk2tNTrN7Up6", "toolu_01GZ8sYJxNAP6iZKCKemfxVh");
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).filter(c -> c.delta().toolCalls() != null)
                .flatMap(c -> c.delta().toolCalls().stream()).filter(call -> call.id() == null)
                .map(call -> call.function().arguments())).doesNotContain("");

        Assembled answer = assemble(chunks);
        assertThat(answer.message().text()).isEqualTo("I'll check both cities.");
        List<ToolCall> calls = answer.message().toolCalls();
        assertThat(calls).extracting(call -> call.function().name()).containsExactly("get_weather", "get_weather");
        assertThat(json(calls.get(0).function().arguments())).isEqualTo(json("{\"location\":\"Paris\"}"));
        assertThat(json(calls.get(1).function().arguments())).isEqualTo(json("{\"location\":\"Tokyo\"}"));
        assertThat(answer.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(answer.usage().promptTokens()).isEqualTo(472);
        assertThat(answer.usage().completionTokens()).isEqualTo(89);
    }

    @Test
    void streams_thinking_as_reasoning_content_and_its_signature_apart_as_a_reasoning_detail() throws IOException {
        decodeFixture("thinking.sse");

        Assembled answer = assemble(chunks);
        assertThat(answer.message().reasoningContent())
                .isEqualTo("The user wants the weather in Paris. I should call get_weather.");
        assertThat(answer.message().text()).isEqualTo("Let me look that up.");
        // the signature never mixes into the text; it rides alone, so an Anthropic client can be given it back
        List<ChatCompletionChunk> signed = chunks.stream()
                .filter(chunk -> Json.writeString(chunk).contains("EqQB")).toList();
        assertThat(signed).singleElement().satisfies(chunk -> {
            Message delta = chunk.choices().getFirst().delta();
            assertThat(delta.reasoningContent()).isNull();
            assertThat(delta.content()).isNull();
            assertThat(delta.reasoningDetails()).singleElement().satisfies(detail -> {
                assertThat(detail.type()).isEqualTo(dev.caravan.canonical.ReasoningDetail.TEXT);
                assertThat(detail.text()).isNull();
                assertThat(detail.signature()).startsWith("EqQB");
            });
        });
    }

    @Test
    void streamed_and_whole_answers_translate_to_the_same_message() throws IOException {
        Assembled streamed = assemble(decodeFixture("thinking.sse"));
        ChatCompletion whole = new AnthropicFormat().toCompletion(
                AnthropicMapperTest.fixture("response_thinking_text_tool.json"));

        Message expected = whole.choices().getFirst().message();
        assertThat(streamed.message().role()).isEqualTo(expected.role());
        assertThat(streamed.message().text()).isEqualTo(expected.text());
        assertThat(streamed.message().reasoningContent()).isEqualTo(expected.reasoningContent());
        assertThat(streamed.message().toolCalls()).hasSameSizeAs(expected.toolCalls());
        ToolCall streamedCall = streamed.message().toolCalls().getFirst();
        ToolCall wholeCall = expected.toolCalls().getFirst();
        assertThat(streamedCall.id()).isEqualTo(wholeCall.id());
        assertThat(streamedCall.function().name()).isEqualTo(wholeCall.function().name());
        assertThat(json(streamedCall.function().arguments())).isEqualTo(json(wholeCall.function().arguments()));
        assertThat(streamed.finishReason()).isEqualTo(whole.choices().getFirst().finishReason());
        assertThat(streamed.usage()).isEqualTo(whole.usage());
    }

    @Test
    void sets_interleaved_thinking_blocks_apart_as_the_whole_answer_does() {
        decode("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"m\"}}");
        for (int index : new int[] {0, 2}) {
            decode("content_block_start", "{\"type\":\"content_block_start\",\"index\":" + index
                    + ",\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}");
            decode("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + index
                    + ",\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"step " + index + "\"}}");
        }

        assertThat(assemble(chunks).message().reasoningContent()).isEqualTo("step 0\nstep 2");
    }

    @Test
    void throws_a_mid_stream_overloaded_error_after_the_text_before_it() throws IOException {
        assertThatThrownBy(() -> decodeFixture("error_mid_stream.sse"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_OVERLOADED);
                    assertThat(e.getMessage()).isEqualTo("Overloaded");
                });
        assertThat(assemble(chunks).message().text()).isEqualTo("Once upon a");
    }

    @Test
    void throws_rate_limit_errors_in_the_stream_as_rate_limited() {
        assertThatThrownBy(() -> decode("error",
                "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Slow down\"}}"))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMITED));
    }

    @Test
    void streams_the_json_schema_tool_input_as_content_with_finish_reason_stop() throws IOException {
        decodeFixture("json_schema_tool.sse");

        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).map(c -> c.delta().toolCalls()))
                .containsOnlyNulls();
        Assembled answer = assemble(chunks);
        assertThat(json(answer.message().text())).isEqualTo(json("{\"city\":\"Paris\",\"temperature_c\":18}"));
        assertThat(answer.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void gives_a_tool_call_without_input_empty_object_arguments() {
        decode("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"m\","
                + "\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}");
        decode("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_time\",\"input\":{}}}");
        decode("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}");
        decode("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
        decode("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},"
                + "\"usage\":{\"output_tokens\":12}}");

        Assembled answer = assemble(chunks);
        assertThat(answer.message().toolCalls().getFirst().function().arguments()).isEqualTo("{}");
        assertThat(answer.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    }

    @Test
    void ignores_pings_and_event_types_it_does_not_know() {
        decode("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"m\","
                + "\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}");

        assertThat(decode("ping", "{\"type\":\"ping\"}")).isEmpty();
        assertThat(decode("brand_new_event", "{\"type\":\"brand_new_event\",\"payload\":{\"x\":1}}")).isEmpty();
        assertThat(decode("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"brand_new_delta\",\"value\":\"x\"}}")).isEmpty();
        assertThat(decode("message_stop", "{\"type\":\"message_stop\"}")).isEmpty();
    }

    @Test
    void takes_the_latest_cumulative_usage_from_message_delta() {
        decode("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"m\","
                + "\"usage\":{\"input_tokens\":10,\"cache_read_input_tokens\":4,\"output_tokens\":1}}}");
        decode("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":null},"
                + "\"usage\":{\"output_tokens\":5}}");
        decode("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                + "\"usage\":{\"input_tokens\":12,\"output_tokens\":9}}");

        Usage usage = decoder.finish().getFirst().usage();
        assertThat(usage.promptTokens()).isEqualTo(12 + 4);
        assertThat(usage.completionTokens()).isEqualTo(9);
        assertThat(usage.promptTokensDetails().cachedTokens()).isEqualTo(4);
    }
}
