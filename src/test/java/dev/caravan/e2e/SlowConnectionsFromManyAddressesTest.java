package dev.caravan.e2e;

import dev.caravan.simulator.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Slowloris from many addresses, each below the per-address cap: together they would hold every one of the port's
 * connections (100 here) until the header deadline (60 s here, so that only the eviction can free a slot), Tomcat's
 * acceptor would stop accepting, and a new client would wait in the backlog. With the port nearly full, the
 * connections that have waited longest for a request are closed instead, so a new client is served, and a request in
 * service is never among them.
 */
@TestPropertySource(properties = {
        "server.tomcat.max-connections=100",
        "caravan.server.max-connections-per-address=50",
        "caravan.server.header-timeout=60s"})
class SlowConnectionsFromManyAddressesTest extends GatewayTestBase {

    private static final int ADDRESSES = 10;
    private static final int PER_ADDRESS = 20;

    private final List<RawClient> slow = new ArrayList<>();

    @AfterEach
    void closeClients() {
        slow.forEach(RawClient::close);
    }

    @Test
    void the_connections_waiting_longest_make_room_for_a_new_client_and_a_request_in_service_is_kept()
            throws Exception {
        InetAddress client = InetAddress.getByName("127.0.0.2");
        SIMULATOR.enqueue(Reply.text("slow but in service").latencyMs(3_000));
        CompletableFuture<HttpResponse<String>> inService = send(client, Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(10)).until(() -> SIMULATOR.requests().size() == 1);

        for (int i = 0; i < ADDRESSES * PER_ADDRESS; i++) {
            RawClient attacker = new RawClient(InetAddress.getByName("127.0.1." + (10 + i % ADDRESSES)), port);
            attacker.send("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            slow.add(attacker);
        }

        // without room made, this connection would sit in the backlog until the 60 s deadline freed a slot
        SIMULATOR.enqueue(Reply.text("served"));
        HttpResponse<String> served = send(client, Duration.ofSeconds(10)).get();
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).contains("served");

        // at most 90 of the 100 slots are ever open: the oldest slow connections were closed, the newest kept
        await().atMost(Duration.ofSeconds(10)).until(() -> closed(slow) >= ADDRESSES * PER_ADDRESS - 90);
        assertThat(slow.subList(0, 100)).allMatch(RawClient::closed);
        assertThat(slow.subList(slow.size() - 50, slow.size())).noneMatch(RawClient::closed);
        assertThat(slow).allMatch(attacker -> attacker.received().isEmpty());

        assertThat(inService.get().statusCode()).isEqualTo(200);
        assertThat(inService.get().body()).contains("slow but in service");
    }

    private CompletableFuture<HttpResponse<String>> send(InetAddress from, Duration timeout) {
        HttpClient fresh = HttpClient.newBuilder().localAddress(from).connectTimeout(Duration.ofSeconds(5)).build();
        return fresh.sendAsync(post("/v1/chat/completions", simpleRequest("openai/gpt-5", false)).timeout(timeout)
                        .build(), HttpResponse.BodyHandlers.ofString())
                .whenComplete((response, failure) -> fresh.close());
    }

    private static long closed(List<RawClient> clients) {
        return clients.stream().filter(RawClient::closed).count();
    }
}
