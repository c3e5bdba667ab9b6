package dev.caravan.simulator;

import static dev.caravan.simulator.SimTestClient.events;
import static dev.caravan.simulator.SimTestClient.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.SimTestClient.Sse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProviderSimulatorTest {

    private static final String OPENAI = "/v1/chat/completions";
    private static final String ANTHROPIC = "/v1/messages";
    private static final String GEMINI = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String GEMINI_STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
    // 25 characters of message text -> 6 prompt tokens by the simulator's estimate.
    private static final String OPENAI_BODY =
            "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather like?\"}]}";
    private static final String OPENAI_STREAM_BODY = "{\"model\":\"gpt-4o\",\"stream\":true,"
            + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    private static final String ANTHROPIC_BODY = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":256,"
            + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hello Claude, hi!\"}]}]}";
    private static final String GEMINI_BODY =
            "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi Gemini\"}]}]}";

    private ProviderSimulator sim;
    private SimTestClient client;

    @BeforeEach
    void start() {
        sim = ProviderSimulator.start(0);
        client = new SimTestClient(sim.baseUrl());
    }

    @AfterEach
    void stop() {
        client.close();
        sim.close();
    }

    @Test
    void openAiNonStreamHasTheChatCompletionShape() {
        HttpResponse<String> response = client.post(OPENAI, OPENAI_BODY);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode json = parse(response.body());
        assertThat(json.get("id").asText()).startsWith("chatcmpl-");
        assertThat(json.get("object").asText()).isEqualTo("chat.completion");
        assertThat(json.get("created").asLong()).isPositive();
        assertThat(json.get("model").asText()).isEqualTo("gpt-4o");
        JsonNode choice = json.get("choices").get(0);
        assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
        assertThat(choice.get("message").get("content").asText()).isEqualTo(SimulatorDefaults.DEFAULT_TEXT);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = json.get("usage");
        assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(6);
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(5);
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(11);
        assertThat(usage.at("/prompt_tokens_details/cached_tokens").asInt()).isZero();
        assertThat(usage.at("/completion_tokens_details/reasoning_tokens").asInt()).isZero();
    }

    @Test
    void openAiStreamSendsRoleContentFinishUsageAndDone() {
        sim.enqueue(Reply.text("one two three four five").chunks(5).usage(10, 5).cachedTokens(3));

        HttpResponse<String> response = client.post(OPENAI, OPENAI_STREAM_BODY);

        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(response.headers().firstValue("transfer-encoding")).hasValue("chunked");
        List<Sse> events = events(response.body());
        assertThat(events.getLast().data()).isEqualTo("[DONE]");
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(Sse::json).toList();
        assertThat(chunks).allSatisfy(c -> assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk"));
        assertThat(chunks.getFirst().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(chunks.getFirst().at("/choices/0/delta/content").asText()).isEmpty();
        String content = chunks.stream().skip(1).map(c -> c.at("/choices/0/delta/content").asText(""))
                .collect(Collectors.joining());
        assertThat(content).isEqualTo("one two three four five");
        assertThat(chunks).filteredOn(c -> c.at("/choices/0/delta/content").isTextual()).hasSize(6);
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = chunks.getLast();
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.at("/usage/prompt_tokens").asInt()).isEqualTo(10);
        assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(5);
        assertThat(usage.at("/usage/prompt_tokens_details/cached_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void openAiToolCallsNonStreamAndStream() {
        ToolCallSpec weather = ToolCallSpec.of("get_weather", "{\"city\":\"Paris\"}");
        sim.enqueue(Reply.toolCalls(weather), Reply.toolCalls(weather).chunks(3));

        JsonNode json = parse(client.post(OPENAI, OPENAI_BODY).body());
        JsonNode message = json.at("/choices/0/message");
        assertThat(message.get("content").isNull()).isTrue();
        JsonNode call = message.get("tool_calls").get(0);
        assertThat(call.get("id").asText()).startsWith("call_");
        assertThat(call.get("type").asText()).isEqualTo("function");
        assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(call.at("/function/arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(json.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");

        List<JsonNode> toolDeltas = events(client.post(OPENAI, OPENAI_STREAM_BODY).body()).stream()
                .filter(e -> !e.data().equals("[DONE]")).map(Sse::json)
                .map(c -> c.at("/choices/0/delta/tool_calls/0")).filter(JsonNode::isObject).toList();
        JsonNode first = toolDeltas.getFirst();
        assertThat(first.get("index").asInt()).isZero();
        assertThat(first.get("id").asText()).startsWith("call_");
        assertThat(first.get("type").asText()).isEqualTo("function");
        assertThat(first.at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(first.at("/function/arguments").asText()).isEmpty();
        assertThat(toolDeltas).hasSize(4);
        assertThat(toolDeltas.stream().skip(1)).allSatisfy(d -> assertThat(d.has("id")).isFalse());
        assertThat(toolDeltas.stream().map(d -> d.at("/function/arguments").asText()).collect(Collectors.joining()))
                .isEqualTo("{\"city\":\"Paris\"}");
    }

    @Test
    void anthropicNonStreamRendersThinkingTextAndToolUseBlocks() {
        sim.enqueue(Reply.reasoning("Let me think.").withText("Checking.")
                .withToolCalls(ToolCallSpec.of("get_weather", "{\"city\":\"Paris\"}"))
                .usage(100, 20).cachedTokens(60).cacheWriteTokens(10));

        JsonNode json = parse(client.post(ANTHROPIC, ANTHROPIC_BODY).body());

        assertThat(json.get("id").asText()).startsWith("msg_");
        assertThat(json.get("type").asText()).isEqualTo("message");
        assertThat(json.get("role").asText()).isEqualTo("assistant");
        assertThat(json.get("model").asText()).isEqualTo("claude-sonnet-4-5");
        JsonNode content = json.get("content");
        assertThat(content.get(0).get("type").asText()).isEqualTo("thinking");
        assertThat(content.get(0).get("thinking").asText()).isEqualTo("Let me think.");
        assertThat(content.get(0).get("signature").asText()).isNotEmpty();
        assertThat(content.get(1).get("text").asText()).isEqualTo("Checking.");
        assertThat(content.get(2).get("type").asText()).isEqualTo("tool_use");
        assertThat(content.get(2).get("id").asText()).startsWith("toolu_");
        assertThat(content.get(2).get("input").get("city").asText()).isEqualTo("Paris");
        assertThat(json.get("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(json.get("stop_sequence").isNull()).isTrue();
        assertThat(json.at("/usage/input_tokens").asInt()).isEqualTo(30);
        assertThat(json.at("/usage/cache_read_input_tokens").asInt()).isEqualTo(60);
        assertThat(json.at("/usage/cache_creation_input_tokens").asInt()).isEqualTo(10);
        assertThat(json.at("/usage/output_tokens").asInt()).isEqualTo(20);
    }

    @Test
    void anthropicStreamHasNamedEventsInOrder() {
        sim.enqueue(Reply.text("Hi there friend").chunks(3).finishReason("length"));

        List<Sse> events = events(client.post(ANTHROPIC, ANTHROPIC_BODY.replace("{\"model\"",
                "{\"stream\":true,\"model\"")).body());

        assertThat(events).allSatisfy(e -> assertThat(e.json().get("type").asText()).isEqualTo(e.event()));
        assertThat(events).extracting(Sse::event).containsExactly("message_start", "content_block_start", "ping",
                "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop");
        JsonNode start = events.getFirst().json().get("message");
        assertThat(start.get("content")).isEmpty();
        assertThat(start.at("/usage/input_tokens").asInt()).isEqualTo(4);
        assertThat(events.stream().filter(e -> e.event().equals("content_block_delta"))
                .map(e -> e.json().at("/delta/text").asText()).collect(Collectors.joining()))
                .isEqualTo("Hi there friend");
        JsonNode delta = events.get(7).json();
        assertThat(delta.at("/delta/stop_reason").asText()).isEqualTo("max_tokens");
        assertThat(delta.at("/delta/stop_sequence").isNull()).isTrue();
        assertThat(delta.at("/usage/output_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void anthropicStreamsToolInputAsJsonFragments() {
        sim.enqueue(Reply.toolCalls(ToolCallSpec.of("lookup", "{\"q\":\"caravan\"}")).chunks(4));

        List<JsonNode> events = events(client.post(ANTHROPIC, ANTHROPIC_BODY.replace("{\"model\"",
                "{\"stream\":true,\"model\"")).body()).stream().map(Sse::json).toList();

        JsonNode block = events.get(1).get("content_block");
        assertThat(block.get("type").asText()).isEqualTo("tool_use");
        assertThat(block.get("name").asText()).isEqualTo("lookup");
        assertThat(events.stream().filter(e -> e.at("/delta/type").asText().equals("input_json_delta"))
                .map(e -> e.at("/delta/partial_json").asText()).collect(Collectors.joining()))
                .isEqualTo("{\"q\":\"caravan\"}");
        assertThat(events.get(events.size() - 2).at("/delta/stop_reason").asText()).isEqualTo("tool_use");
    }

    @Test
    void anthropicValidatesLikeTheRealApi() {
        HttpResponse<String> noMaxTokens = client.post(ANTHROPIC, "{\"model\":\"m\",\"messages\":[]}");
        HttpResponse<String> badJson = client.post(ANTHROPIC, "{not json");

        assertThat(noMaxTokens.statusCode()).isEqualTo(400);
        assertThat(parse(noMaxTokens.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(parse(noMaxTokens.body()).get("type").asText()).isEqualTo("error");
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(client.post(OPENAI, "{\"model\":\"m\"}").statusCode()).isEqualTo(400);
    }

    @Test
    void geminiNonStreamHasCandidatesAndUsageMetadata() {
        sim.enqueue(Reply.reasoning("hmm").withText("Bonjour")
                .withToolCalls(ToolCallSpec.of("get_weather", "{\"city\": \"Paris\"}")).usage(8, 6)
                .reasoningTokens(2));

        JsonNode json = parse(client.post(GEMINI, GEMINI_BODY).body());

        JsonNode candidate = json.get("candidates").get(0);
        assertThat(candidate.at("/content/role").asText()).isEqualTo("model");
        JsonNode parts = candidate.at("/content/parts");
        assertThat(parts.get(0).get("thought").asBoolean()).isTrue();
        assertThat(parts.get(1).get("text").asText()).isEqualTo("Bonjour");
        assertThat(parts.get(2).at("/functionCall/name").asText()).isEqualTo("get_weather");
        assertThat(parts.get(2).at("/functionCall/args/city").asText()).isEqualTo("Paris");
        assertThat(candidate.get("finishReason").asText()).isEqualTo("STOP");
        assertThat(candidate.get("index").asInt()).isZero();
        assertThat(json.at("/usageMetadata/promptTokenCount").asInt()).isEqualTo(8);
        assertThat(json.at("/usageMetadata/candidatesTokenCount").asInt()).isEqualTo(4);
        assertThat(json.at("/usageMetadata/thoughtsTokenCount").asInt()).isEqualTo(2);
        assertThat(json.at("/usageMetadata/totalTokenCount").asInt()).isEqualTo(14);
        assertThat(json.get("modelVersion").asText()).isEqualTo("gemini-2.5-flash");
        assertThat(json.get("responseId").asText()).isNotEmpty();
    }

    @Test
    void geminiStreamCarriesFinishAndUsageOnlyOnTheLastEvent() {
        sim.enqueue(Reply.text("a b c d").chunks(4).finishReason("content_filter"));

        HttpResponse<String> response = client.post(GEMINI_STREAM, GEMINI_BODY);

        assertThat(sim.takeRequest().query()).isEqualTo("alt=sse");
        List<Sse> events = events(response.body());
        assertThat(events).hasSize(4).allSatisfy(e -> assertThat(e.event()).isNull());
        List<JsonNode> json = events.stream().map(Sse::json).toList();
        assertThat(json.subList(0, 3)).allSatisfy(j -> {
            assertThat(j.at("/candidates/0/finishReason").isMissingNode()).isTrue();
            assertThat(j.has("usageMetadata")).isFalse();
        });
        assertThat(json.getLast().at("/candidates/0/finishReason").asText()).isEqualTo("SAFETY");
        assertThat(json.getLast().at("/usageMetadata/candidatesTokenCount").asInt()).isEqualTo(4);
        assertThat(json.stream().map(j -> j.at("/candidates/0/content/parts/0/text").asText())
                .collect(Collectors.joining())).isEqualTo("a b c d");
    }

    @Test
    void errorsUseEachFormatsShapeAndCarryRetryAfter() {
        sim.enqueue(Reply.error(429, "slow down").retryAfter(7), Reply.error(529, "busy"),
                Reply.error(503, "unavailable").retryAfter(2));

        HttpResponse<String> openAi = client.post(OPENAI, OPENAI_BODY);
        HttpResponse<String> anthropic = client.post(ANTHROPIC, ANTHROPIC_BODY);
        HttpResponse<String> gemini = client.post(GEMINI, GEMINI_BODY);

        assertThat(openAi.statusCode()).isEqualTo(429);
        assertThat(openAi.headers().firstValue("retry-after")).hasValue("7");
        assertThat(parse(openAi.body()).at("/error/type").asText()).isEqualTo("rate_limit_error");
        assertThat(parse(openAi.body()).at("/error/message").asText()).isEqualTo("slow down");
        assertThat(anthropic.statusCode()).isEqualTo(529);
        assertThat(anthropic.headers().firstValue("retry-after")).isEmpty();
        assertThat(parse(anthropic.body()).at("/error/type").asText()).isEqualTo("overloaded_error");
        assertThat(gemini.statusCode()).isEqualTo(503);
        assertThat(gemini.headers().firstValue("retry-after")).hasValue("2");
        assertThat(parse(gemini.body()).at("/error/status").asText()).isEqualTo("UNAVAILABLE");
        assertThat(parse(gemini.body()).at("/error/code").asInt()).isEqualTo(503);
    }

    @Test
    void resetFailsTheRequestAndTheNextOneStillWorks() {
        sim.enqueue(Reply.reset());

        assertThatThrownBy(() -> client.post(OPENAI, OPENAI_BODY)).hasRootCauseInstanceOf(IOException.class);
        assertThat(client.post(OPENAI, OPENAI_BODY).statusCode()).isEqualTo(200);
    }

    @Test
    void cutAfterChunksDeliversThatManyEventsThenResets() throws Exception {
        sim.enqueue(Reply.text("one two three four five six").chunks(6).cutAfterChunks(3));

        // A raw socket, because java.net.http drops already-received body bytes once it sees the reset.
        SimTestClient.RawResult result = SimTestClient.raw(sim.port(), ("POST " + OPENAI + " HTTP/1.1\r\n"
                + "Host: x\r\nContent-Length: " + OPENAI_STREAM_BODY.length() + "\r\n\r\n" + OPENAI_STREAM_BODY)
                .getBytes(StandardCharsets.UTF_8));

        assertThat(result.text()).startsWith("HTTP/1.1 200 OK").contains("Transfer-Encoding: chunked");
        List<String> dataLines = result.text().lines().filter(l -> l.startsWith("data: ")).toList();
        assertThat(dataLines).hasSize(3).noneMatch(l -> l.contains("[DONE]"));
        assertThat(result.text()).doesNotEndWith("0\r\n\r\n");
        assertThat(result.failure()).isInstanceOf(SocketException.class).hasMessageContaining("reset");
        assertThat(sim.abortedStreams()).isZero();
    }

    @Test
    void stalledRequestAbandonedByTheClientCountsAsAborted() {
        sim.enqueue(Reply.stall());

        var call = client.http.sendAsync(client.request(OPENAI, OPENAI_STREAM_BODY)
                .timeout(Duration.ofMillis(300)).build(), HttpResponse.BodyHandlers.ofString());

        assertThatThrownBy(call::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(HttpTimeoutException.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.abortedStreams() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.openConnections() == 0);
    }

    @Test
    void slowStreamAbandonedMidWayCountsAsAborted() throws Exception {
        sim.enqueue(Reply.text("a b c d e f g h i j").chunks(10).chunkDelayMs(100));

        HttpResponse<InputStream> response = client.http.send(client.request(ANTHROPIC, ANTHROPIC_BODY.replace(
                "{\"model\"", "{\"stream\":true,\"model\"")).build(), HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        assertThat(reader.readLine()).isEqualTo("event: message_start");
        reader.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> sim.abortedStreams() == 1);
    }

    @Test
    void queueIsFifoAcrossEndpointsThenFallsBackToTheDefault() {
        sim.enqueue(Reply.text("first"), Reply.text("second"));

        assertThat(parse(client.post(GEMINI, GEMINI_BODY).body()).at("/candidates/0/content/parts/0/text").asText())
                .isEqualTo("first");
        assertThat(parse(client.post(ANTHROPIC, ANTHROPIC_BODY).body()).at("/content/0/text").asText())
                .isEqualTo("second");
        assertThat(parse(client.post(OPENAI, OPENAI_BODY).body()).at("/choices/0/message/content").asText())
                .isEqualTo(SimulatorDefaults.DEFAULT_TEXT);
    }

    @Test
    void recordsRequestsAndReusesOneKeepAliveConnection() {
        for (int i = 0; i < 3; i++) {
            client.post(OPENAI, OPENAI_BODY);
        }

        assertThat(sim.requests()).hasSize(3);
        RecordedRequest first = sim.takeRequest();
        assertThat(first.method()).isEqualTo("POST");
        assertThat(first.path()).isEqualTo(OPENAI);
        assertThat(first.header("Content-Type")).isEqualTo("application/json");
        assertThat(first.headers()).containsKey("content-type");
        assertThat(first.body()).isEqualTo(OPENAI_BODY);
        assertThat(sim.lastRequest().body()).isEqualTo(OPENAI_BODY);
        assertThat(sim.openConnections()).isEqualTo(1);

        sim.reset();
        assertThat(sim.requests()).isEmpty();
        assertThat(sim.lastRequest()).isNull();
    }
}
