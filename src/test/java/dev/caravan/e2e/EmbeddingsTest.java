package dev.caravan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.simulator.ProviderSimulator;
import dev.caravan.simulator.RecordedRequest;
import dev.caravan.simulator.Reply;
import dev.caravan.usage.UsageRecord;
import dev.caravan.usage.UsageSink;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /v1/embeddings} over real sockets to the simulator playing OpenAI ({@code /v1/embeddings}) and Gemini
 * ({@code :embedContent}, {@code :batchEmbedContents}): vectors as floats and as base64, array input, dimensions,
 * the usage record and cost (openai/text-embedding-3-small at $0.02 per million input tokens), a hard budget's
 * refusal, a fallback to another model, and refusals in OpenAI's error shape.
 */
@Import(EmbeddingsTest.CapturingSink.class)
class EmbeddingsTest extends GatewayTestBase {

    static final String ADMIN_KEY = "cvn-test-admin-key-embeddings-13579";
    static final List<UsageRecord> RECORDS = new CopyOnWriteArrayList<>();

    @TestConfiguration
    static class CapturingSink {
        @Bean
        @Primary
        UsageSink capturingUsageSink() {
            return RECORDS::add;
        }
    }

    @DynamicPropertySource
    static void adminKey(DynamicPropertyRegistry registry) {
        registry.add("CARAVAN_ADMIN_KEY", () -> ADMIN_KEY);
    }

    @BeforeEach
    void clearRecords() {
        RECORDS.clear();
    }

    @Test
    void embeds_a_string_on_openai_as_floats_with_its_dimensions_usage_and_cost() throws Exception {
        HttpResponse<String> response = embeddings("""
                {"model":"openai/text-embedding-3-small","input":"The quick brown fox","dimensions":8,
                 "user":"end-user-1"}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode body = json(response.body());
        assertThat(body.path("object").asText()).isEqualTo("list");
        assertThat(body.path("model").asText()).isEqualTo("openai/text-embedding-3-small");
        JsonNode datum = body.path("data").get(0);
        assertThat(datum.path("object").asText()).isEqualTo("embedding");
        assertThat(datum.path("index").asInt()).isZero();
        assertThat(floats(datum.path("embedding"))).containsExactly(
                ProviderSimulator.embedding("The quick brown fox", 8));
        // the simulator counts characters / 4: 19 / 4
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(4);
        assertThat(body.path("usage").path("total_tokens").asInt()).isEqualTo(4);

        RecordedRequest sent = SIMULATOR.lastRequest();
        assertThat(sent.path()).isEqualTo("/v1/embeddings");
        assertThat(sent.header("authorization")).isEqualTo("Bearer " + OPENAI_KEY);
        JsonNode upstream = json(sent.body());
        assertThat(upstream.path("model").asText()).isEqualTo("text-embedding-3-small");
        assertThat(upstream.path("input").get(0).asText()).isEqualTo("The quick brown fox");
        assertThat(upstream.path("dimensions").asInt()).isEqualTo(8);
        assertThat(upstream.path("user").asText()).isEqualTo("end-user-1");

        UsageRecord record = onlyRecord();
        assertThat(record.id()).isEqualTo(response.headers().firstValue("x-caravan-generation-id").orElseThrow());
        assertThat(record.outcome()).isEqualTo(UsageRecord.Outcome.SUCCESS);
        assertThat(record.servedModel()).isEqualTo("openai/text-embedding-3-small");
        assertThat(record.provider()).isEqualTo("openai");
        assertThat(record.inputTokens()).isEqualTo(4L);
        assertThat(record.outputTokens()).isZero();
        assertThat(record.tokensEstimated()).isFalse();
        // 4 x $0.02 / 1e6
        assertThat(record.costUsd()).isEqualByComparingTo("0.00000008");
        assertThat(response.headers().firstValue("x-caravan-cost")).hasValue("0.00000008");
        assertThat(body.path("usage").path("cost").decimalValue()).isEqualByComparingTo("0.00000008");
    }

    @Test
    void embeds_an_array_as_base64_little_endian_float32_in_input_order() throws Exception {
        HttpResponse<String> response = embeddings("""
                {"model":"openai/text-embedding-3-small","input":["alpha","beta","gamma"],"dimensions":16,
                 "encoding_format":"base64"}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode data = json(response.body()).path("data");
        assertThat(data).hasSize(3);
        List<String> texts = List.of("alpha", "beta", "gamma");
        for (int i = 0; i < 3; i++) {
            assertThat(data.get(i).path("index").asInt()).isEqualTo(i);
            assertThat(data.get(i).path("embedding").isTextual()).isTrue();
            assertThat(fromBase64(data.get(i).path("embedding").asText()))
                    .containsExactly(ProviderSimulator.embedding(texts.get(i), 16));
        }
        // the gateway asks its provider for floats: the client's encoding is the gateway's to write
        assertThat(json(SIMULATOR.lastRequest().body()).path("encoding_format").asText()).isEqualTo("float");
    }

    @Test
    void embeds_one_text_on_gemini_with_embed_content_output_dimensionality_and_task_type() throws Exception {
        HttpResponse<String> response = embeddings("""
                {"model":"google/gemini-embedding-001","input":"Where is the station?","dimensions":12,
                 "providerOptions":{"google":{"taskType":"RETRIEVAL_QUERY"}}}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(floats(json(response.body()).path("data").get(0).path("embedding")))
                .containsExactly(ProviderSimulator.embedding("Where is the station?", 12));
        RecordedRequest sent = SIMULATOR.lastRequest();
        assertThat(sent.path()).isEqualTo("/v1beta/models/gemini-embedding-001:embedContent");
        assertThat(sent.header("x-goog-api-key")).isEqualTo(GOOGLE_KEY);
        JsonNode upstream = json(sent.body());
        assertThat(upstream.path("content").path("parts").get(0).path("text").asText())
                .isEqualTo("Where is the station?");
        assertThat(upstream.path("outputDimensionality").asInt()).isEqualTo(12);
        assertThat(upstream.path("taskType").asText()).isEqualTo("RETRIEVAL_QUERY");
        // Gemini reports no tokens for embeddings: the gateway's own count, marked as an estimate
        UsageRecord record = onlyRecord();
        assertThat(record.provider()).isEqualTo("google");
        assertThat(record.tokensEstimated()).isTrue();
        assertThat(record.inputTokens()).isPositive();
        assertThat(json(response.body()).path("usage").path("prompt_tokens").asLong()).isEqualTo(record.inputTokens());
        assertThat(record.costUsd()).isPositive();
    }

    @Test
    void embeds_several_texts_on_gemini_with_batch_embed_contents() throws Exception {
        HttpResponse<String> response = embeddings("""
                {"model":"google/gemini-embedding-001","input":["one","two"],"dimensions":4,
                 "encoding_format":"base64"}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode data = json(response.body()).path("data");
        assertThat(fromBase64(data.get(0).path("embedding").asText()))
                .containsExactly(ProviderSimulator.embedding("one", 4));
        assertThat(fromBase64(data.get(1).path("embedding").asText()))
                .containsExactly(ProviderSimulator.embedding("two", 4));
        RecordedRequest sent = SIMULATOR.lastRequest();
        assertThat(sent.path()).isEqualTo("/v1beta/models/gemini-embedding-001:batchEmbedContents");
        JsonNode requests = json(sent.body()).path("requests");
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).path("model").asText()).isEqualTo("models/gemini-embedding-001");
        assertThat(requests.get(1).path("content").path("parts").get(0).path("text").asText()).isEqualTo("two");
    }

    @Test
    void falls_back_to_the_next_model_when_the_first_provider_fails() throws Exception {
        SIMULATOR.enqueue(Reply.error(503, "overloaded"));

        HttpResponse<String> response = embeddings("""
                {"model":"openai/text-embedding-3-small","input":"fallback me","dimensions":4,
                 "providerOptions":{"gateway":{"models":["google/gemini-embedding-001"]}}}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("google");
        JsonNode body = json(response.body());
        assertThat(body.path("model").asText()).isEqualTo("google/gemini-embedding-001");
        assertThat(floats(body.path("data").get(0).path("embedding")))
                .containsExactly(ProviderSimulator.embedding("fallback me", 4));
        UsageRecord record = onlyRecord();
        assertThat(record.requestedModel()).isEqualTo("openai/text-embedding-3-small");
        assertThat(record.servedModel()).isEqualTo("google/gemini-embedding-001");
        assertThat(record.attempts()).hasSize(2);
        assertThat(record.attempts().get(0).statusCode()).isEqualTo(503);
    }

    @Test
    void a_hard_budget_refuses_embeddings_whose_input_it_cannot_cover_before_any_provider_call() throws Exception {
        HttpResponse<String> budget = http.send(HttpRequest.newBuilder(uri("/v1/admin/budgets"))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + ADMIN_KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("""
                        {"scope":"user","subject":"frugal","limitUsd":0.0000001,"mode":"hard"}""")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(budget.statusCode()).as(budget.body()).isBetween(200, 201);
        int before = SIMULATOR.requests().size();

        HttpResponse<String> response = embeddings("""
                {"model":"openai/text-embedding-3-small","input":"%s",
                 "providerOptions":{"gateway":{"user":"frugal"}}}""".formatted("many words here ".repeat(50)));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(402);
        assertThat(json(response.body()).path("error").path("code").asText()).isEqualTo("budget_exceeded");
        assertThat(SIMULATOR.requests()).hasSize(before);
    }

    @Test
    void refuses_models_that_are_not_embedding_models_and_bad_input_in_openai_error_shape() throws Exception {
        HttpResponse<String> chatModel = embeddings("{\"model\":\"anthropic/claude-sonnet-4.6\",\"input\":\"hi\"}");
        assertThat(chatModel.statusCode()).isEqualTo(400);
        JsonNode error = json(chatModel.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo("model");
        assertThat(error.path("message").asText()).contains("anthropic/claude-sonnet-4.6", "language model",
                "embeddings");

        HttpResponse<String> unknown = embeddings("{\"model\":\"acme/nothing\",\"input\":\"hi\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown.body()).path("error").path("code").asText()).isEqualTo("model_not_found");

        HttpResponse<String> tokens = embeddings("{\"model\":\"openai/text-embedding-3-small\",\"input\":[[1,2,3]]}");
        assertThat(tokens.statusCode()).isEqualTo(400);
        assertThat(json(tokens.body()).path("error").path("message").asText()).contains("token ids");

        HttpResponse<String> noInput = embeddings("{\"model\":\"openai/text-embedding-3-small\"}");
        assertThat(noInput.statusCode()).isEqualTo(400);
        assertThat(json(noInput.body()).path("error").path("param").asText()).isEqualTo("input");

        HttpResponse<String> encoding = embeddings("""
                {"model":"openai/text-embedding-3-small","input":"x","encoding_format":"int8"}""");
        assertThat(encoding.statusCode()).isEqualTo(400);
        assertThat(json(encoding.body()).path("error").path("param").asText()).isEqualTo("encoding_format");

        // and the other way round: chat refuses an embedding model before any provider is called
        HttpResponse<String> chat = chat(simpleRequest("openai/text-embedding-3-small", false));
        assertThat(chat.statusCode()).isEqualTo(400);
        assertThat(json(chat.body()).path("error").path("message").asText())
                .contains("embedding model", "/v1/embeddings");
        assertThat(SIMULATOR.requests()).isEmpty();
        assertThat(chatModel.body() + unknown.body() + chat.body()).doesNotContain(OPENAI_KEY, GATEWAY_KEY);
    }

    @Test
    void lists_embedding_models_with_their_type() throws Exception {
        HttpResponse<String> models = http.send(HttpRequest.newBuilder(uri("/v1/models"))
                .header("Authorization", "Bearer " + GATEWAY_KEY).build(), HttpResponse.BodyHandlers.ofString());

        JsonNode data = json(models.body()).path("data");
        JsonNode small = null;
        JsonNode chat = null;
        for (JsonNode model : data) {
            if (model.path("id").asText().equals("openai/text-embedding-3-small")) {
                small = model;
            } else if (model.path("id").asText().equals("openai/gpt-5")) {
                chat = model;
            }
        }
        assertThat(small).isNotNull();
        assertThat(small.path("type").asText()).isEqualTo("embedding");
        assertThat(small.path("pricing").path("input").asDouble()).isEqualTo(0.02);
        assertThat(chat.path("type").asText()).isEqualTo("language");
    }

    private HttpResponse<String> embeddings(String json) throws IOException, InterruptedException {
        return http.send(post("/v1/embeddings", json).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static UsageRecord onlyRecord() {
        await().atMost(Duration.ofSeconds(5)).until(() -> !RECORDS.isEmpty());
        assertThat(RECORDS).hasSize(1);
        return RECORDS.getFirst();
    }

    private static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).floatValue();
        }
        return values;
    }

    private static float[] fromBase64(String encoded) {
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(values);
        return values;
    }
}
