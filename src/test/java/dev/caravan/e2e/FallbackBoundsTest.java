package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.Reply;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probe's unbounded fallback list: 5,001 upstream calls for one request, and from ~160 attempts an
 * {@code x-caravan-attempts} header that overflowed Tomcat's buffer into an empty 500. Fallbacks are deduplicated,
 * capped ({@code caravan.routing.max-fallback-models}, 10) and the header bounded.
 */
class FallbackBoundsTest extends GatewayTestBase {

    @Test
    void a_fallback_named_two_hundred_times_is_tried_once_and_the_failure_is_a_well_formed_error() throws Exception {
        SIMULATOR.setDefaultReply(Reply.error(503, "overloaded"));
        String models = String.join(",", Collections.nCopies(200, "\"openai/gpt-5-mini\""))
                + ",\"openai/gpt-5\"";

        HttpResponse<String> response = chat("""
                {"model":"openai/gpt-5","messages":[{"role":"user","content":"Hi"}],
                 "providerOptions":{"gateway":{"models":[%s]}}}""".formatted(models));

        // gpt-5 (requested, then named again) and gpt-5-mini: one OpenAI call each
        assertThat(SIMULATOR.requests()).hasSize(2);
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json(response.body()).path("error").path("message").asText()).isNotEmpty();
        assertThat(response.headers().firstValue("x-caravan-attempts").orElseThrow()).hasSizeLessThan(2_100);
    }

    @Test
    void more_distinct_fallbacks_than_the_setting_allows_is_a_400_naming_models() throws Exception {
        String models = IntStream.rangeClosed(1, 11).mapToObj(i -> "\"openai/m" + i + "\"")
                .collect(Collectors.joining(","));

        HttpResponse<String> response = chat("""
                {"model":"openai/gpt-5","messages":[{"role":"user","content":"Hi"}],
                 "providerOptions":{"gateway":{"models":[%s]}}}""".formatted(models));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = json(response.body()).path("error");
        assertThat(error.path("param").asText()).isEqualTo("models");
        assertThat(error.path("message").asText()).contains("11 distinct fallback models", "at most 10");
        assertThat(SIMULATOR.requests()).isEmpty();
    }

    @Test
    void a_non_object_gateway_option_is_a_400_naming_it() throws Exception {
        HttpResponse<String> response = chat("""
                {"model":"openai/gpt-5","messages":[{"role":"user","content":"Hi"}],
                 "providerOptions":{"gateway":["openai/gpt-5-mini"]}}""");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).path("error").path("param").asText()).isEqualTo("providerOptions.gateway");
    }
}
