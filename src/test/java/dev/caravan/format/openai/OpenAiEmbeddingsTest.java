package dev.caravan.format.openai;

import dev.caravan.canonical.EmbeddingRequest;
import dev.caravan.canonical.EmbeddingResult;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Warning;
import dev.caravan.error.GatewayException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * OpenAI's embeddings wire against recorded-shape fixtures: answers in float and base64 (out of index order), the
 * client's encodings, the request read and written, and its refusals.
 */
class OpenAiEmbeddingsTest {

    @Test
    void reads_a_base64_answer_as_little_endian_float32_in_index_order() {
        EmbeddingResult result = OpenAiEmbeddings.fromUpstream(fixture("embeddings_response_base64.json"));

        assertThat(result.vectors()).hasSize(2);
        assertThat(result.vectors().get(0)).containsExactly(1.0f, -0.5f);
        assertThat(result.vectors().get(1)).containsExactly(2.0f, 3.0f);
        assertThat(result.inputTokens()).isEqualTo(5);
    }

    @Test
    void reads_a_float_answer() {
        EmbeddingResult result = OpenAiEmbeddings.fromUpstream(fixture("embeddings_response_float.json"));

        assertThat(result.vectors().get(0)).containsExactly(0.0023064255f, -0.009327292f, 0.015797347f);
        assertThat(result.inputTokens()).isEqualTo(8);
    }

    @Test
    void writes_base64_as_openai_does_and_floats_as_numbers() {
        EmbeddingResult result = new EmbeddingResult(List.of(new float[] {1.0f, -0.5f}), 5, null, null)
                .priced(5, new BigDecimal("0.0000001"), List.of());

        var base64 = Json.tree(OpenAiEmbeddings.toClient(result, "openai/text-embedding-3-small", "base64"));
        var floats = Json.tree(OpenAiEmbeddings.toClient(result, "openai/text-embedding-3-small", "float"));

        assertThat(base64.path("data").get(0).path("embedding").asText()).isEqualTo("AACAPwAAAL8=");
        assertThat(floats.path("data").get(0).path("embedding").toString()).isEqualTo("[1.0,-0.5]");
        assertThat(floats.path("usage").path("prompt_tokens").asInt()).isEqualTo(5);
        assertThat(floats.path("usage").path("cost").decimalValue()).isEqualByComparingTo("0.0000001");
        assertThat(floats.path("model").asText()).isEqualTo("openai/text-embedding-3-small");
    }

    @Test
    void reads_a_request_and_passes_unknown_fields_on_but_never_the_routing_options() {
        OpenAiEmbeddings.ClientRequest read = OpenAiEmbeddings.read(Json.tree("""
                {"model":"openai/text-embedding-3-small","input":["a","b"],"dimensions":64,"user":"u",
                 "encoding_format":"base64","custom_field":true,
                 "providerOptions":{"gateway":{"order":["openai"]},"google":{"taskType":"CLUSTERING"}}}"""
                .getBytes()));

        EmbeddingRequest request = read.request();
        assertThat(request.inputs()).containsExactly("a", "b");
        assertThat(request.dimensions()).isEqualTo(64);
        assertThat(request.taskType()).isEqualTo("CLUSTERING");
        assertThat(read.encodingFormat()).isEqualTo("base64");
        assertThat(read.providerOptions().path("gateway").path("order").get(0).asText()).isEqualTo("openai");
        List<Warning> warnings = new ArrayList<>();
        var upstream = Json.tree(OpenAiEmbeddings.toUpstream(request, "text-embedding-3-small", warnings));
        assertThat(upstream.path("custom_field").asBoolean()).isTrue();
        assertThat(upstream.has("providerOptions")).isFalse();
        assertThat(upstream.path("encoding_format").asText()).isEqualTo("float");
        assertThat(upstream.path("model").asText()).isEqualTo("text-embedding-3-small");
        // Gemini's task type has no place on OpenAI's wire: said, not dropped silently
        assertThat(warnings).extracting(Warning::param).containsExactly("providerOptions.google.taskType");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"input\":\"x\"}                                                   | model",
            "{\"model\":\"m/x\"}                                                 | input",
            "{\"model\":\"m/x\",\"input\":[]}                                    | input",
            "{\"model\":\"m/x\",\"input\":\"\"}                                  | input",
            "{\"model\":\"m/x\",\"input\":[1,2]}                                 | input",
            "{\"model\":\"m/x\",\"input\":[\"a\",3]}                             | input",
            "{\"model\":\"m/x\",\"input\":\"a\",\"dimensions\":0}                | dimensions",
            "{\"model\":\"m/x\",\"input\":\"a\",\"dimensions\":1.5}              | dimensions",
            "{\"model\":\"m/x\",\"input\":\"a\",\"encoding_format\":\"int8\"}    | encoding_format",
            "{\"model\":\"m/x\",\"input\":\"a\",\"user\":7}                      | user",
    })
    void refuses_bad_requests_naming_the_field(String body, String param) {
        assertThatThrownBy(() -> OpenAiEmbeddings.read(Json.tree(body.strip().getBytes())))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.param()).isEqualTo(param));
    }

    static byte[] fixture(String name) {
        try (InputStream in = OpenAiEmbeddingsTest.class.getResourceAsStream("/fixtures/openai/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
