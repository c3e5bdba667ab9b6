package dev.caravan.format.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.canonical.EmbeddingRequest;
import dev.caravan.canonical.EmbeddingResult;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Warning;
import dev.caravan.error.GatewayException;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI's embeddings wire ({@code POST /embeddings}), both ways: the request a client sends to {@code /v1/embeddings}
 * and the gateway sends to OpenAI-compatible providers, and the list of vectors that comes back. {@code base64} is
 * what the {@code openai} npm client asks for by default and decodes itself: the float32 values little-endian, as
 * OpenAI encodes them.
 */
public final class OpenAiEmbeddings {

    public static final String FLOAT = "float";
    public static final String BASE64 = "base64";
    /** The gateway's routing options in a body (RoutingOptions.BODY_FIELD): never for a provider. */
    private static final String OPTIONS = "providerOptions";
    /** Fields read into the canonical request; any other is passed on to OpenAI-compatible providers. */
    private static final Set<String> MODELLED = Set.of("model", "input", "dimensions", "encoding_format", "user",
            OPTIONS);

    private OpenAiEmbeddings() {
    }

    /** A client's request, read and checked, with its routing options and the encoding it wants back. */
    public record ClientRequest(EmbeddingRequest request, JsonNode providerOptions, String encodingFormat) {
    }

    public static ClientRequest read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw GatewayException.invalid("The request body must be a JSON object with 'model' and 'input'.", null);
        }
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.textValue().isBlank()) {
            throw GatewayException.invalid("'model' is required: a model id such as 'openai/text-embedding-3-small'.",
                    "model");
        }
        List<String> inputs = inputs(body.get("input"));
        Integer dimensions = null;
        JsonNode dims = body.get("dimensions");
        if (dims != null && !dims.isNull()) {
            if (!dims.canConvertToInt() || !dims.isIntegralNumber() || dims.intValue() < 1) {
                throw GatewayException.invalid("'dimensions' must be a whole number of at least 1.", "dimensions");
            }
            dimensions = dims.intValue();
        }
        String encoding = FLOAT;
        JsonNode format = body.get("encoding_format");
        if (format != null && !format.isNull()) {
            if (!format.isTextual() || !(FLOAT.equals(format.textValue()) || BASE64.equals(format.textValue()))) {
                throw GatewayException.invalid("'encoding_format' must be 'float' or 'base64'.", "encoding_format");
            }
            encoding = format.textValue();
        }
        JsonNode user = body.get("user");
        if (user != null && !user.isNull() && !user.isTextual()) {
            throw GatewayException.invalid("'user' must be a string.", "user");
        }
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = body.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!MODELLED.contains(field.getKey())) {
                extra.put(field.getKey(), field.getValue());
            }
        }
        JsonNode options = body.get(OPTIONS);
        String taskType = options == null ? null : taskType(options);
        return new ClientRequest(new EmbeddingRequest(model.textValue(), inputs, dimensions,
                user == null || user.isNull() ? null : user.textValue(), taskType, extra), options, encoding);
    }

    /** Gemini's task type, where the AI SDK's Google provider puts it ({@code providerOptions.google.taskType}). */
    private static String taskType(JsonNode options) {
        JsonNode taskType = options.path("google").path("taskType");
        if (taskType.isMissingNode() || taskType.isNull()) {
            return null;
        }
        if (!taskType.isTextual()) {
            throw GatewayException.invalid("'providerOptions.google.taskType' must be a string such as "
                    + "'RETRIEVAL_QUERY'.", "providerOptions.google.taskType");
        }
        return taskType.textValue();
    }

    private static List<String> inputs(JsonNode input) {
        if (input == null || input.isNull()) {
            throw GatewayException.invalid("'input' is required: a string or an array of strings.", "input");
        }
        if (input.isTextual()) {
            return List.of(requireText(input.textValue(), "input"));
        }
        if (!input.isArray() || input.isEmpty()) {
            throw GatewayException.invalid("'input' must be a string or a non-empty array of strings.", "input");
        }
        List<String> inputs = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            if (item.isNumber() || item.isArray()) {
                // token arrays are tokenizer-specific: a fallback to another provider could not read them
                throw GatewayException.invalid("'input' as token ids is not supported by this gateway; send the text "
                        + "as a string or an array of strings.", "input");
            }
            if (!item.isTextual()) {
                throw GatewayException.invalid("'input[" + i + "]' must be a string.", "input");
            }
            inputs.add(requireText(item.textValue(), "input[" + i + "]"));
        }
        return inputs;
    }

    private static String requireText(String text, String param) {
        if (text.isEmpty()) {
            // OpenAI refuses an empty string too, and Gemini answers it with an error
            throw GatewayException.invalid("'" + param + "' must not be an empty string.", "input");
        }
        return text;
    }

    /**
     * The request for an OpenAI-compatible provider: always asking for floats (the client's encoding is the
     * gateway's to write), the client's unknown fields passed on.
     */
    public static byte[] toUpstream(EmbeddingRequest request, String providerModel, List<Warning> warnings) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        request.extra().forEach(body::set);
        body.put("model", providerModel);
        var input = body.putArray("input");
        request.inputs().forEach(input::add);
        if (request.dimensions() != null) {
            body.put("dimensions", request.dimensions());
        }
        if (request.user() != null) {
            body.put("user", request.user());
        }
        body.put("encoding_format", FLOAT);
        if (request.taskType() != null) {
            warnings.add(Warning.unsupported("providerOptions.google.taskType", "this OpenAI-compatible provider"));
        }
        return Json.write(body);
    }

    /** A provider's answer: vectors in input order (by {@code index}), floats or base64, and its input tokens. */
    public static EmbeddingResult fromUpstream(byte[] body) {
        JsonNode tree = Json.tree(body);
        JsonNode data = tree.path("data");
        if (!data.isArray()) {
            throw new IllegalArgumentException("an embeddings answer without 'data'");
        }
        float[][] vectors = new float[data.size()][];
        for (int i = 0; i < data.size(); i++) {
            JsonNode item = data.get(i);
            int index = item.path("index").canConvertToInt() ? item.path("index").intValue() : i;
            if (index < 0 || index >= vectors.length || vectors[index] != null) {
                throw new IllegalArgumentException("an embeddings answer with a bad index " + index);
            }
            vectors[index] = vector(item.path("embedding"));
        }
        JsonNode tokens = tree.path("usage").path("prompt_tokens");
        return new EmbeddingResult(List.of(vectors), tokens.canConvertToInt() ? tokens.intValue() : null, null,
                null);
    }

    private static float[] vector(JsonNode embedding) {
        if (embedding.isTextual()) {
            return fromBase64(embedding.textValue());
        }
        float[] vector = new float[embedding.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = embedding.get(i).floatValue();
        }
        return vector;
    }

    /** The answer for the client, in the encoding it asked for, under the gateway's model id, with its cost. */
    public static byte[] toClient(EmbeddingResult result, String model, String encodingFormat) {
        List<Datum> data = new ArrayList<>(result.vectors().size());
        for (int i = 0; i < result.vectors().size(); i++) {
            float[] vector = result.vectors().get(i);
            data.add(new Datum("embedding", i, BASE64.equals(encodingFormat) ? toBase64(vector) : vector));
        }
        int tokens = result.inputTokens() == null ? 0 : result.inputTokens();
        return Json.write(new EmbeddingList("list", data, model, new EmbeddingUsage(tokens, tokens, result.cost()),
                result.warnings().isEmpty() ? null : result.warnings()));
    }

    /** Little-endian float32, as OpenAI encodes {@code base64} and its clients decode it. */
    static String toBase64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : vector) {
            bytes.putFloat(value);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    static float[] fromBase64(String encoded) {
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN);
        float[] vector = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(vector);
        return vector;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record EmbeddingList(String object, List<Datum> data, String model, EmbeddingUsage usage,
                         List<Warning> warnings) {
    }

    record Datum(String object, int index, Object embedding) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record EmbeddingUsage(int promptTokens, int totalTokens, BigDecimal cost) {
    }
}
