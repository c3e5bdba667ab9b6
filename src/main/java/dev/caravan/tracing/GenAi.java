package dev.caravan.tracing;

import io.opentelemetry.api.common.AttributeKey;

import java.util.Map;

/**
 * Attribute names of the OpenTelemetry GenAI semantic conventions the spans carry (written out here rather than
 * taken from the incubating semconv artifact, whose names still move between releases), and Caravan's own.
 */
final class GenAi {

    static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER_NAME = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");

    static final AttributeKey<String> CARAVAN_API = AttributeKey.stringKey("caravan.api");
    static final AttributeKey<String> CARAVAN_PROJECT = AttributeKey.stringKey("caravan.project");
    static final AttributeKey<String> CARAVAN_PROVIDER = AttributeKey.stringKey("caravan.provider");
    static final AttributeKey<String> CARAVAN_MODEL = AttributeKey.stringKey("caravan.model");
    static final AttributeKey<String> CARAVAN_GENERATION_ID = AttributeKey.stringKey("caravan.generation_id");
    static final AttributeKey<String> CARAVAN_OUTCOME = AttributeKey.stringKey("caravan.outcome");

    static final String CHAT = "chat";

    /** The convention's well-known provider names where they differ from the catalog's; others pass as named. */
    private static final Map<String, String> PROVIDERS = Map.of(
            "google", "gcp.gemini",
            "mistral", "mistral_ai",
            "xai", "x_ai");

    private GenAi() {
    }

    static String providerName(String catalogName) {
        return PROVIDERS.getOrDefault(catalogName, catalogName);
    }
}
