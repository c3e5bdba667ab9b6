package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** A {@code tier/<name>} model is served by its tier's chain and cap, as the tier registry has them from routes/tiers/. */
class TierTest extends GatewayTestBase {

    @Test
    void a_tier_is_served_by_the_first_model_of_its_chain() throws Exception {
        HttpResponse<String> response = chat(simpleRequest("tier/draft", false));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-model")).hasValue("anthropic/claude-haiku-4.5");
    }

    @Test
    void a_tier_caps_max_tokens_and_says_so() throws Exception {
        HttpResponse<String> response = chat("""
                {"model":"tier/classify","max_tokens":1000,"messages":[{"role":"user","content":"Say hello"}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode warning = json(response.body()).path("warnings").get(0);
        assertThat(warning.path("param").asText()).isEqualTo("max_tokens");
        assertThat(warning.toString()).contains("the tier classify caps output at 256 tokens; 1000 asked");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tier/nope", "tier/Classify", "tier/-classify", "tier/classify?x=1", "tier/"})
    void an_unknown_or_not_plain_tier_is_model_not_found(String model) throws Exception {
        HttpResponse<String> response = chat(simpleRequest(model, false));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response.body()).at("/error/code").asText()).isEqualTo("model_not_found");
    }
}
