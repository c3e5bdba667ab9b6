package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.ProviderSimulator;
import dev.caravan.simulator.RecordedRequest;
import dev.caravan.simulator.Reply;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v1/images/generations} over real sockets to the simulator playing OpenAI's image API and Gemini's
 * image models (generateContent, inlineData), priced by the providers' token usage (openai/gpt-image-1: $5 input,
 * $40 output per million; google/gemini-2.5-flash-image: $0.30 and $30); and Gemini's images in a chat answer, as
 * OpenRouter's {@code message.images}.
 */
class ImagesTest extends GatewayTestBase {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @Test
    void generates_images_on_openai_as_b64_json_priced_by_its_token_usage() throws Exception {
        HttpResponse<String> response = images("""
                {"model":"openai/gpt-image-1","prompt":"A lighthouse at dusk","n":2,"size":"1024x1024",
                 "quality":"medium","output_format":"png"}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response.body());
        assertThat(body.path("created").asLong()).isPositive();
        assertThat(body.path("data")).hasSize(2);
        for (JsonNode image : body.path("data")) {
            assertThat(image.path("b64_json").asText()).isEqualTo(ProviderSimulator.PNG_BASE64);
            assertThat(Base64.getDecoder().decode(image.path("b64_json").asText())).startsWith(PNG_SIGNATURE);
        }
        // the simulator bills 1,056 tokens an image and counts the prompt's 20 characters as 5 tokens
        assertThat(body.path("usage").path("input_tokens").asInt()).isEqualTo(5);
        assertThat(body.path("usage").path("output_tokens").asInt()).isEqualTo(2112);
        // (5 x 5 + 2112 x 40) / 1e6
        assertThat(response.headers().firstValue("x-caravan-cost")).hasValue("0.084505");
        assertThat(body.path("usage").path("cost").decimalValue()).isEqualByComparingTo("0.084505");

        RecordedRequest sent = SIMULATOR.lastRequest();
        assertThat(sent.path()).isEqualTo("/v1/images/generations");
        assertThat(sent.header("authorization")).isEqualTo("Bearer " + OPENAI_KEY);
        JsonNode upstream = json(sent.body());
        assertThat(upstream.path("model").asText()).isEqualTo("gpt-image-1");
        assertThat(upstream.path("n").asInt()).isEqualTo(2);
        assertThat(upstream.path("size").asText()).isEqualTo("1024x1024");
        assertThat(upstream.path("quality").asText()).isEqualTo("medium");
        // gpt-image models refuse response_format: the gateway never sends it
        assertThat(upstream.has("response_format")).isFalse();
    }

    @Test
    void generates_an_image_on_gemini_with_response_modalities_and_the_size_as_aspect_ratio() throws Exception {
        HttpResponse<String> response = images("""
                {"model":"google/gemini-2.5-flash-image","prompt":"A red bicycle","size":"1536x1024","n":2}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response.body());
        assertThat(body.path("data")).hasSize(1);
        assertThat(body.path("data").get(0).path("b64_json").asText()).isEqualTo(ProviderSimulator.PNG_BASE64);
        // Gemini makes one image a request: said, not dropped silently
        assertThat(body.path("warnings").toString()).contains("\"n\"");
        assertThat(body.path("usage").path("output_tokens").asInt()).isGreaterThanOrEqualTo(1290);
        assertThat(response.headers().firstValue("x-caravan-cost")).isPresent();
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("google");

        RecordedRequest sent = SIMULATOR.lastRequest();
        assertThat(sent.path()).isEqualTo("/v1beta/models/gemini-2.5-flash-image:generateContent");
        JsonNode upstream = json(sent.body());
        assertThat(upstream.path("contents").get(0).path("parts").get(0).path("text").asText())
                .isEqualTo("A red bicycle");
        assertThat(upstream.path("generationConfig").path("responseModalities").toString())
                .isEqualTo("[\"TEXT\",\"IMAGE\"]");
        assertThat(upstream.path("generationConfig").path("imageConfig").path("aspectRatio").asText())
                .isEqualTo("3:2");
    }

    @Test
    void falls_back_from_openai_to_a_gemini_image_model() throws Exception {
        SIMULATOR.enqueue(Reply.error(500, "down"));

        HttpResponse<String> response = images("""
                {"model":"openai/gpt-image-1","prompt":"A boat",
                 "providerOptions":{"gateway":{"models":["google/gemini-2.5-flash-image"]}}}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-model")).hasValue("google/gemini-2.5-flash-image");
        assertThat(json(response.body()).path("data").get(0).path("b64_json").asText())
                .isEqualTo(ProviderSimulator.PNG_BASE64);
    }

    @Test
    void refuses_urls_non_image_models_and_a_missing_prompt_in_openai_error_shape() throws Exception {
        HttpResponse<String> url = images("""
                {"model":"openai/gpt-image-1","prompt":"x","response_format":"url"}""");
        assertThat(url.statusCode()).isEqualTo(400);
        assertThat(json(url.body()).path("error").path("param").asText()).isEqualTo("response_format");
        assertThat(json(url.body()).path("error").path("message").asText()).contains("b64_json");

        HttpResponse<String> chatModel = images("{\"model\":\"openai/gpt-5\",\"prompt\":\"x\"}");
        assertThat(chatModel.statusCode()).isEqualTo(400);
        assertThat(json(chatModel.body()).path("error").path("message").asText())
                .contains("openai/gpt-5", "image generation");

        HttpResponse<String> noPrompt = images("{\"model\":\"openai/gpt-image-1\"}");
        assertThat(noPrompt.statusCode()).isEqualTo(400);
        assertThat(json(noPrompt.body()).path("error").path("param").asText()).isEqualTo("prompt");

        HttpResponse<String> chatOnImageModel = chat(simpleRequest("openai/gpt-image-1", false));
        assertThat(chatOnImageModel.statusCode()).isEqualTo(400);
        assertThat(json(chatOnImageModel.body()).path("error").path("message").asText())
                .contains("/v1/images/generations");
        assertThat(SIMULATOR.requests()).isEmpty();
    }

    @Test
    void a_gemini_image_model_on_chat_answers_with_openrouter_style_message_images() throws Exception {
        HttpResponse<String> whole = chat(simpleRequest("google/gemini-2.5-flash-image", false));

        assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
        JsonNode message = json(whole.body()).path("choices").get(0).path("message");
        assertThat(message.path("images").get(0).path("type").asText()).isEqualTo("image_url");
        assertThat(message.path("images").get(0).path("image_url").path("url").asText())
                .isEqualTo("data:image/png;base64," + ProviderSimulator.PNG_BASE64);

        HttpResponse<String> streamed = chat(simpleRequest("google/gemini-2.5-flash-image", true));
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.body()).contains("\"images\":[{\"type\":\"image_url\",\"image_url\":{\"url\":"
                + "\"data:image/png;base64," + ProviderSimulator.PNG_BASE64 + "\"}}]");
    }

    private HttpResponse<String> images(String json) throws IOException, InterruptedException {
        return http.send(post("/v1/images/generations", json).build(), HttpResponse.BodyHandlers.ofString());
    }
}
