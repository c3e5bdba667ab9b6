package dev.caravan.tracing;

import com.sun.net.httpserver.HttpServer;
import dev.caravan.routing.RoutingTestBase;
import dev.caravan.simulator.Reply;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Traces through real HTTP: a request continues its client's {@code traceparent}, has a root span and a span per
 * provider attempt with the GenAI attributes, passes its attempt's context on to the provider, and is exported over
 * OTLP/HTTP to a collector (here a bare HTTP server that keeps what it is sent). Spans are read from an in-memory
 * exporter added beside the OTLP one.
 */
class TracingTest extends RoutingTestBase {

    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    private static final List<Received> COLLECTED = new CopyOnWriteArrayList<>();
    private static final HttpServer COLLECTOR = collector();

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN_ID = "00f067aa0ba902b7";
    private static final String ADMIN_KEY = "cvn-tracing-test-admin-key-4242";

    private record Received(String method, String path, String contentType, byte[] body) {
    }

    @TestConfiguration
    static class InMemorySpans {
        @Bean
        SpanProcessor inMemorySpans() {
            return SimpleSpanProcessor.create(SPANS);
        }
    }

    @DynamicPropertySource
    static void collectorEndpoint(DynamicPropertyRegistry registry) {
        registry.add("caravan.tracing.otlp-endpoint", () -> "http://127.0.0.1:" + COLLECTOR.getAddress().getPort());
        registry.add("CARAVAN_ADMIN_KEY", () -> ADMIN_KEY);
    }

    @BeforeEach
    void forgetSpans() {
        SPANS.reset();
    }

    @Test
    void continues_the_clients_trace_with_a_root_span_and_a_span_per_attempt_the_failed_one_in_error()
            throws Exception {
        ALPHA.enqueue(Reply.error(503, "alpha is down"));
        BETA.enqueue(Reply.text("from beta"));

        HttpResponse<String> response = chat(request("acme/large", false, null),
                "traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01");

        assertThat(response.statusCode()).isEqualTo(200);
        SpanData root = awaitRoot();
        List<SpanData> attempts = attempts(root);
        assertThat(attempts).hasSize(2);
        SpanData failed = attempts.get(0);
        SpanData served = attempts.get(1);

        assertThat(root.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(root.getParentSpanId()).isEqualTo(CLIENT_SPAN_ID);
        assertThat(root.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(root.getName()).isEqualTo("POST /v1/chat/completions");
        assertThat(string(root, "caravan.api")).isEqualTo("chat-completions");
        assertThat(string(root, "gen_ai.operation.name")).isEqualTo("chat");
        assertThat(string(root, "gen_ai.request.model")).isEqualTo("acme/large");
        assertThat(string(root, "gen_ai.provider.name")).isEqualTo("beta");
        assertThat(number(root, "http.response.status_code")).isEqualTo(200);
        assertThat(string(root, "caravan.generation_id"))
                .isEqualTo(response.headers().firstValue("x-caravan-generation-id").orElseThrow());
        assertThat(root.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

        assertThat(failed.getName()).isEqualTo("chat large-a");
        assertThat(failed.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(string(failed, "error.type")).isEqualTo("provider_overloaded");
        assertThat(number(failed, "http.response.status_code")).isEqualTo(503);
        assertThat(string(failed, "gen_ai.provider.name")).isEqualTo("alpha");
        assertThat(string(failed, "server.address")).isEqualTo("127.0.0.1");
        assertThat(number(failed, "server.port")).isEqualTo(ALPHA.port());

        assertThat(served.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(string(served, "gen_ai.provider.name")).isEqualTo("beta");
        assertThat(string(served, "gen_ai.request.model")).isEqualTo("large-b");
        assertThat(string(served, "gen_ai.response.model")).isNotBlank();
        assertThat(string(served, "caravan.model")).isEqualTo("acme/large");
        assertThat(number(served, "gen_ai.usage.input_tokens")).isPositive();
        assertThat(number(served, "gen_ai.usage.output_tokens")).isPositive();
        assertThat(number(served, "server.port")).isEqualTo(BETA.port());

        // each provider was called with its own attempt's context, in the client's trace
        assertThat(ALPHA.lastRequest().header("traceparent")).isEqualTo(traceparent(failed));
        assertThat(BETA.lastRequest().header("traceparent")).isEqualTo(traceparent(served));
        // no span names the gateway key
        for (SpanData span : SPANS.getFinishedSpanItems()) {
            assertThat(span.getAttributes().asMap().values()).noneMatch(v -> v.toString().contains(KEY));
        }
    }

    @Test
    void names_the_callers_project_and_never_its_key() throws Exception {
        String projectId = json(admin("/v1/admin/projects", "{\"name\":\"traced\"}")).path("id").asText();
        String secret = json(admin("/v1/admin/keys", "{\"name\":\"app\",\"projectId\":\"" + projectId + "\"}"))
                .path("secret").asText();
        ALPHA.enqueue(Reply.text("for the project"));

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + secret).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request("acme/large", false, null))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        SpanData root = awaitRoot();
        assertThat(string(root, "caravan.project")).isEqualTo(projectId);
        for (SpanData span : SPANS.getFinishedSpanItems()) {
            assertThat(span.getAttributes().asMap().values()).noneMatch(v -> v.toString().contains(secret));
            assertThat(span.getName()).doesNotContain(secret);
        }
    }

    @Test
    void starts_a_new_trace_when_the_client_sends_none_and_records_a_refused_request_as_an_error()
            throws Exception {
        ALPHA.enqueue(Reply.error(400, "messages: bad image"));

        HttpResponse<String> response = chat(request("acme/large", false, null));

        assertThat(response.statusCode()).isEqualTo(400);
        SpanData root = awaitRoot();
        assertThat(root.getParentSpanContext().isValid()).isFalse();
        assertThat(root.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(string(root, "error.type")).isEqualTo(string(attempts(root).get(0), "error.type")).isNotBlank();
        assertThat(number(root, "http.response.status_code")).isEqualTo(400);
        assertThat(attempts(root)).hasSize(1);
    }

    @Test
    void ends_a_streamed_requests_spans_when_its_stream_ends_with_the_usage() throws Exception {
        ALPHA.enqueue(Reply.text("one two three four").chunks(4));

        HttpResponse<String> response = chat(request("acme/large", true, null),
                "traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("[DONE]");
        SpanData root = awaitRoot();
        SpanData served = attempts(root).get(0);
        assertThat(root.getTraceId()).isEqualTo(TRACE_ID);
        // the output's tokens are known only once the stream has ended: the spans were still open until then
        assertThat(number(served, "gen_ai.usage.output_tokens")).isPositive();
        assertThat(number(root, "gen_ai.usage.output_tokens")).isEqualTo(number(served, "gen_ai.usage.output_tokens"));
        assertThat(root.getEndEpochNanos()).isGreaterThanOrEqualTo(served.getEndEpochNanos());
        assertThat(string(root, "caravan.outcome")).isEqualTo("success");
    }

    @Test
    void exports_spans_over_otlp_http_as_protobuf_to_the_configured_collector() throws Exception {
        BETA.enqueue(Reply.text("exported"));
        String traceId = "0af7651916cd43dd8448eb211c80319c";

        chat(request("acme/tiny", false, null), "traceparent", "00-" + traceId + "-b7ad6b7169203331-01");

        byte[] traceIdBytes = HexFormat.of().parseHex(traceId);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(COLLECTED)
                .anySatisfy(received -> {
                    assertThat(received.method()).isEqualTo("POST");
                    assertThat(received.path()).isEqualTo("/v1/traces");
                    assertThat(received.contentType()).isEqualTo("application/x-protobuf");
                    assertThat(contains(received.body(), traceIdBytes)).isTrue();
                }));
    }

    private String admin(String path, String json) throws Exception {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);
        return created.body();
    }

    private static SpanData awaitRoot() {
        return await().atMost(Duration.ofSeconds(10)).until(() -> SPANS.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElse(null), s -> s != null);
    }

    private static List<SpanData> attempts(SpanData root) {
        return SPANS.getFinishedSpanItems().stream()
                .filter(s -> s.getParentSpanId().equals(root.getSpanId()))
                .sorted((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos()))
                .toList();
    }

    private static String traceparent(SpanData span) {
        return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-01";
    }

    private static String string(SpanData span, String name) {
        return span.getAttributes().get(AttributeKey.stringKey(name));
    }

    private static Long number(SpanData span, String name) {
        return span.getAttributes().get(AttributeKey.longKey(name));
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static HttpServer collector() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                COLLECTED.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Content-Type"), body));
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
