package dev.caravan.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Test-side HTTP and SSE helpers, kept apart so the tests read as assertions about wire shapes. */
final class SimTestClient implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    /** One parsed SSE event; {@code event} is null when the stream has no event: lines (OpenAI, Gemini). */
    record Sse(String event, String data) {
        JsonNode json() {
            return parse(data);
        }
    }

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    SimTestClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    HttpRequest.Builder request(String path, String body) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    HttpResponse<String> post(String path, String body) {
        try {
            return http.send(request(path, body).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    /** Splits an SSE body into events, accepting LF and CRLF line ends as the spec does. */
    static List<Sse> events(String body) {
        List<Sse> events = new ArrayList<>();
        String event = null;
        StringBuilder data = null;
        for (String line : body.split("\r\n|\n", -1)) {
            if (line.isEmpty()) {
                if (data != null || event != null) {
                    events.add(new Sse(event, data == null ? "" : data.toString()));
                }
                event = null;
                data = null;
            } else if (line.startsWith("event:")) {
                event = line.substring(6).strip();
            } else if (line.startsWith("data:")) {
                String value = line.substring(5).strip();
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
        }
        return events;
    }

    /** Sends raw bytes and reads until EOF or a reset; the reset, if any, is returned in {@code failure}. */
    static RawResult raw(int port, byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    received.write(buf, 0, n);
                }
                return new RawResult(received.toString(StandardCharsets.UTF_8), null);
            } catch (IOException e) {
                return new RawResult(received.toString(StandardCharsets.UTF_8), e);
            }
        }
    }

    record RawResult(String text, IOException failure) {
    }

    @Override
    public void close() {
        http.close();
    }
}
