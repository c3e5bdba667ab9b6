package dev.caravan.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Embeddings as OpenAI ({@code POST /v1/embeddings}) and Gemini ({@code :embedContent}, {@code :batchEmbedContents})
 * answer them, with vectors that depend only on the text and the size asked for: each is seeded by a hash of its
 * text and normalised to length 1, so equal texts embed equally and a test can compute the expected vector with
 * {@link #vector}. The size is {@code dimensions} / {@code outputDimensionality}, else the provider's default.
 */
final class Embeddings {

    /** text-embedding-3-small's size; text-embedding-3-large's is 3072, but one default keeps tests simple. */
    static final int OPENAI_DEFAULT_DIMENSIONS = 1536;
    /** gemini-embedding-001's size. */
    static final int GEMINI_DEFAULT_DIMENSIONS = 3072;

    private Embeddings() {
    }

    /** The vector for {@code text}: deterministic, unit length. */
    static float[] vector(String text, int dimensions) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        long seed = 1125899906842597L;
        for (byte b : bytes) {
            seed = 31 * seed + b;
        }
        SplittableRandom random = new SplittableRandom(seed ^ dimensions);
        float[] vector = new float[dimensions];
        double sum = 0;
        for (int i = 0; i < dimensions; i++) {
            double value = random.nextDouble(-1, 1);
            vector[i] = (float) value;
            sum += value * value;
        }
        float norm = (float) Math.sqrt(sum);
        for (int i = 0; i < dimensions; i++) {
            vector[i] /= norm;
        }
        return vector;
    }

    /** A problem in OpenAI's words, or null when the request is acceptable. */
    static String validateOpenAi(JsonNode body) {
        if (!body.path("model").isTextual()) {
            return "you must provide a model parameter";
        }
        List<String> inputs = openAiInputs(body);
        if (inputs == null) {
            return "'input' is a required property and must be a string or an array of strings";
        }
        return validDimensions(body.get("dimensions")) ? null : "'dimensions' must be at least 1";
    }

    static List<String> openAiInputs(JsonNode body) {
        JsonNode input = body.get("input");
        if (input == null) {
            return null;
        }
        if (input.isTextual()) {
            return List.of(input.textValue());
        }
        if (!input.isArray() || input.isEmpty()) {
            return null;
        }
        List<String> inputs = new ArrayList<>();
        for (JsonNode item : input) {
            if (!item.isTextual()) {
                return null;
            }
            inputs.add(item.textValue());
        }
        return inputs;
    }

    static String openAiAnswer(JsonNode body) {
        List<String> inputs = openAiInputs(body);
        int dimensions = body.path("dimensions").asInt(OPENAI_DEFAULT_DIMENSIONS);
        boolean base64 = "base64".equals(body.path("encoding_format").asText());
        StringBuilder sb = new StringBuilder(inputs.size() * dimensions * 12 + 200).append("{\"object\":\"list\",\"data\":[");
        long chars = 0;
        for (int i = 0; i < inputs.size(); i++) {
            chars += inputs.get(i).length();
            float[] vector = vector(inputs.get(i), dimensions);
            sb.append(i == 0 ? "" : ",").append("{\"object\":\"embedding\",\"index\":").append(i).append(",\"embedding\":");
            if (base64) {
                sb.append('"').append(base64(vector)).append('"');
            } else {
                floats(sb, vector);
            }
            sb.append('}');
        }
        int tokens = Wire.tokensFromChars(chars);
        sb.append("],\"model\":");
        Wire.str(sb, body.path("model").asText());
        return sb.append(",\"usage\":{\"prompt_tokens\":").append(tokens).append(",\"total_tokens\":").append(tokens)
                .append("}}").toString();
    }

    /** A problem in Gemini's words, or null; {@code batch} for {@code :batchEmbedContents}. */
    static String validateGemini(JsonNode body, boolean batch) {
        if (batch) {
            JsonNode requests = body.path("requests");
            if (!requests.isArray() || requests.isEmpty()) {
                return "* BatchEmbedContentsRequest.requests: contents is not specified";
            }
            for (JsonNode request : requests) {
                String problem = validateGemini(request, false);
                if (problem != null) {
                    return problem;
                }
            }
            return null;
        }
        if (geminiText(body) == null) {
            return "* EmbedContentRequest.content: contents is not specified";
        }
        return validDimensions(body.get("outputDimensionality")) ? null
                : "* EmbedContentRequest.output_dimensionality: must be positive";
    }

    static String geminiAnswer(JsonNode body, boolean batch) {
        StringBuilder sb = new StringBuilder();
        if (!batch) {
            sb.append("{\"embedding\":");
            geminiEmbedding(sb, body);
            return sb.append('}').toString();
        }
        sb.append("{\"embeddings\":[");
        JsonNode requests = body.path("requests");
        for (int i = 0; i < requests.size(); i++) {
            sb.append(i == 0 ? "" : ",");
            geminiEmbedding(sb, requests.get(i));
        }
        return sb.append("]}").toString();
    }

    private static void geminiEmbedding(StringBuilder sb, JsonNode request) {
        int dimensions = request.path("outputDimensionality").asInt(GEMINI_DEFAULT_DIMENSIONS);
        sb.append("{\"values\":");
        floats(sb, vector(geminiText(request), dimensions));
        sb.append('}');
    }

    private static String geminiText(JsonNode request) {
        JsonNode parts = request.path("content").path("parts");
        if (!parts.isArray() || parts.isEmpty()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        parts.forEach(part -> text.append(part.path("text").asText()));
        return text.toString();
    }

    private static boolean validDimensions(JsonNode dimensions) {
        return dimensions == null || dimensions.isNull() || dimensions.isInt() && dimensions.intValue() >= 1;
    }

    private static void floats(StringBuilder sb, float[] vector) {
        sb.append('[');
        for (int i = 0; i < vector.length; i++) {
            sb.append(i == 0 ? "" : ",").append(vector[i]);
        }
        sb.append(']');
    }

    /** Little-endian float32, as OpenAI's {@code encoding_format: base64}. */
    static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : vector) {
            bytes.putFloat(value);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
