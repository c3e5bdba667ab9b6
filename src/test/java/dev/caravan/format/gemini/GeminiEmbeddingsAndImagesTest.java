package dev.caravan.format.gemini;

import dev.caravan.canonical.EmbeddingRequest;
import dev.caravan.canonical.ImageRequest;
import dev.caravan.canonical.ImageResult;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Warning;
import dev.caravan.error.GatewayException;
import dev.caravan.format.UpstreamRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Gemini's embeddings and image generation against recorded-shape fixtures. */
class GeminiEmbeddingsAndImagesTest {

    @Test
    void one_input_is_embed_content_and_several_are_a_batch_with_the_model_in_each_request() {
        EmbeddingRequest one = new EmbeddingRequest("google/gemini-embedding-001", List.of("a"), 8, null,
                "RETRIEVAL_DOCUMENT", null);
        EmbeddingRequest two = new EmbeddingRequest("google/gemini-embedding-001", List.of("a", "b"), null, "u", null,
                null);
        List<Warning> warnings = new ArrayList<>();

        UpstreamRequest single = GeminiEmbeddings.toUpstream(one, "gemini-embedding-001", warnings);
        UpstreamRequest batch = GeminiEmbeddings.toUpstream(two, "gemini-embedding-001", warnings);

        assertThat(single.path()).isEqualTo("/gemini-embedding-001:embedContent");
        assertThat(Json.tree(single.body())).isEqualTo(Json.tree("""
                {"content":{"parts":[{"text":"a"}]},"taskType":"RETRIEVAL_DOCUMENT","outputDimensionality":8}"""
                .getBytes(StandardCharsets.UTF_8)));
        assertThat(batch.path()).isEqualTo("/gemini-embedding-001:batchEmbedContents");
        assertThat(Json.tree(batch.body()).path("requests").get(1).toString())
                .isEqualTo("{\"model\":\"models/gemini-embedding-001\",\"content\":{\"parts\":[{\"text\":\"b\"}]}}");
        assertThat(warnings).extracting(Warning::param).containsExactly("user");
    }

    @Test
    void reads_a_batch_answer_in_order_without_usage() {
        var result = GeminiEmbeddings.fromUpstream(GeminiMapperTest.fixture("embeddings_batch_response.json")
                .getBytes(StandardCharsets.UTF_8));

        assertThat(result.vectors()).hasSize(2);
        assertThat(result.vectors().get(0)).containsExactly(0.1f, -0.2f);
        assertThat(result.vectors().get(1)).containsExactly(0.3f, 0.4f);
        assertThat(result.inputTokens()).isNull();
    }

    @Test
    void reads_the_final_images_of_an_answer_and_leaves_out_thought_drafts() {
        ImageResult result = GeminiImages.fromUpstream(GeminiMapperTest.fixture("response_image.json")
                .getBytes(StandardCharsets.UTF_8));

        assertThat(result.images()).singleElement().satisfies(image -> {
            assertThat(image.base64()).isEqualTo("iVBORw0KGgo=");
            assertThat(image.mediaType()).isEqualTo("image/png");
        });
        assertThat(result.usage().promptTokens()).isEqualTo(7);
        assertThat(result.usage().completionTokens()).isEqualTo(1290);
    }

    @Test
    void an_answer_without_an_image_is_the_clients_error_with_the_models_words() {
        assertThatThrownBy(() -> GeminiImages.fromUpstream(GeminiMapperTest.fixture("response_image_refused.json")
                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.kind().status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("no image", "I can't draw that.");
                });
    }

    @Test
    void writes_an_image_request_with_both_modalities_and_warns_of_what_gemini_cannot_do() {
        List<Warning> warnings = new ArrayList<>();
        ImageRequest request = new ImageRequest("google/gemini-2.5-flash-image", "a cat", 3, "1024x1792", "high",
                "webp", null, Map.of());

        UpstreamRequest upstream = GeminiImages.toUpstream(request, "gemini-2.5-flash-image", warnings);

        assertThat(upstream.path()).isEqualTo("/gemini-2.5-flash-image:generateContent");
        assertThat(Json.tree(upstream.body()).path("generationConfig").toString())
                .isEqualTo("{\"responseModalities\":[\"TEXT\",\"IMAGE\"]}");
        assertThat(warnings).extracting(Warning::param).containsExactly("n", "quality", "output_format", "size");
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "1024x1024, 1:1", "1536x1024, 3:2", "1024x1536, 2:3", "1792x1024, null", "auto, null", "null, null",
            "1920x1080, 16:9", "0x10, null"})
    void turns_openai_sizes_into_the_aspect_ratios_gemini_offers(String size, String ratio) {
        assertThat(GeminiImages.aspectRatio(size)).isEqualTo(ratio);
    }
}
