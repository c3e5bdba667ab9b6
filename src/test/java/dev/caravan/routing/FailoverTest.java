package dev.caravan.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.test.context.TestPropertySource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Failover across providers and models, each trigger through real HTTP against three simulated providers. */
// short, for the test that waits for an open circuit to half-open
@TestPropertySource(properties = "caravan.routing.circuit-breaker.wait-in-open-seconds=1")
class FailoverTest extends RoutingTestBase {

    @ParameterizedTest(name = "alpha answers {0}")
    @CsvSource({"500", "502", "503", "529", "429", "404", "402"})
    void moves_on_to_the_next_provider_when_one_fails_in_a_way_another_could_fix(int status) throws Exception {
        ALPHA.enqueue(Reply.error(status, "alpha is having a bad day"));
        BETA.enqueue(Reply.text("from beta"));

        HttpResponse<String> response = chat(request("acme/large", false, null));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).at("/choices/0/message/content").asText()).isEqualTo("from beta");
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("beta");
        JsonNode routing = routing(response);
        assertThat(attempts(routing)).containsExactly("alpha:false", "beta:true");
        assertThat(routing.at("/attempts/0/statusCode").asInt()).isEqualTo(status);
        assertThat(routing.path("originalModelId").asText()).isEqualTo("acme/large");
        assertThat(routing.path("resolvedProvider").asText()).isEqualTo("alpha");
        assertThat(routing.path("finalProvider").asText()).isEqualTo("beta");
        assertThat(response.headers().firstValue("x-caravan-attempts").orElseThrow())
                .startsWith("alpha;status=" + status).contains("beta;status=200");
    }

    @Test
    void moves_on_when_the_connection_is_reset() throws Exception {
        ALPHA.enqueue(Reply.reset());
        BETA.enqueue(Reply.text("from beta"));

        HttpResponse<String> response = chat(request("acme/large", false, null));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(attempts(routing(response))).containsExactly("alpha:false", "beta:true");
        assertThat(routing(response).at("/attempts/0/error").asText()).isEqualTo("provider_unavailable");
    }

    @Test
    void returns_a_request_error_at_once_without_trying_another_provider() throws Exception {
        ALPHA.enqueue(Reply.error(400, "messages: bad image"));

        HttpResponse<String> response = chat(request("acme/large", false, null));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).at("/error/message").asText()).isEqualTo("alpha: messages: bad image");
        assertThat(BETA.requests()).isEmpty();
        assertThat(GAMMA.requests()).isEmpty();
    }

    @Test
    void answers_with_the_last_error_when_every_provider_failed() throws Exception {
        ALPHA.enqueue(Reply.error(503, "down"));
        BETA.enqueue(Reply.error(500, "down too"));
        GAMMA.enqueue(Reply.error(529, "overloaded"));

        HttpResponse<String> response = chat(request("acme/large", false, null));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json(response.body()).at("/error/message").asText()).startsWith("gamma: ");
        assertThat(response.headers().firstValue("x-caravan-attempts").orElseThrow())
                .contains("alpha;status=503").contains("beta;status=500").contains("gamma;status=529");
    }

    @Test
    void tries_providers_in_the_requested_order() throws Exception {
        GAMMA.enqueue(Reply.text("from gamma"));

        HttpResponse<String> response = chat(request("acme/large", false, "{\"order\":[\"gamma\",\"beta\"]}"));

        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("gamma");
        assertThat(ALPHA.requests()).isEmpty();
        // the routing options are the gateway's: no provider ever sees them
        assertThat(GAMMA.lastRequest().body()).doesNotContain("providerOptions");
    }

    @Test
    void takes_options_from_the_x_caravan_options_header_too() throws Exception {
        BETA.enqueue(Reply.text("from beta"));

        HttpResponse<String> response = chat(request("acme/large", false, null),
                "x-caravan-options", "{\"only\":[\"beta\"]}");

        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("beta");
    }

    @Test
    void never_calls_a_provider_outside_only() throws Exception {
        BETA.enqueue(Reply.error(503, "down"));

        HttpResponse<String> response = chat(request("acme/large", false, "{\"only\":[\"beta\"]}"));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(ALPHA.requests()).isEmpty();
        assertThat(GAMMA.requests()).isEmpty();
    }

    @Test
    void falls_back_to_the_next_model_when_every_provider_of_the_first_failed() throws Exception {
        ALPHA.enqueue(Reply.error(503, "down"));
        GAMMA.enqueue(Reply.text("from the huge model"));

        HttpResponse<String> response = chat(request("acme/small", false, "{\"models\":[\"acme/huge\"]}"));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response.body());
        assertThat(body.path("model").asText()).isEqualTo("acme/huge");
        assertThat(routing(response).path("finalModelId").asText()).isEqualTo("acme/huge");
        assertThat(json(GAMMA.lastRequest().body()).path("model").asText()).isEqualTo("huge-g");
    }

    @Test
    void moves_a_context_length_error_only_to_a_model_with_a_larger_window() throws Exception {
        ALPHA.enqueue(Reply.error(400, "This model's maximum context length is 8000 tokens"));
        GAMMA.enqueue(Reply.text("fits"));

        HttpResponse<String> response = chat(request("acme/small", false,
                "{\"models\":[\"acme/tiny\",\"acme/huge\"]}"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("gamma");
        // acme/tiny has a smaller window than acme/small: trying it could not help
        assertThat(BETA.requests()).isEmpty();
    }

    @Test
    void returns_a_context_length_error_when_no_larger_model_is_left() throws Exception {
        ALPHA.enqueue(Reply.error(400, "This model's maximum context length is 8000 tokens"));

        HttpResponse<String> response = chat(request("acme/small", false, "{\"models\":[\"acme/tiny\"]}"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).at("/error/code").asText()).isEqualTo("context_length_exceeded");
        assertThat(BETA.requests()).isEmpty();
    }

    @Test
    void gives_up_on_a_provider_slower_than_its_time_to_first_byte_limit() throws Exception {
        ALPHA.enqueue(Reply.stall());
        BETA.enqueue(Reply.text("from beta"));

        HttpResponse<String> response = chat(request("acme/large", false, "{\"providerTimeouts\":{\"alpha\":300}}"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("beta");
        assertThat(routing(response).at("/attempts/0/error").asText()).isEqualTo("provider_timeout");
        // the abandoned call was aborted, not left to finish
        await().atMost(Duration.ofSeconds(5)).until(() -> ALPHA.abortedStreams() == 1);
    }

    @Test
    void skips_a_provider_until_its_retry_after_has_passed() throws Exception {
        ALPHA.enqueue(Reply.error(429, "slow down").retryAfter(30));
        BETA.enqueue(Reply.text("first"), Reply.text("second"));

        chat(request("acme/large", false, null));
        HttpResponse<String> second = chat(request("acme/large", false, null));

        assertThat(ALPHA.requests()).hasSize(1);
        assertThat(attempts(routing(second))).containsExactly("beta:true");
    }

    @Test
    void answers_429_with_retry_after_when_every_provider_is_cooling_down() throws Exception {
        ALPHA.enqueue(Reply.error(429, "slow down").retryAfter(30));
        chat(request("acme/small", false, null));

        HttpResponse<String> response = chat(request("acme/small", false, null));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).isPresent();
        assertThat(ALPHA.requests()).hasSize(1);
    }

    @Test
    void opens_a_circuit_skips_the_provider_then_closes_it_after_a_successful_trial() throws Exception {
        for (int i = 0; i < 3; i++) {
            ALPHA.enqueue(Reply.error(503, "down"));
            BETA.enqueue(Reply.text("beta"));
            chat(request("acme/large", false, null));
        }
        assertThat(health.skipReason("alpha")).isEqualTo("circuit open");

        BETA.enqueue(Reply.text("beta"));
        HttpResponse<String> whileOpen = chat(request("acme/large", false, null));
        assertThat(ALPHA.requests()).hasSize(3);
        assertThat(attempts(routing(whileOpen))).containsExactly("beta:true");

        // after the wait, a trial call goes through to alpha again; its success closes the circuit
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
            HttpResponse<String> response = chat(request("acme/large", false, null));
            return response.headers().firstValue("x-caravan-provider").orElse("").equals("alpha");
        });
        assertThat(health.status(List.of("alpha")).get("alpha").get("circuit")).isEqualTo("CLOSED");
    }

    @Test
    void balances_load_by_the_catalog_weights() throws Exception {
        int alpha = 0;
        int total = 300;
        for (int i = 0; i < total; i++) {
            HttpResponse<String> response = chat(request("acme/balanced", false, null));
            // the provider drawn first, whoever finally served
            if (routing(response).path("resolvedProvider").asText().equals("alpha")) {
                alpha++;
            }
        }
        // weights 3:1 → 75 %; ±8 points is more than 3 standard deviations for 300 draws
        assertThat(alpha / (double) total).isBetween(0.67, 0.83);
    }
}
