package dev.caravan.routing;

import dev.caravan.simulator.Reply;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.CamelContext;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A provider's circuit breaker is the one in its route file: alpha's route is replaced (as the route reloader does)
 * by one whose breaker opens after two failures in a window of two, where the base's opens after three. The
 * breaker the planner, the status endpoint and the chain read is that EIP's own, and a request's own error (400)
 * counts as a call that worked.
 */
@DirtiesContext
class BreakerInRouteFileTest extends RoutingTestBase {

    private static final String TUNED_ALPHA = """
            - route:
                id: provider-alpha
                errorHandler:
                  noErrorHandler: {}
                from:
                  uri: direct:provider-alpha
                  steps:
                    - removeHeaders:
                        pattern: "*"
                    - process:
                        ref: prepareUpstream
                    - circuitBreaker:
                        id: circuit-alpha-tuned
                        resilience4jConfiguration:
                          failureRateThreshold: 100
                          slidingWindowSize: 2
                          minimumNumberOfCalls: 2
                          waitDurationInOpenState: 600
                          automaticTransitionFromOpenToHalfOpenEnabled: true
                          throwExceptionWhenHalfOpenOrOpenState: true
                        steps:
                          - doTry:
                              steps:
                                - to:
                                    uri: "{{caravan.providers.alpha.base-url}}/chat/completions"
                                    parameters:
                                      httpMethod: POST
                                      disableStreamCache: true
                                      throwExceptionOnFailure: false
                                - process:
                                    ref: completeUpstream
                              doCatch:
                                - exception:
                                    - java.lang.Exception
                                  steps:
                                    - process:
                                        ref: judgeUpstreamFailure
                    - process:
                        ref: raiseSetAside
            """;

    @Autowired
    CamelContext camel;

    @Autowired
    ProviderBreakers breakers;

    @BeforeEach
    void tunedAlphaRoute() throws Exception {
        PluginHelper.getRoutesLoader(camel).updateRoutes(ResourceHelper.fromString("alpha-tuned.yaml", TUNED_ALPHA));
    }

    @Test
    void the_planner_and_the_status_read_the_breaker_of_the_route_file() throws Exception {
        CircuitBreaker routes = ((ResilienceProcessor) camel.getProcessor("circuit-alpha-tuned")).getCircuitBreaker();
        assertThat(breakers.of("alpha")).containsSame(routes);

        HttpResponse<String> status = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v1/routing/providers"))
                .header("Authorization", "Bearer " + KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(json(status.body()).at("/providers/alpha/failureRateThreshold").asDouble()).isEqualTo(100.0);
    }

    @Test
    void opens_after_the_failures_its_route_file_sets() throws Exception {
        for (int i = 0; i < 2; i++) {
            ALPHA.enqueue(Reply.error(503, "down"));
            BETA.enqueue(Reply.text("beta"));
            assertThat(chat(request("acme/large", false, null)).statusCode()).isEqualTo(200);
        }

        assertThat(health.skipReason("alpha")).isEqualTo("circuit open");
        BETA.enqueue(Reply.text("beta"));
        HttpResponse<String> whileOpen = chat(request("acme/large", false, null));
        assertThat(attempts(routing(whileOpen))).containsExactly("beta:true");
        assertThat(ALPHA.requests()).hasSize(2);
    }

    @Test
    void a_request_error_counts_as_a_call_that_worked() throws Exception {
        for (int i = 0; i < 2; i++) {
            ALPHA.enqueue(Reply.error(400, "messages: bad image"));
            assertThat(chat(request("acme/large", false, null)).statusCode()).isEqualTo(400);
        }

        CircuitBreaker.Metrics metrics = breakers.of("alpha").orElseThrow().getMetrics();
        assertThat(metrics.getNumberOfSuccessfulCalls()).isEqualTo(2);
        assertThat(metrics.getNumberOfFailedCalls()).isZero();
        assertThat(health.skipReason("alpha")).isNull();
    }
}
