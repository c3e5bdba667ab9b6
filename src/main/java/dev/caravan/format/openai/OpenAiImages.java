package dev.caravan.format.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.canonical.ImageRequest;
import dev.caravan.canonical.ImageResult;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Usage;
import dev.caravan.canonical.Warning;
import dev.caravan.error.GatewayException;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI's image generation wire ({@code POST /images/generations}), both ways. Images go back as {@code b64_json}
 * only: {@code response_format: "url"} would need the gateway to host the files, so it is refused with a clear
 * error rather than answered in another shape than asked.
 */
public final class OpenAiImages {

    private static final String OPTIONS = "providerOptions";
    private static final Set<String> MODELLED = Set.of("model", "prompt", "n", "size", "quality", "output_format",
            "response_format", "user", OPTIONS);
    private static final Set<String> OUTPUT_FORMATS = Set.of("png", "jpeg", "webp");
    /** OpenAI's own limit on {@code n}. */
    private static final int MAX_IMAGES = 10;

    private OpenAiImages() {
    }

    public record ClientRequest(ImageRequest request, JsonNode providerOptions) {
    }

    public static ClientRequest read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw GatewayException.invalid("The request body must be a JSON object with 'model' and 'prompt'.", null);
        }
        String model = text(body, "model");
        if (model == null || model.isBlank()) {
            throw GatewayException.invalid("'model' is required: a model id such as 'openai/gpt-image-1'.", "model");
        }
        String prompt = text(body, "prompt");
        if (prompt == null || prompt.isBlank()) {
            throw GatewayException.invalid("'prompt' is required: the description of the image.", "prompt");
        }
        int n = 1;
        JsonNode count = body.get("n");
        if (count != null && !count.isNull()) {
            if (!count.isIntegralNumber() || count.intValue() < 1 || count.intValue() > MAX_IMAGES) {
                throw GatewayException.invalid("'n' must be a whole number from 1 to " + MAX_IMAGES + ".", "n");
            }
            n = count.intValue();
        }
        String responseFormat = text(body, "response_format");
        if (responseFormat != null && !responseFormat.equals("b64_json")) {
            throw GatewayException.invalid("'response_format' '" + responseFormat + "' is not supported: this gateway "
                    + "returns images as 'b64_json' only.", "response_format");
        }
        String outputFormat = text(body, "output_format");
        if (outputFormat != null && !OUTPUT_FORMATS.contains(outputFormat)) {
            throw GatewayException.invalid("'output_format' must be png, jpeg or webp.", "output_format");
        }
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = body.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!MODELLED.contains(field.getKey())) {
                extra.put(field.getKey(), field.getValue());
            }
        }
        return new ClientRequest(new ImageRequest(model, prompt, n, text(body, "size"), text(body, "quality"),
                outputFormat, text(body, "user"), extra), body.get(OPTIONS));
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw GatewayException.invalid("'" + field + "' must be a string.", field);
        }
        return value.textValue();
    }

    /**
     * The request for an OpenAI-compatible provider. No {@code response_format} is sent: gpt-image models refuse it
     * and always answer base64; the DALL-E models default to URLs, which is why they are not in the catalog.
     */
    public static byte[] toUpstream(ImageRequest request, String providerModel, List<Warning> warnings) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        request.extra().forEach(body::set);
        body.put("model", providerModel);
        body.put("prompt", request.prompt());
        body.put("n", request.n());
        putIfSet(body, "size", request.size());
        putIfSet(body, "quality", request.quality());
        putIfSet(body, "output_format", request.outputFormat());
        putIfSet(body, "user", request.user());
        return Json.write(body);
    }

    private static void putIfSet(ObjectNode body, String field, String value) {
        if (value != null) {
            body.put(field, value);
        }
    }

    /** {@code data[].b64_json} and gpt-image's usage ({@code input_tokens}, {@code output_tokens}). */
    public static ImageResult fromUpstream(byte[] body) {
        JsonNode tree = Json.tree(body);
        JsonNode data = tree.path("data");
        if (!data.isArray()) {
            throw new IllegalArgumentException("an images answer without 'data'");
        }
        // gpt-image answers say their format; PNG is the default when they do not
        String format = tree.path("output_format").isTextual() ? tree.get("output_format").textValue() : "png";
        List<ImageResult.Image> images = new ArrayList<>();
        for (JsonNode item : data) {
            if (!item.path("b64_json").isTextual()) {
                throw new IllegalArgumentException("an image without b64_json");
            }
            images.add(new ImageResult.Image(item.get("b64_json").textValue(), "image/" + format,
                    item.path("revised_prompt").isTextual() ? item.get("revised_prompt").textValue() : null));
        }
        JsonNode usage = tree.path("usage");
        Usage read = usage.path("input_tokens").canConvertToInt() && usage.path("output_tokens").canConvertToInt()
                ? Usage.of(usage.get("input_tokens").intValue(), usage.get("output_tokens").intValue(), null, null,
                null)
                : null;
        return new ImageResult(images, read, null, null);
    }

    /** The answer for the client: base64 images, their usage in gpt-image's shape, and the gateway's cost. */
    public static byte[] toClient(ImageResult result) {
        List<Datum> data = result.images().stream()
                .map(image -> new Datum(image.base64(), image.revisedPrompt())).toList();
        Usage usage = result.usage();
        String format = result.images().isEmpty() ? null
                : result.images().get(0).mediaType().substring("image/".length());
        return Json.write(new ImageList(Instant.now().getEpochSecond(), data, format,
                usage == null ? null : new ImageUsage(usage.promptTokens(), usage.completionTokens(),
                        usage.totalTokens(), result.cost()),
                result.warnings().isEmpty() ? null : result.warnings()));
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ImageList(long created, List<Datum> data, String outputFormat, ImageUsage usage, List<Warning> warnings) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Datum(String b64Json, String revisedPrompt) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ImageUsage(Integer inputTokens, Integer outputTokens, Integer totalTokens, BigDecimal cost) {
    }
}
