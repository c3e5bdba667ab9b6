package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.ProviderSimulator;
import dev.caravan.simulator.Reply;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The AI SDK gateway protocol's {@code POST {base}/image-model} over real HTTP, as {@code @ai-sdk/gateway}'s image
 * model calls it: the model in {@code ai-model-id}, {@code {prompt, n, size, aspectRatio, seed, providerOptions}} as
 * the body, to OpenAI's image API and to a Gemini image model, a fallback, and what it cannot take.
 */
class AiSdkImageModelTest extends GatewayTestBase {

    private HttpResponse<String> generate(String base, String model, String body)
            throws IOException, InterruptedException {
        return http.send(post(base + "/image-model", body)
                .header("ai-gateway-protocol-version", "0.0.1")
                .header("ai-gateway-auth-method", "api-key")
                .header("ai-image-model-specification-version", "4")
                .header("ai-model-id", model).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void generates_on_openai_with_usage_cost_and_routing() throws Exception {
        HttpResponse<String> response = generate("/v3/ai", "openai/gpt-image-1",
                "{\"prompt\":\"A red bicycle\",\"n\":1,\"size\":\"1024x1024\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response.body());
        assertThat(body.path("images")).hasSize(1);
        assertThat(body.path("images").get(0).asText()).isEqualTo(ProviderSimulator.PNG_BASE64);
        assertThat(body.at("/usage/inputTokens").asInt()).isPositive();
        assertThat(body.at("/usage/outputTokens").asInt()).isPositive();
        assertThat(body.at("/usage/totalTokens").asInt()).isEqualTo(
                body.at("/usage/inputTokens").asInt() + body.at("/usage/outputTokens").asInt());
        // gpt-image-1: $5 per million input tokens, $40 per million output
        assertThat(new BigDecimal(body.at("/providerMetadata/gateway/cost").asText())).isEqualByComparingTo(
                new BigDecimal("0.000005").multiply(new BigDecimal(body.at("/usage/inputTokens").asInt()))
                        .add(new BigDecimal("0.00004").multiply(new BigDecimal(body.at("/usage/outputTokens").asInt()))));
        assertThat(body.at("/providerMetadata/gateway/routing/finalProvider").asText()).isEqualTo("openai");
        assertThat(SIMULATOR.lastRequest().path()).isEqualTo("/v1/images/generations");
    }

    @Test
    void generates_on_gemini_at_the_next_base_path_and_warns_of_what_it_did_not_send() throws Exception {
        HttpResponse<String> response = generate("/v4/ai", "google/gemini-2.5-flash-image",
                "{\"prompt\":\"A red bicycle\",\"n\":1,\"seed\":7}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response.body());
        assertThat(body.path("images").get(0).asText()).isEqualTo(ProviderSimulator.PNG_BASE64);
        assertThat(body.path("warnings").toString()).contains("seed");
        assertThat(SIMULATOR.lastRequest().path()).isEqualTo("/v1beta/models/gemini-2.5-flash-image:generateContent");
    }

    @Test
    void falls_back_from_openai_to_a_gemini_image_model() throws Exception {
        SIMULATOR.enqueue(Reply.error(503, "overloaded"));

        HttpResponse<String> response = generate("/v3/ai", "openai/gpt-image-1", """
                {"prompt":"A red bicycle","n":1,
                 "providerOptions":{"gateway":{"models":["google/gemini-2.5-flash-image"]}}}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response.body());
        assertThat(body.at("/providerMetadata/gateway/routing/attempts")).hasSize(2);
        assertThat(body.at("/providerMetadata/gateway/routing/finalProvider").asText()).isEqualTo("google");
    }

    @Test
    void refuses_image_editing_and_a_chat_model_in_the_sdks_error_shape() throws Exception {
        HttpResponse<String> editing = generate("/v3/ai", "openai/gpt-image-1", """
                {"prompt":"recolour","n":1,"files":[{"type":"file","mediaType":"image/png","data":"iVBORw0KGgo="}]}""");
        HttpResponse<String> chatModel = generate("/v3/ai", "openai/gpt-5", "{\"prompt\":\"x\",\"n\":1}");

        assertThat(editing.statusCode()).isEqualTo(400);
        assertThat(json(editing.body()).at("/error/message").asText()).contains("editing");
        assertThat(chatModel.statusCode()).isEqualTo(400);
        assertThat(json(chatModel.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(SIMULATOR.requests()).isEmpty();
    }
}
