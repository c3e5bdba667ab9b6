package dev.caravan.routing;

import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pooled keep-alive connections and providers that close them while they sit idle. Without a check before reuse,
 * the next request is written into the closed connection, fails with NoHttpResponseException and counts as a
 * provider failure: a failover that should not happen, a hit on the circuit breaker, or a 502 when nothing else can
 * serve. RoutingTestBase checks connections idle 10 ms or more, and closes those idle 1 s.
 */
class IdleConnectionTest extends RoutingTestBase {

    @Autowired
    CamelContext camel;

    @Autowired
    PoolingHttpClientConnectionManager upstreamConnections;

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void a_connection_the_provider_closed_while_idle_in_the_pool_is_not_used_for_the_next_request(boolean stream)
            throws Exception {
        // far below the gateway's own idle limit, so alpha closes each connection first
        ALPHA.setKeepAliveTimeout(Duration.ofMillis(50));

        for (int served = 1; served <= 3; served++) {
            HttpResponse<String> response = chat(request("acme/large", stream, null));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-caravan-attempts").orElseThrow())
                    .matches("alpha;status=200;ms=\\d+");
            // the connection that served this request is closed by alpha before the next one is sent
            int closed = served;
            await().atMost(Duration.ofSeconds(5)).until(() -> ALPHA.idleConnectionsClosed() >= closed);
        }

        assertThat(ALPHA.requests()).hasSize(3);
        assertThat(BETA.requests()).isEmpty();
        assertThat(GAMMA.requests()).isEmpty();
        Map<String, Object> alpha = health.status(List.of("alpha")).get("alpha");
        assertThat(alpha).containsEntry("bufferedCalls", 3).containsEntry("failureRate", 0.0f);
    }

    @Test
    void closes_connections_idle_past_max_idle_before_the_provider_does() throws Exception {
        assertThat(chat(request("acme/large", false, null)).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(5)).until(() -> ALPHA.openConnections() == 0);
        assertThat(ALPHA.idleConnectionsClosed()).isZero();
    }

    @Test
    @SuppressWarnings("deprecation") // RequestConfig's connect timeout: deprecated, and still obeyed when set
    void every_provider_endpoint_uses_the_upstream_pool_and_leaves_its_timeouts_to_it() {
        List<HttpEndpoint> endpoints = camel.getEndpoints().stream()
                .filter(HttpEndpoint.class::isInstance).map(HttpEndpoint.class::cast).toList();

        assertThat(endpoints).isNotEmpty().allSatisfy(endpoint -> {
            assertThat(endpoint.getClientConnectionManager()).isSameAs(upstreamConnections);
            // a timeout camel-http put here would override caravan.upstream's
            RequestConfig config = ((org.apache.hc.client5.http.config.Configurable) endpoint.getHttpClient())
                    .getConfig();
            assertThat(config.getConnectTimeout()).isNull();
            assertThat(config.getResponseTimeout()).isNull();
        });
        assertThat(upstreamConnections.getMaxTotal()).isEqualTo(4000);
        assertThat(upstreamConnections.getDefaultMaxPerRoute()).isEqualTo(4000);
    }
}
