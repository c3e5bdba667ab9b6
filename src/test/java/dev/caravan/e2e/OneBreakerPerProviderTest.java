package dev.caravan.e2e;

import dev.caravan.routing.ProviderBreakers;
import dev.caravan.simulator.Reply;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.IOException;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A provider has one circuit breaker, its chat route's circuitBreaker EIP, and its embeddings and image calls count
 * into it (dev.caravan.routing.BorrowedBreaker): five failed embeddings (the default window needs five calls at a
 * 50 % failure rate) open OpenAI's circuit for chat, and an open circuit keeps embeddings from OpenAI too. A
 * request's own error (400) counts as a call that worked, as on chat.
 */
class OneBreakerPerProviderTest extends GatewayTestBase {

    @Autowired
    ProviderBreakers breakers;

    @Test
    void failed_embeddings_open_the_circuit_chat_and_embeddings_share() throws Exception {
        for (int i = 0; i < 5; i++) {
            SIMULATOR.enqueue(Reply.error(503, "overloaded"));
            assertThat(embeddings("openai/text-embedding-3-small").statusCode()).isEqualTo(503);
        }

        assertThat(health.skipReason("openai")).isEqualTo("circuit open");
        HttpResponse<String> chat = chat(simpleRequest("openai/gpt-5", false));
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(503);
        assertThat(json(chat.body()).path("error").path("message").asText()).contains("openai (circuit open)");
        HttpResponse<String> embedding = embeddings("openai/text-embedding-3-small");
        assertThat(embedding.statusCode()).isEqualTo(503);
        assertThat(json(embedding.body()).path("error").path("message").asText()).contains("openai (circuit open)");
        assertThat(SIMULATOR.requests()).hasSize(5);
    }

    @Test
    void image_calls_count_a_provider_failure_as_failed_and_a_request_error_as_a_call_that_worked() throws Exception {
        CircuitBreaker openai = breakers.of("openai").orElseThrow();

        SIMULATOR.enqueue(Reply.error(500, "down"));
        assertThat(images().statusCode()).isEqualTo(502);
        SIMULATOR.enqueue(Reply.error(400, "prompt: refused by the safety system"));
        assertThat(images().statusCode()).isEqualTo(400);
        assertThat(images().statusCode()).isEqualTo(200);

        assertThat(openai.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
        assertThat(openai.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(2);
    }

    private HttpResponse<String> embeddings(String model) throws IOException, InterruptedException {
        return http.send(post("/v1/embeddings", """
                {"model":"%s","input":"count me","dimensions":4}""".formatted(model)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> images() throws IOException, InterruptedException {
        return http.send(post("/v1/images/generations", """
                {"model":"openai/gpt-image-1","prompt":"A lighthouse","n":1}""").build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
