package dev.caravan.format.responses;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import com.sun.net.httpserver.HttpServer;
import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.ChatCompletionChunk;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Message;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The official OpenAI Java SDK as the client, over a loopback socket, of bodies this package writes: the
 * non-streamed Response, a streamed one read through the SDK's own SSE handling and accumulator, and a stream that
 * fails after it began, which the SDK must raise rather than end quietly (it does only because the error event
 * carries an {@code error} object besides its typed fields: without it the SDK yields the event and the stream
 * just stops). No route is involved: a bare JDK HTTP
 * server answers every request with the body the test sets.
 */
class ResponsesSdkClientTest {

    private static final String GENERATION_ID = "gen_01JF4SDKCL1ENT000000000000";

    private HttpServer server;
    private OpenAIClient client;
    private final AtomicReference<byte[]> body = new AtomicReference<>();
    private final AtomicReference<String> contentType = new AtomicReference<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/responses", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] bytes = body.get();
            exchange.getResponseHeaders().set("Content-Type", contentType.get());
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1")
                .apiKey("sk-test").maxRetries(0).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    private static ResponsesRequest request() {
        return ResponsesApiReader.read("{\"model\":\"openai/gpt-5-mini\",\"input\":\"Hello\",\"stream\":true}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static ResponseCreateParams params() {
        return ResponseCreateParams.builder().model("openai/gpt-5-mini").input("Hello").build();
    }

    private static ChatCompletionChunk text(String text) {
        return ChatCompletionChunk.of(GENERATION_ID, 1L, "openai/gpt-5-mini", Message.assistant(text, null, null),
                null);
    }

    @Test
    void the_sdk_reads_a_non_streamed_response_and_computes_its_output_text() throws IOException {
        ChatCompletion completion = Json.read(ResponsesApiReaderTest.fixture("completion_reasoning_text_tools.json"),
                ChatCompletion.class);
        body.set(ResponsesApiResponses.toResponseJson(completion,
                ResponsesApiReaderTest.read("request_tool_round_trip.json")));
        contentType.set("application/json");

        Response response = client.responses().create(params());

        assertThat(response.validate().id()).isEqualTo("resp_01JF3ZQ8XK5T9M2V7R4B6N8C0D");
        assertThat(response.output()).hasSize(4);
        assertThat(response.output().get(2).asFunctionCall().callId()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
    }

    @Test
    void the_sdk_streams_and_accumulates_the_events() {
        ResponsesSseEncoder encoder = new ResponsesSseEncoder(request(), GENERATION_ID, 1L);
        ByteArrayOutputStream sse = new ByteArrayOutputStream();
        sse.writeBytes(encoder.encode(text("Bonjour")));
        sse.writeBytes(encoder.encode(text(" le monde")));
        sse.writeBytes(encoder.encode(ChatCompletionChunk.of(GENERATION_ID, 1L, "openai/gpt-5-mini",
                new Message(null, null, null, null, null, null, null, null), "stop")));
        sse.writeBytes(encoder.finish());
        body.set(sse.toByteArray());
        contentType.set("text/event-stream");

        ResponseAccumulator accumulator = ResponseAccumulator.create();
        StringBuilder deltas = new StringBuilder();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params())) {
            stream.stream().map(accumulator::accumulate)
                    .forEach(event -> event.outputTextDelta().ifPresent(delta -> deltas.append(delta.delta())));
        }

        assertThat(deltas).hasToString("Bonjour le monde");
        Response response = accumulator.response();
        assertThat(response.id()).isEqualTo("resp_01JF4SDKCL1ENT000000000000");
        assertThat(response.output().getFirst().asMessage().content().getFirst().asOutputText().text())
                .isEqualTo("Bonjour le monde");
    }

    @Test
    void the_sdk_raises_a_failure_after_the_stream_began() {
        ResponsesSseEncoder encoder = new ResponsesSseEncoder(request(), GENERATION_ID, 1L);
        ByteArrayOutputStream sse = new ByteArrayOutputStream();
        sse.writeBytes(encoder.encode(text("Bonj")));
        sse.writeBytes(encoder.error(new GatewayException(ErrorKind.UPSTREAM_TIMEOUT,
                "openai did not answer in time.")));
        body.set(sse.toByteArray());
        contentType.set("text/event-stream");

        assertThatThrownBy(() -> {
            try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params())) {
                stream.stream().forEach(event -> { });
            }
        }).hasMessageContaining("openai did not answer in time.");
    }
}
