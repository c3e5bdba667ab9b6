package dev.caravan.format.aisdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.canonical.ImageResult;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Warning;
import dev.caravan.error.GatewayException;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The AI SDK gateway protocol's {@code POST {base}/image-model} ({@code @ai-sdk/gateway}'s
 * {@code GatewayImageModel.doGenerate}, behind {@code generateImage}): the body {@code {prompt, n, size?,
 * aspectRatio?, seed?, providerOptions?, files?, mask?}} with the model in the {@code ai-model-id} header, answered
 * {@code {images:[base64], usage, providerMetadata, warnings}}.
 */
public final class AiSdkImages {

    private static final List<String> FIELDS = List.of("prompt", "n", "size", "aspectRatio", "seed",
            "providerOptions", "files", "mask");

    private AiSdkImages() {
    }

    /** The request as OpenAI's images request, read and checked in one place, and what it could not take along. */
    public record Read(JsonNode openAiRequest, List<Warning> warnings) {
    }

    /**
     * The request in OpenAI's images shape ({@code model}, {@code prompt}, {@code n}, {@code size},
     * {@code providerOptions}); {@code aspectRatio} and {@code seed}, which no provider route sends, become warnings;
     * input images ({@code files}, {@code mask}: editing) are refused, as this gateway only generates.
     */
    public static Read asOpenAiRequest(JsonNode body, String modelId) {
        AiSdkWire.checkModelCall(body, modelId, FIELDS, "image", "google/gemini-2.5-flash-image");
        for (String editing : List.of("files", "mask")) {
            if (body.hasNonNull(editing) && !(body.get(editing).isArray() && body.get(editing).isEmpty())) {
                throw GatewayException.invalid("'" + editing + "': image editing (input images) is not served; "
                        + "send a prompt only.", editing);
            }
        }
        ObjectNode openAi = Json.MAPPER.createObjectNode();
        openAi.put("model", modelId);
        copy(body, openAi, "prompt", "prompt");
        copy(body, openAi, "n", "n");
        copy(body, openAi, "size", "size");
        copy(body, openAi, "providerOptions", "providerOptions");
        List<Warning> warnings = new ArrayList<>();
        for (String unsent : List.of("aspectRatio", "seed")) {
            if (body.hasNonNull(unsent)) {
                warnings.add(new Warning("unsupported_parameter", unsent,
                        "the gateway's image routes do not send '" + unsent + "'; ignored"));
            }
        }
        return new Read(openAi, warnings);
    }

    private static void copy(JsonNode from, ObjectNode to, String field, String as) {
        if (from.hasNonNull(field)) {
            to.set(as, from.get(field));
        }
    }

    /** The metered images as the SDK's schema reads them, base64 each, with usage when the provider reported it. */
    public static byte[] toJson(ImageResult result, JsonNode routing, BigDecimal cost, String generationId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("images", result.images().stream().map(ImageResult.Image::base64).toList());
        if (result.usage() != null) {
            Map<String, Object> usage = new LinkedHashMap<>();
            usage.put("inputTokens", result.usage().promptTokens());
            usage.put("outputTokens", result.usage().completionTokens());
            usage.put("totalTokens", result.usage().totalTokens());
            body.put("usage", usage);
        }
        body.put("providerMetadata", AiSdkResults.providerMetadata(routing, cost, generationId));
        body.put("warnings", AiSdkWire.toWarnings(result.warnings()));
        return Json.write(body);
    }
}
