package dev.caravan.format.aisdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.ChatCompletion;
import dev.caravan.canonical.Json;
import dev.caravan.catalog.ModelEntry;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole canonical answer as the AI SDK's generate result, golden against
 * {@code aisdk/generate_reasoning_text_tools.expected.json}; the error shape for every error kind; the
 * {@code /config} model list.
 */
class AiSdkResultsTest {

    private static final Instant CREATED = Instant.parse("2025-12-03T10:00:00Z");

    private static byte[] fixture(String path) throws IOException {
        try (InputStream in = AiSdkResultsTest.class.getResourceAsStream("/fixtures/" + path)) {
            assertThat(in).as("fixture %s", path).isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void writes_reasoning_text_and_tool_calls_with_finish_reason_usage_routing_and_cost() throws IOException {
        ChatCompletion completion = Json.read(fixture("responses/completion_reasoning_text_tools.json"),
                ChatCompletion.class);
        JsonNode routing = Json.MAPPER.valueToTree(Map.of("gateway", Map.of("routing",
                Map.of("finalProvider", "anthropic"))));

        JsonNode result = Json.tree(AiSdkResults.toJson(completion, routing, new BigDecimal("0.00213"), CREATED));

        assertThat(result).isEqualTo(Json.tree(fixture("aisdk/generate_reasoning_text_tools.expected.json")));
        // what the SDK derives from it: input without cache = 1200 - 1024 read - 64 written; text = 85 - 30
        assertThat(result.at("/usage/inputTokens/noCache").asInt()).isEqualTo(112);
        assertThat(result.at("/usage/outputTokens/text").asInt()).isEqualTo(55);
    }

    @Test
    void maps_openai_finish_reasons_to_the_sdks_unified_ones_keeping_the_raw_one() {
        assertThat(AiSdkWire.toFinish("stop")).isEqualTo(new AiSdkWire.Finish("stop", "stop"));
        assertThat(AiSdkWire.toFinish("length")).isEqualTo(new AiSdkWire.Finish("length", "length"));
        assertThat(AiSdkWire.toFinish("tool_calls")).isEqualTo(new AiSdkWire.Finish("tool-calls", "tool_calls"));
        assertThat(AiSdkWire.toFinish("content_filter"))
                .isEqualTo(new AiSdkWire.Finish("content-filter", "content_filter"));
        assertThat(AiSdkWire.toFinish("pause_turn")).isEqualTo(new AiSdkWire.Finish("other", "pause_turn"));
        assertThat(AiSdkWire.toFinish(null)).isEqualTo(new AiSdkWire.Finish("other", null));
    }

    /** The type each kind is sent with picks the SDK's error class: none may fall through to a wrong one. */
    @ParameterizedTest
    @EnumSource(ErrorKind.class)
    void every_error_kind_has_a_type_the_gateway_provider_maps_to_its_own_class(ErrorKind kind) {
        JsonNode body = Json.tree(AiSdkErrors.toJson(new GatewayException(kind, "it failed"), "x/y"));

        assertThat(body.at("/error/message").asText()).isEqualTo("it failed");
        assertThat(body.at("/error/type").asText()).isIn("invalid_request_error", "authentication_error",
                "forbidden", "model_not_found", "not_found", "rate_limit_exceeded", "internal_server_error");
        if (kind.status() >= 500) {
            assertThat(body.at("/error/type").asText()).isEqualTo("internal_server_error");
        }
    }

    @Test
    void names_the_missing_model_in_param_model_id_as_the_sdk_reads_it() {
        JsonNode body = Json.tree(AiSdkErrors.toJson(GatewayException.modelNotFound("nobody/none"), "nobody/none"));

        assertThat(body.at("/error/type").asText()).isEqualTo("model_not_found");
        assertThat(body.at("/error/param/modelId").asText()).isEqualTo("nobody/none");
    }

    @Test
    void lists_models_with_per_token_prices_as_decimal_strings() {
        ModelEntry model = new ModelEntry("openai/gpt-5-mini", "GPT-5 mini", 400000, 128000, List.of("tools"),
                new ModelEntry.Pricing(0.25, 2.0, 0.025, null), List.of());
        ModelEntry unpriced = new ModelEntry("local/llama", null, null, null, null, null, List.of());

        JsonNode config = Json.tree(AiSdkConfig.toJson(List.of(model, unpriced), "v4"));

        JsonNode first = config.at("/models/0");
        assertThat(first.path("id").asText()).isEqualTo("openai/gpt-5-mini");
        assertThat(first.path("name").asText()).isEqualTo("GPT-5 mini");
        assertThat(first.at("/pricing/input").asText()).isEqualTo("0.00000025");
        assertThat(first.at("/pricing/output").asText()).isEqualTo("0.000002");
        assertThat(first.at("/pricing/input_cache_read").asText()).isEqualTo("0.000000025");
        assertThat(first.at("/pricing").has("input_cache_write")).isFalse();
        assertThat(first.path("specification")).isEqualTo(Json.MAPPER.valueToTree(Map.of(
                "specificationVersion", "v4", "provider", "openai", "modelId", "openai/gpt-5-mini")));
        assertThat(first.path("modelType").asText()).isEqualTo("language");
        assertThat(config.at("/models/1").has("pricing")).isFalse();
        assertThat(config.at("/models/1/name").asText()).isEqualTo("local/llama");
    }

    @Test
    void answers_the_specification_version_the_callers_gateway_package_checks_for() {
        assertThat(AiSdkConfig.specificationVersion("ai/6.0.1 ai-sdk-gateway/3.0.12 node.js/v20")).isEqualTo("v3");
        assertThat(AiSdkConfig.specificationVersion("ai-sdk/provider-utils/5.0.81 ai-sdk-gateway/4.0.146"))
                .isEqualTo("v4");
        assertThat(AiSdkConfig.specificationVersion(null)).isEqualTo("v4");
    }
}
