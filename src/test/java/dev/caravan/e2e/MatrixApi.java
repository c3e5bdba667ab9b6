package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.Json;
import dev.caravan.e2e.SseEvents.Named;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inbound side of {@link CrossFormatMatrixTest}: for each API, the raw JSON a client sends for the two turns of a
 * tool round trip, and a reader that brings its answer, whole or streamed, to one neutral {@link Turn}. Reading the
 * answer is where each API's shape is asserted: a tool call is only found where that API puts it (Chat's
 * {@code tool_calls}, Messages' {@code tool_use} blocks, Responses' {@code function_call} items).
 */
enum MatrixApi {

    CHAT("/v1/chat/completions", "tool_calls", "stop") {
        @Override
        String firstTurn(String model, boolean stream) {
            return """
                    {"model":%s,"stream":%s,%s"max_tokens":300,
                     "messages":[{"role":"system","content":%s},{"role":"user","content":%s}],
                     "tools":[{"type":"function","function":{"name":%s,"description":%s,"parameters":%s}}]}"""
                    .formatted(q(model), stream, stream ? "\"stream_options\":{\"include_usage\":true}," : "",
                            q(SYSTEM), q(QUESTION), q(TOOL), q(DESCRIPTION), SCHEMA);
        }

        @Override
        String secondTurn(String model, boolean stream, Turn first, List<String> results) {
            return """
                    {"model":%s,"stream":%s,%s"max_tokens":300,
                     "messages":[{"role":"system","content":%s},{"role":"user","content":%s},
                       {"role":"assistant","content":%s,"tool_calls":[%s]},%s],
                     "tools":[{"type":"function","function":{"name":%s,"description":%s,"parameters":%s}}]}"""
                    .formatted(q(model), stream, stream ? "\"stream_options\":{\"include_usage\":true}," : "",
                            q(SYSTEM), q(QUESTION), q(first.text()),
                            each(first.calls(), results, (call, result) -> """
                                    {"id":%s,"type":"function","function":{"name":%s,"arguments":%s}}"""
                                    .formatted(q(call.id()), q(call.name()), q(call.arguments()))),
                            each(first.calls(), results, (call, result) -> """
                                    {"role":"tool","tool_call_id":%s,"content":%s}"""
                                    .formatted(q(call.id()), q(result))),
                            q(TOOL), q(DESCRIPTION), SCHEMA);
        }

        @Override
        Turn answer(JsonNode body) {
            assertThat(body.path("object").asText()).isEqualTo("chat.completion");
            JsonNode choice = body.at("/choices/0");
            JsonNode message = choice.path("message");
            List<Call> calls = new ArrayList<>();
            for (JsonNode call : message.path("tool_calls")) {
                assertThat(call.path("type").asText()).isEqualTo("function");
                calls.add(new Call(call.path("id").asText(), call.at("/function/name").asText(),
                        call.at("/function/arguments").asText()));
            }
            return new Turn(message.path("content").asText(""), calls, choice.path("finish_reason").asText(),
                    body.at("/usage/prompt_tokens").asInt(), body.at("/usage/completion_tokens").asInt());
        }

        /** Deltas by tool-call index: the id and name come once, the arguments as fragments to concatenate. */
        @Override
        Turn streamed(String sse) {
            List<String> data = SseEvents.data(sse);
            assertThat(data.getLast()).isEqualTo("[DONE]");
            StringBuilder text = new StringBuilder();
            Map<Integer, String[]> calls = new TreeMap<>();
            String finish = null;
            JsonNode usage = null;
            boolean assistant = false;
            for (JsonNode chunk : SseEvents.chunks(sse)) {
                assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
                for (JsonNode choice : chunk.path("choices")) {
                    // the OpenAI SDKs' stream helpers need the choice's index and the role in some chunk
                    assertThat(choice.path("index").isInt()).as("choices[].index").isTrue();
                    JsonNode delta = choice.path("delta");
                    assistant |= delta.path("role").asText().equals("assistant");
                    text.append(delta.path("content").asText(""));
                    for (JsonNode call : delta.path("tool_calls")) {
                        String[] parts = calls.computeIfAbsent(call.path("index").asInt(), i -> new String[] {
                                null, null, ""});
                        if (call.hasNonNull("id")) {
                            parts[0] = call.path("id").asText();
                        }
                        if (call.at("/function/name").isTextual()) {
                            parts[1] = call.at("/function/name").asText();
                        }
                        parts[2] += call.at("/function/arguments").asText("");
                    }
                    if (choice.hasNonNull("finish_reason")) {
                        assertThat(finish).as("a second finish_reason").isNull();
                        finish = choice.path("finish_reason").asText();
                    }
                }
                if (chunk.path("usage").isObject()) {
                    usage = chunk.path("usage");
                }
            }
            assertThat(assistant).as("a delta with role assistant").isTrue();
            assertThat(usage).as("the usage chunk include_usage asks for").isNotNull();
            return new Turn(text.toString(), calls.values().stream().map(p -> new Call(p[0], p[1], p[2])).toList(),
                    finish, usage.path("prompt_tokens").asInt(), usage.path("completion_tokens").asInt());
        }
    },

    MESSAGES("/v1/messages", "tool_use", "end_turn") {
        @Override
        String firstTurn(String model, boolean stream) {
            return """
                    {"model":%s,"stream":%s,"max_tokens":300,"system":%s,
                     "messages":[{"role":"user","content":%s}],
                     "tools":[{"name":%s,"description":%s,"input_schema":%s}]}"""
                    .formatted(q(model), stream, q(SYSTEM), q(QUESTION), q(TOOL), q(DESCRIPTION), SCHEMA);
        }

        @Override
        String secondTurn(String model, boolean stream, Turn first, List<String> results) {
            return """
                    {"model":%s,"stream":%s,"max_tokens":300,"system":%s,
                     "messages":[{"role":"user","content":%s},
                       {"role":"assistant","content":[{"type":"text","text":%s},%s]},
                       {"role":"user","content":[%s]}],
                     "tools":[{"name":%s,"description":%s,"input_schema":%s}]}"""
                    .formatted(q(model), stream, q(SYSTEM), q(QUESTION), q(first.text()),
                            each(first.calls(), results, (call, result) -> """
                                    {"type":"tool_use","id":%s,"name":%s,"input":%s}"""
                                    .formatted(q(call.id()), q(call.name()), call.arguments())),
                            each(first.calls(), results, (call, result) -> """
                                    {"type":"tool_result","tool_use_id":%s,"content":%s}"""
                                    .formatted(q(call.id()), q(result))),
                            q(TOOL), q(DESCRIPTION), SCHEMA);
        }

        @Override
        Turn answer(JsonNode body) {
            assertThat(body.path("type").asText()).isEqualTo("message");
            StringBuilder text = new StringBuilder();
            List<Call> calls = new ArrayList<>();
            for (JsonNode block : body.path("content")) {
                switch (block.path("type").asText()) {
                    case "text" -> text.append(block.path("text").asText());
                    case "tool_use" -> calls.add(new Call(block.path("id").asText(), block.path("name").asText(),
                            block.path("input").toString()));
                    default -> throw new AssertionError("unexpected block " + block);
                }
            }
            return new Turn(text.toString(), calls, body.path("stop_reason").asText(),
                    body.at("/usage/input_tokens").asInt(), body.at("/usage/output_tokens").asInt());
        }

        /**
         * Blocks by index: a tool_use block's start names the call, its input_json_delta fragments add up to the
         * input; the stop reason comes in message_delta, after the last block. Usage as the SDKs' accumulators read
         * it: message_start's, each count that message_delta carries replacing it (the gateway's encoder sends 0 input
         * tokens at the start and the count at the end; Anthropic itself may send the input count at the start only).
         */
        @Override
        Turn streamed(String sse) {
            List<Named> events = SseEvents.named(sse);
            assertThat(events.getFirst().event()).isEqualTo("message_start");
            assertThat(events.getLast().event()).isEqualTo("message_stop");
            StringBuilder text = new StringBuilder();
            Map<Integer, String[]> calls = new TreeMap<>();
            JsonNode start = events.getFirst().data().at("/message/usage");
            JsonNode end = null;
            int blocks = 0;
            Integer open = null;
            for (Named event : events) {
                JsonNode data = event.data();
                int index = data.path("index").asInt();
                switch (event.event()) {
                    case "content_block_start" -> {
                        // blocks are numbered from 0 in order, one open at a time
                        assertThat(open).as("a block still open at the next start").isNull();
                        assertThat(index).isEqualTo(blocks++);
                        open = index;
                        JsonNode block = data.path("content_block");
                        if (block.path("type").asText().equals("tool_use")) {
                            calls.put(index, new String[] {block.path("id").asText(), block.path("name").asText(),
                                    ""});
                        }
                    }
                    case "content_block_delta" -> {
                        assertThat(index).as("a delta outside its open block").isEqualTo(open);
                        JsonNode delta = data.path("delta");
                        switch (delta.path("type").asText()) {
                            case "text_delta" -> text.append(delta.path("text").asText());
                            case "input_json_delta" -> calls.get(index)[2] += delta.path("partial_json").asText();
                            default -> throw new AssertionError("unexpected delta " + delta);
                        }
                    }
                    case "content_block_stop" -> {
                        assertThat(index).as("a stop for a block not open").isEqualTo(open);
                        open = null;
                    }
                    case "message_delta" -> end = data;
                    default -> {
                    }
                }
            }
            assertThat(open).as("a block never stopped").isNull();
            assertThat(end).as("message_delta").isNotNull();
            JsonNode usage = end.path("usage");
            return new Turn(text.toString(), calls.values().stream().map(p -> new Call(p[0], p[1], p[2])).toList(),
                    end.at("/delta/stop_reason").asText(),
                    (usage.has("input_tokens") ? usage : start).path("input_tokens").asInt(),
                    (usage.has("output_tokens") ? usage : start).path("output_tokens").asInt());
        }
    },

    RESPONSES("/v1/responses", "completed", "completed") {
        @Override
        String firstTurn(String model, boolean stream) {
            return """
                    {"model":%s,"stream":%s,"max_output_tokens":300,"instructions":%s,
                     "input":[{"role":"user","content":%s}],
                     "tools":[{"type":"function","name":%s,"description":%s,"parameters":%s}]}"""
                    .formatted(q(model), stream, q(SYSTEM), q(QUESTION), q(TOOL), q(DESCRIPTION), SCHEMA);
        }

        @Override
        String secondTurn(String model, boolean stream, Turn first, List<String> results) {
            return """
                    {"model":%s,"stream":%s,"max_output_tokens":300,"instructions":%s,
                     "input":[{"role":"user","content":%s},
                       {"type":"message","role":"assistant","content":[{"type":"output_text","text":%s}]},
                       %s,%s],
                     "tools":[{"type":"function","name":%s,"description":%s,"parameters":%s}]}"""
                    .formatted(q(model), stream, q(SYSTEM), q(QUESTION), q(first.text()),
                            each(first.calls(), results, (call, result) -> """
                                    {"type":"function_call","call_id":%s,"name":%s,"arguments":%s}"""
                                    .formatted(q(call.id()), q(call.name()), q(call.arguments()))),
                            each(first.calls(), results, (call, result) -> """
                                    {"type":"function_call_output","call_id":%s,"output":%s}"""
                                    .formatted(q(call.id()), q(result))),
                            q(TOOL), q(DESCRIPTION), SCHEMA);
        }

        @Override
        Turn answer(JsonNode body) {
            assertThat(body.path("object").asText()).isEqualTo("response");
            StringBuilder text = new StringBuilder();
            List<Call> calls = new ArrayList<>();
            for (JsonNode item : body.path("output")) {
                switch (item.path("type").asText()) {
                    case "message" -> {
                        for (JsonNode part : item.path("content")) {
                            assertThat(part.path("type").asText()).isEqualTo("output_text");
                            text.append(part.path("text").asText());
                        }
                    }
                    case "function_call" -> calls.add(new Call(item.path("call_id").asText(),
                            item.path("name").asText(), item.path("arguments").asText()));
                    default -> throw new AssertionError("unexpected item " + item);
                }
            }
            return new Turn(text.toString(), calls, body.path("status").asText(),
                    body.at("/usage/input_tokens").asInt(), body.at("/usage/output_tokens").asInt());
        }

        /**
         * Items by output index, from their added events and deltas; the response in {@code response.completed} must
         * hold exactly what the deltas added up to, as the SDKs' accumulators expect.
         */
        @Override
        Turn streamed(String sse) {
            List<Named> events = SseEvents.named(sse);
            assertThat(events.getFirst().event()).isEqualTo("response.created");
            assertThat(events.getLast().event()).isEqualTo("response.completed");
            StringBuilder text = new StringBuilder();
            Map<Integer, String[]> calls = new TreeMap<>();
            int sequence = 0;
            for (Named event : events) {
                JsonNode data = event.data();
                // the SDKs rebuild the response by position: each event one more than the last, from 0
                assertThat(data.path("sequence_number").asInt(-1)).as(event.event()).isEqualTo(sequence++);
                int index = data.path("output_index").asInt();
                switch (event.event()) {
                    case "response.output_item.added" -> {
                        JsonNode item = data.path("item");
                        if (item.path("type").asText().equals("function_call")) {
                            calls.put(index, new String[] {item.path("call_id").asText(), item.path("name").asText(),
                                    ""});
                        }
                    }
                    case "response.output_text.delta" -> text.append(data.path("delta").asText());
                    case "response.function_call_arguments.delta" -> calls.get(index)[2] += data.path("delta")
                            .asText();
                    default -> {
                    }
                }
            }
            JsonNode completed = events.getLast().data().path("response");
            Turn whole = answer(completed);
            Turn fromDeltas = new Turn(text.toString(), calls.values().stream()
                    .map(p -> new Call(p[0], p[1], p[2])).toList(), whole.stop(), whole.inputTokens(),
                    whole.outputTokens());
            assertThat(fromDeltas).as("the deltas against response.completed").isEqualTo(whole);
            return whole;
        }
    };

    static final String SYSTEM = "You are terse.";
    static final String QUESTION = "What is the weather in Zürich and in Paris?";
    static final String TOOL = "get_weather";
    static final String DESCRIPTION = "Current weather in a city";
    static final String SCHEMA = """
            {"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city"]}""";

    /** The path the API is served on. */
    final String path;
    /** The stop (or finish, or status) the API reports for a turn that ends in a tool call, and for text. */
    final String toolStop;
    final String textStop;

    MatrixApi(String path, String toolStop, String textStop) {
        this.path = path;
        this.toolStop = toolStop;
        this.textStop = textStop;
    }

    /** The first request: a system prompt, the user's question and one function tool. */
    abstract String firstTurn(String model, boolean stream);

    /**
     * The second request: the first one's messages, the model's answer as the client got it (its text and its calls),
     * and each call's result, in the calls' order.
     */
    abstract String secondTurn(String model, boolean stream, Turn first, List<String> results);

    abstract Turn answer(JsonNode body);

    abstract Turn streamed(String sse);

    Turn read(String body, boolean stream) {
        return stream ? streamed(body) : answer(Json.tree(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** A tool call as a client sees it: arguments as JSON text, whatever the API nests them in. */
    record Call(String id, String name, String arguments) {
    }

    /** One answer in neutral terms: its text, its tool calls, how it stopped and the tokens it reports. */
    record Turn(String text, List<Call> calls, String stop, int inputTokens, int outputTokens) {
    }

    /** One JSON element per call and its result, comma-separated. */
    private static String each(List<Call> calls, List<String> results, BiFunction<Call, String, String> element) {
        assertThat(results).hasSameSizeAs(calls);
        List<String> elements = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            elements.add(element.apply(calls.get(i), results.get(i)));
        }
        return String.join(",", elements);
    }

    private static String q(String value) {
        return Json.writeString(value);
    }
}
