package dev.caravan.e2e;

import dev.caravan.simulator.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.test.context.TestPropertySource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Slowloris: connections that trickle their headers (the probe sent a byte every 5 s; Tomcat's connection timeout
 * only bounds the silence between two reads, so it never fired) must neither hold a connection past the header
 * deadline nor, from one address, take the slots every other client needs. The slow clients trickle every 250 ms,
 * far inside this context's 60 s connection timeout: only the header deadline (3 s here) can end them. A body that
 * stops midway is ended by the body timeout (1 s here). Each test sends from its own loopback address, so that no
 * other test's connections count against the cap.
 */
@TestPropertySource(properties = {
        "caravan.server.max-connections-per-address=50",
        "caravan.server.header-timeout=3s",
        "caravan.server.body-timeout=1s"})
class SlowConnectionsTest extends GatewayTestBase {

    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(3);
    /** The longest past the deadline a slow connection may live: the sweep (0.75 s here) plus the poller (1 s). */
    private static final Duration CUT_WITHIN = HEADER_TIMEOUT.plusSeconds(4);
    private static final Duration BODY_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration TRICKLE_EVERY = Duration.ofMillis(250);

    private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    private final List<RawClient> clients = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeClients() {
        trickle.shutdownNow();
        clients.forEach(RawClient::close);
    }

    @Test
    void slow_header_connections_are_capped_per_address_and_cut_at_the_deadline_while_another_client_is_served()
            throws Exception {
        InetAddress attacker = loopback("127.0.0.1");
        InetAddress client = loopback("127.0.0.2");
        assertThat(normalRequest(client).statusCode()).as("warm-up").isEqualTo(200);

        for (int i = 0; i < 300; i++) {
            RawClient slow = open(attacker);
            slow.send("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        }
        trickleHeaders(clients);

        // (1) beyond the cap of 50, the server closes them as it accepts them
        await().atMost(Duration.ofSeconds(2)).until(() -> count(clients, true) == 250);
        List<RawClient> kept = clients.stream().filter(slow -> !slow.closed()).toList();
        assertThat(kept).hasSize(50);

        // (3) another client, on a fresh connection, is served at once while the slow ones hold their 50
        long start = System.nanoTime();
        HttpResponse<String> served = normalRequest(client);
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(count(kept, false)).as("slow connections still open while it was served").isEqualTo(50);

        // (2) the kept ones are cut at the deadline though they never stopped sending, and get no answer
        await().atMost(CUT_WITHIN.plusSeconds(1)).until(() -> count(kept, true) == 50);
        for (RawClient slow : kept) {
            assertThat(slow.lived()).isGreaterThanOrEqualTo(HEADER_TIMEOUT.minusMillis(10));
            assertThat(slow.writes()).as("header lines sent").isGreaterThanOrEqualTo(8);
            assertThat(slow.received()).isEmpty();
        }

        // and the attacking address is served again once its connections are gone
        assertThat(normalRequest(attacker).statusCode()).isEqualTo(200);
    }

    static Stream<Arguments> slowClients() {
        String requestLine = "GET /actuator/health/liveness HTTP/1.1\r\n";
        return Stream.of(
                Arguments.of("a connection that sends nothing", List.of(), ""),
                Arguments.of("blank lines before the request line", List.of(), "\r\n"),
                Arguments.of("a request line trickled byte by byte", List.of(), "G"),
                Arguments.of("headers trickled after a request served on the same connection",
                        List.of(requestLine + "Host: 127.0.0.1\r\n\r\n", requestLine), "x-slow: 1\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("slowClients")
    void a_slow_request_head_is_cut_at_the_deadline(String name, List<String> first, String trickled)
            throws Exception {
        RawClient slow = open(loopback("127.0.0.3"));
        first.forEach(slow::send);
        if (!first.isEmpty()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> slow.received().startsWith("HTTP/1.1 200"));
        }
        long start = System.nanoTime();
        if (!trickled.isEmpty()) {
            trickle.scheduleAtFixedRate(() -> slow.send(trickled), 0, TRICKLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }

        await().atMost(CUT_WITHIN).until(slow::closed);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(HEADER_TIMEOUT.minusMillis(10));
    }

    @Test
    void a_kept_alive_connection_idle_past_the_header_deadline_serves_its_next_request() throws Exception {
        String request = "GET /actuator/health/liveness HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        RawClient idle = open(loopback("127.0.0.4"));
        idle.send(request);
        await().atMost(Duration.ofSeconds(5)).until(() -> answers(idle) == 1);

        // idleness is the idle timeout's to end (20 s by default), not the header deadline's
        await().during(HEADER_TIMEOUT.plusSeconds(2)).atMost(HEADER_TIMEOUT.plusSeconds(3)).until(() -> !idle.closed());
        idle.send(request);
        await().atMost(Duration.ofSeconds(5)).until(() -> answers(idle) == 2);
    }

    @Test
    void a_request_body_that_stops_midway_is_cut_at_the_body_timeout() throws Exception {
        String body = simpleRequest("openai/gpt-5", false);
        RawClient stalled = open(loopback("127.0.0.5"));
        long start = System.nanoTime();
        stalled.send("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + GATEWAY_KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n"
                + body.substring(0, 10));

        await().atMost(BODY_TIMEOUT.plusSeconds(3)).until(stalled::closed);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(BODY_TIMEOUT.minusMillis(10));
        String answer = stalled.received();
        assertThat(answer).startsWith("HTTP/1.1 408").doesNotContain(GATEWAY_KEY);
        assertThat(json(answer.substring(answer.indexOf("\r\n\r\n") + 4)).path("error").path("type").asText())
                .isEqualTo("invalid_request_error");
        assertThat(SIMULATOR.requests()).isEmpty();
    }

    private RawClient open(InetAddress from) throws IOException {
        RawClient client = new RawClient(from, port);
        clients.add(client);
        return client;
    }

    private void trickleHeaders(List<RawClient> slow) {
        int[] line = {0};
        trickle.scheduleAtFixedRate(() -> {
            line[0]++;
            slow.stream().filter(client -> !client.closed()).forEach(client -> client.send("x-slow-" + line[0] + ": 1\r\n"));
        }, TRICKLE_EVERY.toMillis(), TRICKLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A chat completion over a new connection from {@code from}. */
    private HttpResponse<String> normalRequest(InetAddress from) throws Exception {
        SIMULATOR.enqueue(Reply.text("served"));
        try (HttpClient fresh = HttpClient.newBuilder().localAddress(from).connectTimeout(Duration.ofSeconds(5))
                .build()) {
            return fresh.send(post("/v1/chat/completions", simpleRequest("openai/gpt-5", false)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    private static long count(List<RawClient> clients, boolean closed) {
        return clients.stream().filter(client -> client.closed() == closed).count();
    }

    private static int answers(RawClient client) {
        return client.received().split("HTTP/1.1 200", -1).length - 1;
    }

    private static InetAddress loopback(String address) throws UnknownHostException {
        return InetAddress.getByName(address);
    }
}
