package dev.caravan.simulator;

import static dev.caravan.simulator.SimTestClient.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP/1.1 plumbing under the wire formats, exercised over raw sockets. */
class SimulatorHttpTest {

    private static final String BODY = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private ProviderSimulator sim;

    @BeforeEach
    void start() {
        sim = ProviderSimulator.start(0);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private static String post(String path, String body, String extraHeaders) {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\n" + extraHeaders + "Content-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    @Test
    void chunkedRequestBodyIsReassembled() throws IOException {
        String half = BODY.substring(0, 20);
        String rest = BODY.substring(20);
        String request = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n" + Integer.toHexString(half.length()) + ";ext=1\r\n" + half + "\r\n"
                + Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n0\r\n\r\n";

        SimTestClient.RawResult result = SimTestClient.raw(sim.port(), request.getBytes(StandardCharsets.UTF_8));

        assertThat(result.text()).startsWith("HTTP/1.1 200 OK").contains("Connection: close");
        assertThat(sim.takeRequest().body()).isEqualTo(BODY);
    }

    @Test
    void pipelinedRequestsOnOneConnectionAreAnsweredInOrder() throws IOException {
        sim.enqueue(Reply.text("first"), Reply.text("second"));
        String request = post("/v1/chat/completions", BODY, "")
                + post("/v1/chat/completions", BODY, "Connection: close\r\n");

        SimTestClient.RawResult result = SimTestClient.raw(sim.port(), request.getBytes(StandardCharsets.UTF_8));

        assertThat(result.failure()).isNull();
        assertThat(result.text().split("HTTP/1.1 200 OK", -1)).hasSize(3);
        assertThat(result.text().indexOf("\"first\"")).isLessThan(result.text().indexOf("\"second\""));
    }

    @Test
    void unknownPathAndWrongMethodGetProviderShapedErrors() throws IOException {
        SimTestClient.RawResult unknown = SimTestClient.raw(sim.port(),
                post("/v1/nothing", "{}", "Connection: close\r\n").getBytes(StandardCharsets.UTF_8));
        SimTestClient.RawResult gemini = SimTestClient.raw(sim.port(),
                post("/v1beta/models/g:countTokens", "{}", "Connection: close\r\n").getBytes(StandardCharsets.UTF_8));
        SimTestClient.RawResult health = SimTestClient.raw(sim.port(),
                "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.UTF_8));

        assertThat(unknown.text()).startsWith("HTTP/1.1 404");
        assertThat(parse(body(unknown)).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(parse(body(gemini)).at("/error/status").asText()).isEqualTo("NOT_FOUND");
        assertThat(health.text()).startsWith("HTTP/1.1 200");
        assertThat(sim.pendingReplies()).isZero();
    }

    @Test
    void invalidRequestsDoNotConsumeScriptedReplies() throws IOException {
        sim.enqueue(Reply.text("kept"));

        SimTestClient.RawResult bad = SimTestClient.raw(sim.port(),
                post("/v1beta/models/g:generateContent", "[1]", "Connection: close\r\n")
                        .getBytes(StandardCharsets.UTF_8));

        assertThat(bad.text()).startsWith("HTTP/1.1 400");
        assertThat(parse(body(bad)).at("/error/status").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(sim.pendingReplies()).isEqualTo(1);
    }

    @Test
    void closeDropsOpenConnectionsIncludingStalledOnes() throws IOException {
        sim.enqueue(Reply.stall());
        try (Socket socket = new Socket("127.0.0.1", sim.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(post("/v1/chat/completions", BODY, "").getBytes(StandardCharsets.UTF_8));
            out.flush();
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.requests().size() == 1);
            assertThat(sim.openConnections()).isEqualTo(1);

            sim.close();

            InputStream in = socket.getInputStream();
            int first;
            try {
                first = in.read();
            } catch (IOException e) {
                first = -1;
            }
            assertThat(first).isEqualTo(-1);
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.openConnections() == 0);
            assertThat(sim.abortedStreams()).isZero();
        }
    }

    @Test
    void keepAliveTimeoutClosesAConnectionThatWaitsTooLongForItsNextRequest() throws IOException {
        sim.setKeepAliveTimeout(Duration.ofMillis(50));
        try (Socket socket = new Socket("127.0.0.1", sim.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(post("/v1/chat/completions", BODY, "").getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            String head = new String(in.readNBytes(15), StandardCharsets.US_ASCII);

            await().atMost(Duration.ofSeconds(5)).until(() -> sim.idleConnectionsClosed() == 1);

            assertThat(head).isEqualTo("HTTP/1.1 200 OK");
            // the rest of the answer, then the end of the stream: the server closed, and no "Connection: close"
            // had warned of it
            String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(rest).doesNotContain("Connection: close").endsWith("}");
        }
    }

    @Test
    void nonStreamLatencyAndRecordingLimitAreHonoured() throws IOException {
        try (ProviderSimulator quiet = ProviderSimulator.start(0, SimulatorDefaults.defaults(), 0)) {
            quiet.enqueue(Reply.text("late").latencyMs(150));
            long started = System.nanoTime();
            SimTestClient.RawResult result = SimTestClient.raw(quiet.port(),
                    post("/v1/chat/completions", BODY, "Connection: close\r\n").getBytes(StandardCharsets.UTF_8));

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
            assertThat(result.text()).contains("\"late\"");
            assertThat(quiet.requests()).isEmpty();
        }
    }

    @Test
    void withoutPacedWholeAnswersOnlyStreamsWait() throws IOException {
        // paced, the whole answer would take 60 s + 3 x 60 s, far past the raw client's 10 s read timeout
        try (ProviderSimulator paced = ProviderSimulator.start(0,
                new SimulatorDefaults("a b c d", 4, 60_000, 60_000), 0)) {
            paced.setPaceWholeAnswers(false);
            SimTestClient.RawResult whole = SimTestClient.raw(paced.port(),
                    post("/v1/chat/completions", BODY, "Connection: close\r\n").getBytes(StandardCharsets.UTF_8));

            assertThat(whole.text()).startsWith("HTTP/1.1 200 OK");
            assertThat(parse(body(whole)).at("/choices/0/message/content").asText()).isEqualTo("a b c d");
        }
        try (ProviderSimulator paced = ProviderSimulator.start(0,
                new SimulatorDefaults("a b", 2, 150, 0), 0)) {
            paced.setPaceWholeAnswers(false);
            try (SimTestClient client = new SimTestClient(paced.baseUrl())) {
                long started = System.nanoTime();
                String stream = client.post("/v1/messages",
                        "{\"model\":\"m\",\"max_tokens\":16,\"stream\":true,\"messages\":[]}").body();

                assertThat(Duration.ofNanos(System.nanoTime() - started))
                        .isGreaterThanOrEqualTo(Duration.ofMillis(150));
                assertThat(stream).contains("event: content_block_delta").contains("event: message_stop");
            }
        }
    }

    private static String body(SimTestClient.RawResult result) {
        return result.text().substring(result.text().indexOf("\r\n\r\n") + 4);
    }
}
