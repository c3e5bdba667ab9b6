package dev.caravan.format.aisdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.canonical.EmbeddingResult;
import dev.caravan.canonical.Json;
import dev.caravan.error.GatewayException;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The AI SDK gateway protocol's {@code POST {base}/embedding-model} ({@code @ai-sdk/gateway}'s
 * {@code GatewayEmbeddingModel.doEmbed}): the body {@code {values, dimensions?, providerOptions?}} with the model in
 * the {@code ai-model-id} header, answered {@code {embeddings, usage:{tokens}, providerMetadata, warnings}}.
 */
public final class AiSdkEmbeddings {

    private static final List<String> FIELDS = List.of("values", "dimensions", "providerOptions");

    private AiSdkEmbeddings() {
    }

    /**
     * The request in OpenAI's embeddings shape ({@code model}, {@code input}, {@code dimensions},
     * {@code providerOptions}), so both APIs read and check it in one place
     * ({@link dev.caravan.format.openai.OpenAiEmbeddings#read}). A field the protocol does not have is refused.
     */
    public static JsonNode asOpenAiRequest(JsonNode body, String modelId) {
        AiSdkWire.checkModelCall(body, modelId, FIELDS, "embedding", "openai/text-embedding-3-small");
        JsonNode values = body.get("values");
        if (values == null || !values.isArray()) {
            throw GatewayException.invalid("'values' must be an array of strings.", "values");
        }
        ObjectNode openAi = Json.MAPPER.createObjectNode();
        openAi.put("model", modelId);
        openAi.set("input", values);
        if (body.hasNonNull("dimensions")) {
            openAi.set("dimensions", body.get("dimensions"));
        }
        if (body.hasNonNull("providerOptions")) {
            openAi.set("providerOptions", body.get("providerOptions"));
        }
        return openAi;
    }

    /**
     * The metered vectors as the SDK's schema reads them; {@code providerMetadata.gateway} carries the routing, the
     * cost and the generation id as on the language model.
     */
    public static byte[] toJson(EmbeddingResult result, JsonNode routing, BigDecimal cost, String generationId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("embeddings", result.vectors());
        body.put("usage", result.inputTokens() == null ? null : Map.of("tokens", result.inputTokens()));
        body.put("providerMetadata", AiSdkResults.providerMetadata(routing, cost, generationId));
        body.put("warnings", AiSdkWire.toWarnings(result.warnings()));
        return Json.write(body);
    }
}
