package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.ProviderSimulator;
import dev.caravan.simulator.Reply;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The AI SDK gateway protocol's {@code POST {base}/embedding-model} over real HTTP, as {@code @ai-sdk/gateway}'s
 * embedding model calls it: the model in {@code ai-model-id}, {@code {values, dimensions, providerOptions}} as the
 * body, to an OpenAI-format and to a Gemini embedding model, a fallback, and errors in the SDK's shape.
 */
class AiSdkEmbeddingModelTest extends GatewayTestBase {

    private HttpResponse<String> embed(String base, String model, String body) throws IOException, InterruptedException {
        return http.send(post(base + "/embedding-model", body)
                .header("ai-gateway-protocol-version", "0.0.1")
                .header("ai-gateway-auth-method", "api-key")
                .header("ai-embedding-model-specification-version", "4")
                .header("ai-model-id", model).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void embeds_values_in_order_on_an_openai_model_with_usage_cost_and_routing() throws Exception {
        HttpResponse<String> response = embed("/v3/ai", "openai/text-embedding-3-small",
                "{\"values\":[\"sunny day\",\"rainy night\"],\"dimensions\":8}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response.body());
        assertThat(floats(body.path("embeddings").get(0))).containsExactly(ProviderSimulator.embedding("sunny day", 8));
        assertThat(floats(body.path("embeddings").get(1)))
                .containsExactly(ProviderSimulator.embedding("rainy night", 8));
        assertThat(body.at("/usage/tokens").asInt()).isPositive();
        assertThat(body.at("/providerMetadata/gateway/routing/finalProvider").asText()).isEqualTo("openai");
        assertThat(body.at("/providerMetadata/gateway/generationId").asText()).startsWith("gen_");
        assertThat(body.at("/providerMetadata/gateway/cost").asText()).isNotEmpty();
        assertThat(body.path("warnings").isArray()).isTrue();
        assertThat(json(SIMULATOR.lastRequest().body()).path("dimensions").asInt()).isEqualTo(8);
    }

    @Test
    void embeds_on_gemini_at_the_next_protocol_base_path() throws Exception {
        HttpResponse<String> response = embed("/v4/ai", "google/gemini-embedding-001",
                "{\"values\":[\"one\",\"two\"],\"dimensions\":4}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode embeddings = json(response.body()).path("embeddings");
        assertThat(floats(embeddings.get(0))).containsExactly(ProviderSimulator.embedding("one", 4));
        assertThat(floats(embeddings.get(1))).containsExactly(ProviderSimulator.embedding("two", 4));
        assertThat(SIMULATOR.lastRequest().path()).isEqualTo("/v1beta/models/gemini-embedding-001:batchEmbedContents");
    }

    @Test
    void falls_back_to_the_gateway_option_models_when_the_first_provider_fails() throws Exception {
        SIMULATOR.enqueue(Reply.error(503, "overloaded"));

        HttpResponse<String> response = embed("/v3/ai", "openai/text-embedding-3-small", """
                {"values":["fallback me"],"dimensions":4,
                 "providerOptions":{"gateway":{"models":["google/gemini-embedding-001"]}}}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response.body());
        assertThat(floats(body.path("embeddings").get(0))).containsExactly(ProviderSimulator.embedding("fallback me", 4));
        JsonNode attempts = body.at("/providerMetadata/gateway/routing/attempts");
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).path("success").asBoolean()).isFalse();
        assertThat(body.at("/providerMetadata/gateway/routing/finalProvider").asText()).isEqualTo("google");
    }

    @Test
    void refuses_a_chat_model_and_a_bad_body_in_the_sdks_error_shape() throws Exception {
        HttpResponse<String> chatModel = embed("/v3/ai", "openai/gpt-5", "{\"values\":[\"x\"]}");
        HttpResponse<String> noValues = embed("/v3/ai", "openai/text-embedding-3-small", "{\"value\":\"x\"}");

        assertThat(chatModel.statusCode()).isEqualTo(400);
        assertThat(json(chatModel.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(noValues.statusCode()).isEqualTo(400);
        assertThat(json(noValues.body()).at("/error/message").asText()).contains("'value'");
        assertThat(SIMULATOR.requests()).isEmpty();
    }

    private static float[] floats(JsonNode array) {
        List<Float> out = new ArrayList<>();
        array.forEach(n -> out.add(n.floatValue()));
        float[] f = new float[out.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = out.get(i);
        }
        return f;
    }
}
