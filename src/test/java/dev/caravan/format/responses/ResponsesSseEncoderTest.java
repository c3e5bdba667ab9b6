package dev.caravan.format.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.ObjectMappers;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.ResponseStreamEvent;
import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.canonical.FinishReason;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.Usage;
import dev.caravan.canonical.Warning;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.format.ProviderFormat;
import dev.caravan.format.anthropic.AnthropicFormat;
import dev.caravan.format.gemini.GeminiFormat;
import dev.caravan.format.openai.OpenAiFormat;
import dev.caravan.stream.SseEvent;
import dev.caravan.stream.SseReader;
import dev.caravan.stream.StreamDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Provider streams, decoded by their own format's decoder into canonical chunks, re-encoded as Responses API events.
 * <pre>
 * fixture (format)                        | covers
 * ----------------------------------------+--------------------------------------------------------------------
 * openai/stream_tool_calls.sse            | one function call streamed in fragments, usage with cached and
 *                                         | reasoning tokens, finish tool_calls
 * anthropic/text.sse                      | message with output_text deltas, cache reads and writes in usage
 * anthropic/thinking.sse                  | reasoning item (reasoning_text) → message → function call; also
 *   = responses/stream_thinking_text_tool  | golden, event for event
 *     .expected.sse                        |
 * anthropic/tool_use_parallel.sse         | text then two parallel function calls
 * gemini/stream_text.sse                  | text in several chunks
 * gemini/stream_thinking.sse              | thought text as reasoning, then text; MAX_TOKENS → incomplete
 * gemini/stream_parallel_tool_calls.sse   | whole calls in one fragment each
 * anthropic/error_mid_stream.sse,         | a failure after the stream began: an error event ends the stream,
 * openai/stream_error.sse,                | no response.completed
 * gemini/stream_error.sse                 |
 * synthetic chunks                        | length → response.incomplete; refusal part; text after a call
 *                                         | opens a new message; interleaved parallel fragments; a new call at
 *                                         | a closed call's index; warnings and
 *                                         | provider metadata on the final response; nothing after the end
 * </pre>
 * Every stream is checked for the invariants the SDKs' accumulators rely on ({@link #assertConsistent}) and parsed
 * event by event by the OpenAI Java SDK, whose {@link ResponseAccumulator} rebuilds the response from the deltas.
 */
class ResponsesSseEncoderTest {

    private static final String GENERATION_ID = "gen_01JF4ABCDEFGHJKMNPQRSTVWXY";
    private static final long CREATED = 1_764_761_234L;

    private static final Map<String, ProviderFormat> FORMATS = Map.of(
            "openai", new OpenAiFormat(), "anthropic", new AnthropicFormat(), "gemini", new GeminiFormat());

    /** A provider stream decoded: its chunks, and the failure that ended it, if one did. */
    private record Decoded(List<ChatCompletionChunk> chunks, GatewayException failure) {
    }

    private static Decoded decode(String format, String fixture) throws IOException {
        StreamDecoder decoder = FORMATS.get(format).streamDecoder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (InputStream in = ResponsesSseEncoderTest.class.getResourceAsStream(
                "/fixtures/" + format + "/" + fixture)) {
            assertThat(in).as("fixture %s/%s", format, fixture).isNotNull();
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

    private static ResponsesRequest request() {
        return ResponsesApiReader.read(("{\"model\":\"anthropic/claude-sonnet-4.6\",\"input\":\"Weather in Paris?\","
                + "\"stream\":true}").getBytes(StandardCharsets.UTF_8));
    }

    /** The encoder's bytes for {@code decoded}, ended by finish() or, after a failure, error(). */
    private static byte[] encode(Decoded decoded) {
        ResponsesSseEncoder encoder = new ResponsesSseEncoder(request(), GENERATION_ID, CREATED);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        decoded.chunks().forEach(chunk -> out.writeBytes(encoder.encode(chunk)));
        out.writeBytes(decoded.failure() == null ? encoder.finish() : encoder.error(decoded.failure()));
        out.writeBytes(encoder.finish());
        return out.toByteArray();
    }

    private record Event(String name, JsonNode data) {
        String type() {
            return data.path("type").textValue();
        }
    }

    private static List<Event> parse(byte[] sse) throws IOException {
        List<Event> events = new ArrayList<>();
        SseReader reader = new SseReader(new ByteArrayInputStream(sse));
        for (SseEvent event = reader.next(); event != null; event = reader.next()) {
            events.add(new Event(event.event(), Json.tree(event.data().getBytes(StandardCharsets.UTF_8))));
        }
        return events;
    }

    /** What the canonical chunks say, assembled as an OpenAI client would. */
    private record Canonical(String text, String reasoning, List<ToolCall> calls, Usage usage, String finishReason) {
    }

    private static Canonical assemble(List<ChatCompletionChunk> chunks) {
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        Map<Integer, String[]> calls = new LinkedHashMap<>();
        Usage usage = null;
        String finishReason = null;
        for (ChatCompletionChunk chunk : chunks) {
            usage = chunk.usage() != null ? chunk.usage() : usage;
            for (ChatCompletionChunk.ChunkChoice choice : chunk.choices()) {
                Message delta = choice.delta();
                text.append(delta.content() == null ? "" : delta.text());
                reasoning.append(delta.reasoningContent() == null ? "" : delta.reasoningContent());
                for (ToolCall call : delta.toolCalls() == null ? List.<ToolCall>of() : delta.toolCalls()) {
                    String[] acc = calls.computeIfAbsent(call.index(), i -> new String[] {null, null, ""});
                    acc[0] = call.id() != null ? call.id() : acc[0];
                    acc[1] = call.function().name() != null ? call.function().name() : acc[1];
                    acc[2] += call.function().arguments() == null ? "" : call.function().arguments();
                }
                finishReason = choice.finishReason() != null ? choice.finishReason() : finishReason;
            }
        }
        return new Canonical(text.toString(), reasoning.toString(),
                calls.values().stream().map(acc -> ToolCall.of(acc[0], acc[1], acc[2])).toList(), usage,
                finishReason);
    }

    /**
     * The invariants: event names match types; sequence numbers count up from 0; the stream opens with created and
     * in_progress; items are added in output order before any event names them; parts are added before their
     * deltas; each done event carries what its deltas added up to; the final response holds exactly the items
     * that were done, in order; nothing follows the final event.
     */
    private static void assertConsistent(List<Event> events) {
        assertThat(events.get(0).type()).isEqualTo("response.created");
        assertThat(events.get(0).data().path("response").path("status").textValue()).isEqualTo("in_progress");
        assertThat(events.get(1).type()).isEqualTo("response.in_progress");
        Map<String, Integer> items = new HashMap<>();
        Set<String> parts = new HashSet<>();
        Map<String, StringBuilder> deltas = new HashMap<>();
        List<JsonNode> doneItems = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            JsonNode data = event.data();
            assertThat(event.name()).as("event line of #%d", i).isEqualTo(event.type());
            assertThat(data.path("sequence_number").asLong(-1)).as("sequence of #%d", i).isEqualTo(i);
            String itemId = data.path("item_id").textValue();
            String partKey = itemId + "#" + data.path("content_index").asInt(-1);
            if (itemId != null) {
                assertThat(items).as("%s names an item added before", event.type()).containsKey(itemId);
                assertThat(data.path("output_index").intValue()).isEqualTo(items.get(itemId));
            }
            switch (event.type()) {
                case "response.output_item.added" -> {
                    assertThat(data.path("output_index").intValue()).isEqualTo(items.size());
                    items.put(data.path("item").path("id").textValue(), data.path("output_index").intValue());
                    assertThat(data.path("item").path("status").textValue()).isEqualTo("in_progress");
                }
                case "response.content_part.added" -> {
                    assertThat(parts.add(partKey)).as("part %s added once", partKey).isTrue();
                    deltas.put(partKey, new StringBuilder());
                }
                case "response.output_text.delta", "response.refusal.delta", "response.reasoning_text.delta" -> {
                    assertThat(parts).as("part of %s added before", event.type()).contains(partKey);
                    deltas.get(partKey).append(data.path("delta").textValue());
                }
                case "response.output_text.done", "response.reasoning_text.done" ->
                        assertThat(data.path("text").textValue()).isEqualTo(deltas.get(partKey).toString());
                case "response.refusal.done" ->
                        assertThat(data.path("refusal").textValue()).isEqualTo(deltas.get(partKey).toString());
                case "response.function_call_arguments.delta" ->
                        deltas.computeIfAbsent(itemId, k -> new StringBuilder()).append(data.path("delta").textValue());
                case "response.function_call_arguments.done" -> assertThat(data.path("arguments").textValue())
                        .isEqualTo(deltas.getOrDefault(itemId, new StringBuilder()).toString());
                case "response.output_item.done" -> {
                    assertThat(data.path("output_index").intValue()).isEqualTo(doneItems.size());
                    doneItems.add(data.path("item"));
                }
                case "response.completed", "response.incomplete" -> {
                    assertThat(i).as("the final event is last").isEqualTo(events.size() - 1);
                    assertThat(doneItems).as("every added item is done").hasSize(items.size());
                    assertThat(data.path("response").path("output")).containsExactlyElementsOf(doneItems);
                }
                case "error" -> assertThat(i).as("the error event is last").isEqualTo(events.size() - 1);
                default -> { }
            }
        }
    }

    /**
     * The SDK reads every event, and its accumulator, which builds each item from its added event and deltas,
     * holds just before each done event what that event carries: the text of an output_text part, a call's
     * arguments, the whole item (but for its status). Its {@code reconstructedResponse()} would only return the
     * final response's own output, which checks nothing. This SDK version takes a reasoning item's content from
     * its done event only (reasoning_text deltas are not accumulated), so that content is left out of the check.
     */
    private static void assertTheSdkAccumulates(List<Event> events) throws IOException {
        var mapper = ObjectMappers.jsonMapper();
        ResponseAccumulator accumulator = ResponseAccumulator.createWithSnapshots();
        for (Event event : events) {
            ResponseStreamEvent typed = mapper.readValue(event.data().toString(), ResponseStreamEvent.class)
                    .validate();
            typed.outputTextDone().ifPresent(done -> assertThat(built(accumulator, done.outputIndex())
                    .path("content").get((int) done.contentIndex()).path("text").textValue())
                    .as("text rebuilt from its deltas").isEqualTo(done.text()));
            typed.functionCallArgumentsDone().ifPresent(done -> assertThat(built(accumulator, done.outputIndex())
                    .path("arguments").textValue()).as("arguments rebuilt from their deltas")
                    .isEqualTo(done.arguments()));
            typed.outputItemDone().ifPresent(done -> assertThat(comparable(built(accumulator, done.outputIndex())))
                    .as("item %d rebuilt from its events", done.outputIndex())
                    .isEqualTo(comparable(mapper.valueToTree(done.item()))));
            accumulator.accumulate(typed);
        }
    }

    private static JsonNode built(ResponseAccumulator accumulator, long outputIndex) {
        return ObjectMappers.jsonMapper().valueToTree(
                accumulator.snapshot().orElseThrow().output().get((int) outputIndex));
    }

    private static JsonNode comparable(JsonNode item) {
        var copy = (com.fasterxml.jackson.databind.node.ObjectNode) item.deepCopy();
        copy.remove("status");
        if ("reasoning".equals(copy.path("type").textValue())) {
            copy.remove("content");
        }
        return copy;
    }

    private static JsonNode finalResponse(List<Event> events) {
        return events.getLast().data().path("response");
    }

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({
            "openai, stream_tool_calls.sse, completed",
            "anthropic, text.sse, completed",
            "anthropic, thinking.sse, completed",
            "anthropic, tool_use_parallel.sse, completed",
            "gemini, stream_text.sse, completed",
            "gemini, stream_thinking.sse, incomplete",
            "gemini, stream_parallel_tool_calls.sse, completed",
    })
    void re_encodes_provider_streams_as_consistent_typed_events(String format, String fixture, String status)
            throws IOException {
        Decoded decoded = decode(format, fixture);
        assertThat(decoded.failure()).isNull();
        Canonical canonical = assemble(decoded.chunks());

        List<Event> events = parse(encode(decoded));

        assertConsistent(events);
        assertTheSdkAccumulates(events);
        JsonNode response = finalResponse(events);
        assertThat(events.getLast().type()).isEqualTo("response." + status);
        assertThat(response.path("id").textValue()).isEqualTo("resp_01JF4ABCDEFGHJKMNPQRSTVWXY");
        assertThat(response.path("status").textValue()).isEqualTo(status);
        List<JsonNode> output = new ArrayList<>();
        response.path("output").forEach(output::add);
        assertThat(output.stream().filter(i -> i.path("type").textValue().equals("message"))
                .map(i -> i.path("content").get(0).path("text").textValue()).reduce("", String::concat))
                .isEqualTo(canonical.text());
        assertThat(output.stream().filter(i -> i.path("type").textValue().equals("reasoning"))
                .map(i -> i.path("content").get(0).path("text").textValue()).reduce("", String::concat))
                .isEqualTo(canonical.reasoning());
        assertThat(output.stream().filter(i -> i.path("type").textValue().equals("function_call"))
                .map(i -> ToolCall.of(i.path("call_id").textValue(), i.path("name").textValue(),
                        i.path("arguments").textValue())).toList())
                .isEqualTo(canonical.calls());
        JsonNode usage = response.path("usage");
        assertThat(usage.path("input_tokens").intValue()).isEqualTo(canonical.usage().promptTokens());
        assertThat(usage.path("output_tokens").intValue()).isEqualTo(canonical.usage().completionTokens());
        assertThat(usage.path("total_tokens").intValue()).isEqualTo(canonical.usage().totalTokens());
        assertThat(events.getFirst().data().path("response").has("usage")).isFalse();
    }

    /** The exact events for Anthropic's thinking → text → tool use stream, renamed as the route renames chunks. */
    @Test
    void re_encodes_thinking_text_and_a_tool_call_as_the_golden_event_sequence() throws IOException {
        ResponsesRequest request = ResponsesApiReader.read(("{\"model\":\"anthropic/claude-sonnet-4.6\","
                + "\"input\":\"Weather in Paris?\",\"stream\":true,\"tools\":[{\"type\":\"function\","
                + "\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":"
                + "{\"type\":\"string\"}}}}]}").getBytes(StandardCharsets.UTF_8));
        ResponsesSseEncoder encoder = new ResponsesSseEncoder(request, GENERATION_ID, CREATED);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ChatCompletionChunk chunk : decode("anthropic", "thinking.sse").chunks()) {
            out.writeBytes(encoder.encode(chunk.renamed(GENERATION_ID, "anthropic/claude-sonnet-4.6")));
        }
        out.writeBytes(encoder.finish());

        List<Event> events = parse(out.toByteArray());
        List<Event> expected = parse(ResponsesApiReaderTest.fixture("stream_thinking_text_tool.expected.sse"));
        assertThat(events).extracting(Event::name).containsExactlyElementsOf(
                expected.stream().map(Event::name).toList());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(events.get(i).data()).as("event #%d", i).isEqualTo(expected.get(i).data());
        }
    }

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({
            "anthropic, error_mid_stream.sse",
            "openai, stream_error.sse",
            "gemini, stream_error.sse",
    })
    void ends_a_failed_stream_with_one_error_event(String format, String fixture) throws IOException {
        Decoded decoded = decode(format, fixture);
        assertThat(decoded.failure()).isNotNull();

        List<Event> events = parse(encode(decoded));

        assertConsistent(events);
        Event last = events.getLast();
        assertThat(last.type()).isEqualTo("error");
        assertThat(last.data().path("message").textValue()).isEqualTo(decoded.failure().getMessage());
        assertThat(last.data().path("code").textValue()).isEqualTo(decoded.failure().kind().code());
        assertThat(last.data().path("error").path("message").textValue())
                .as("the object that makes the SDKs raise while iterating").isEqualTo(decoded.failure().getMessage());
        assertThat(last.data().path("error").path("type").textValue()).isEqualTo(decoded.failure().kind().type());
        assertThat(events).extracting(Event::type).doesNotContain("response.completed", "response.incomplete");
        for (Event event : events) {
            ObjectMappers.jsonMapper().readValue(event.data().toString(), ResponseStreamEvent.class).validate();
        }
    }

    // ------------------------------------------------------------------------------------------- synthetic

    private static ChatCompletionChunk text(String text) {
        return ChatCompletionChunk.of("gen_x", CREATED, "openai/gpt-5-mini", Message.assistant(text, null, null),
                null);
    }

    private static ChatCompletionChunk calls(ToolCall... calls) {
        return ChatCompletionChunk.of("gen_x", CREATED, "openai/gpt-5-mini",
                Message.assistant(null, List.of(calls), null), null);
    }

    private static ChatCompletionChunk finish(String reason) {
        return ChatCompletionChunk.of("gen_x", CREATED, "openai/gpt-5-mini", new Message(null, null, null, null,
                null, null, null, null), reason);
    }

    private static List<Event> encodeChunks(ChatCompletionChunk... chunks) throws IOException {
        ResponsesSseEncoder encoder = new ResponsesSseEncoder(request(), GENERATION_ID, CREATED);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ChatCompletionChunk chunk : chunks) {
            out.writeBytes(encoder.encode(chunk));
        }
        out.writeBytes(encoder.finish());
        List<Event> events = parse(out.toByteArray());
        assertConsistent(events);
        assertTheSdkAccumulates(events);
        return events;
    }

    @Test
    void a_length_stop_completes_as_incomplete_with_max_output_tokens() throws IOException {
        List<Event> events = encodeChunks(text("Once upon a"), finish(FinishReason.LENGTH),
                ChatCompletionChunk.usageOnly("gen_x", CREATED, "openai/gpt-5-mini", Usage.of(5, 3, null, null, null)));

        Event last = events.getLast();
        assertThat(last.type()).isEqualTo("response.incomplete");
        assertThat(finalResponse(events).path("status").textValue()).isEqualTo("incomplete");
        assertThat(finalResponse(events).path("incomplete_details").path("reason").textValue())
                .isEqualTo("max_output_tokens");
        assertThat(finalResponse(events).path("output").get(0).path("status").textValue()).isEqualTo("incomplete");
        assertThat(finalResponse(events).path("usage").path("output_tokens").intValue()).isEqualTo(3);
    }

    @Test
    void a_refusal_streams_as_a_refusal_part() throws IOException {
        ChatCompletionChunk refusal = ChatCompletionChunk.of("gen_x", CREATED, "m",
                new Message("assistant", null, null, null, null, "I can't help with that.", null, null), null);

        List<Event> events = encodeChunks(refusal, finish(FinishReason.STOP));

        assertThat(events).extracting(Event::type).contains("response.refusal.delta", "response.refusal.done");
        JsonNode part = finalResponse(events).path("output").get(0).path("content").get(0);
        assertThat(part.path("type").textValue()).isEqualTo("refusal");
        assertThat(part.path("refusal").textValue()).isEqualTo("I can't help with that.");
    }

    @Test
    void interleaved_fragments_of_parallel_calls_reach_their_own_items() throws IOException {
        List<Event> events = encodeChunks(
                calls(ToolCall.start(0, "call_a", "get_weather"), ToolCall.start(1, "call_b", "get_time")),
                calls(ToolCall.argumentsDelta(1, "{\"tz\":"), ToolCall.argumentsDelta(0, "{\"city\":")),
                calls(ToolCall.argumentsDelta(0, "\"Paris\"}"), ToolCall.argumentsDelta(1, "\"CET\"}")),
                finish(FinishReason.TOOL_CALLS));

        JsonNode output = finalResponse(events).path("output");
        assertThat(output.get(0).path("call_id").textValue()).isEqualTo("call_a");
        assertThat(output.get(0).path("arguments").textValue()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(output.get(1).path("call_id").textValue()).isEqualTo("call_b");
        assertThat(output.get(1).path("arguments").textValue()).isEqualTo("{\"tz\":\"CET\"}");
        assertThat(events.stream().filter(e -> e.type().equals("response.function_call_arguments.done"))
                .map(e -> e.data().path("name").textValue()).toList()).containsExactly("get_weather", "get_time");
    }

    @Test
    void text_after_a_call_closes_the_call_and_opens_a_new_message() throws IOException {
        List<Event> events = encodeChunks(text("Checking."), calls(ToolCall.start(0, "call_a", "lookup")),
                calls(ToolCall.argumentsDelta(0, "{}")), text("Done."), finish(FinishReason.STOP));

        JsonNode output = finalResponse(events).path("output");
        assertThat(output).extracting(item -> item.path("type").textValue())
                .containsExactly("message", "function_call", "message");
        assertThat(output.get(2).path("content").get(0).path("text").textValue()).isEqualTo("Done.");
    }

    @Test
    void a_new_call_at_the_index_of_a_closed_one_gets_its_own_item() throws IOException {
        List<Event> events = encodeChunks(calls(ToolCall.start(0, "call_a", "lookup")),
                calls(ToolCall.argumentsDelta(0, "{\"q\":1}")), text("Now the second."),
                calls(ToolCall.start(0, "call_b", "lookup")), calls(ToolCall.argumentsDelta(0, "{\"q\":2}")),
                finish(FinishReason.TOOL_CALLS));

        JsonNode output = finalResponse(events).path("output");
        assertThat(output).extracting(item -> item.path("call_id").asText("-"))
                .containsExactly("call_a", "-", "call_b");
        assertThat(output.get(2).path("arguments").textValue()).isEqualTo("{\"q\":2}");
    }

    /**
     * As the route builds it: the provider's chunks as they come (the provider's own model id), the serving model
     * named by the route, the gateway's warnings (which hold the request's too) written once, the usage priced.
     */
    @Test
    void names_the_serving_model_prices_the_usage_and_writes_each_warning_once_as_the_route_builds_it()
            throws IOException {
        ResponsesRequest request = ResponsesApiReader.read(("{\"model\":\"tier/draft\",\"input\":\"hi\","
                + "\"stream\":true,\"truncation\":\"auto\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(request.warnings()).hasSize(1);
        List<Warning> gateway = new ArrayList<>(request.warnings());
        gateway.add(Warning.adjusted("max_tokens", "capped by the tier"));
        JsonNode metadata = Json.tree("{\"gateway\":{\"routing\":{\"finalProvider\":\"openai\"}}}"
                .getBytes(StandardCharsets.UTF_8));
        ResponsesSseEncoder encoder = new ResponsesSseEncoder(request, GENERATION_ID, CREATED,
                "openai/gpt-5-mini", gateway, metadata, usage -> new java.math.BigDecimal("0.0042"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(encoder.encode(ChatCompletionChunk.of("chatcmpl-provider", CREATED, "gpt-5-mini-2025",
                Message.assistant("Hi", null, null), null)));
        out.writeBytes(encoder.encode(ChatCompletionChunk.of("chatcmpl-provider", CREATED, "gpt-5-mini-2025",
                new Message(null, null, null, null, null, null, null, null), FinishReason.STOP)));
        out.writeBytes(encoder.encode(ChatCompletionChunk.usageOnly("chatcmpl-provider", CREATED,
                "gpt-5-mini-2025", Usage.of(5, 3, null, null, null))));
        out.writeBytes(encoder.finish());

        List<Event> events = parse(out.toByteArray());

        assertConsistent(events);
        assertThat(events.getFirst().data().path("response").path("model").textValue())
                .isEqualTo("openai/gpt-5-mini");
        JsonNode response = finalResponse(events);
        assertThat(response.path("id").textValue()).isEqualTo(ResponsesApiResponses.responseId(GENERATION_ID));
        assertThat(response.path("model").textValue()).isEqualTo("openai/gpt-5-mini");
        assertThat(response.path("warnings").findValuesAsText("param")).containsExactly("truncation", "max_tokens");
        assertThat(response.at("/usage/cost").decimalValue()).isEqualByComparingTo("0.0042");
        assertThat(response.at("/provider_metadata/gateway/routing/finalProvider").textValue()).isEqualTo("openai");
        // an SSE comment: no event, so no sequence_number is used up while the provider is silent
        assertThat(new String(encoder.heartbeat(), StandardCharsets.US_ASCII)).isEqualTo(": keep-alive\n\n");
    }

    @Test
    void warnings_and_provider_metadata_reach_the_final_response() throws IOException {
        Warning warning = Warning.unsupported("seed", "anthropic");
        ChatCompletionChunk first = text("Hi").withWarnings(List.of(warning));
        ChatCompletionChunk last = finish(FinishReason.STOP).withExtra("provider_metadata",
                Json.tree("{\"gateway\":{\"routing\":{\"finalProvider\":\"anthropic\"}}}"
                        .getBytes(StandardCharsets.UTF_8)));

        List<Event> events = encodeChunks(first, last);

        JsonNode response = finalResponse(events);
        assertThat(response.path("warnings").get(0).path("param").textValue()).isEqualTo("seed");
        assertThat(response.path("provider_metadata").path("gateway").path("routing").path("finalProvider")
                .textValue()).isEqualTo("anthropic");
        assertThat(response.path("model").textValue()).isEqualTo("openai/gpt-5-mini");
    }

    @Test
    void an_empty_stream_still_opens_and_completes_the_response() throws IOException {
        List<Event> events = encodeChunks();

        assertThat(events).extracting(Event::type)
                .containsExactly("response.created", "response.in_progress", "response.completed");
        assertThat(finalResponse(events).path("model").textValue()).as("the requested model, none served")
                .isEqualTo("anthropic/claude-sonnet-4.6");
    }

    @Test
    void nothing_is_written_after_the_stream_ended() {
        ResponsesSseEncoder encoder = new ResponsesSseEncoder(request(), GENERATION_ID, CREATED);
        encoder.encode(text("Hi"));
        encoder.error(new GatewayException(ErrorKind.UPSTREAM_TIMEOUT, "The provider did not answer in time."));

        assertThat(encoder.encode(text("late"))).isEmpty();
        assertThat(encoder.finish()).isEmpty();
        assertThat(encoder.error(new GatewayException(ErrorKind.INTERNAL, "again"))).isEmpty();
    }
}
