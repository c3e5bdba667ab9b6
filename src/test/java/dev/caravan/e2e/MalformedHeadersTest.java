package dev.caravan.e2e;

import dev.caravan.simulator.Reply;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests Tomcat refuses before any route runs (the probe got Tomcat's HTML page for each) are answered in OpenAI's
 * error shape, and the gateway serves on. Sent over a raw socket: HTTP clients will not send a raw CR or most of these.
 */
class MalformedHeadersTest extends GatewayTestBase {

    static Stream<Arguments> requests() {
        String body = simpleRequest("openai/gpt-5", false);
        String big = "x".repeat(64 * 1024);
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            many.append("x-many-").append(i).append(": ").append("value-").append(i).append("\r\n");
        }
        return Stream.of(
                Arguments.of("a 64 KB header", "x-big: " + big + "\r\n", body),
                Arguments.of("a 64 KB x-caravan-options", "x-caravan-options: {\"user\":\"" + big + "\"}\r\n", body),
                Arguments.of("2,000 headers", many.toString(), body),
                Arguments.of("a raw CR inside a header", "x-bad: one\rtwo\r\n", body));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void is_refused_in_the_openai_error_shape(String name, String extraHeaders, String body) throws Exception {
        String answer = send("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + GATEWAY_KEY + "\r\nContent-Type: application/json\r\n" + extraHeaders
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n"
                + body);

        assertThat(answer).startsWith("HTTP/1.1 4");
        assertThat(answer.toLowerCase()).contains("content-type: application/json");
        String json = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        assertThat(json(json).path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(json(json).path("error").path("message").asText()).contains("not accepted");
        assertThat(answer).doesNotContain("<html", GATEWAY_KEY);

        SIMULATOR.enqueue(Reply.text("still here"));
        assertThat(chat(simpleRequest("openai/gpt-5", false)).statusCode()).isEqualTo(200);
    }

    private String send(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException refusedMidway) {
                // the server may answer and close before it has read the whole request
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }
}
