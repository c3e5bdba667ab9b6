package dev.caravan.format.gemini;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.canonical.EmbeddingRequest;
import dev.caravan.canonical.EmbeddingResult;
import dev.caravan.canonical.Json;
import dev.caravan.canonical.Warning;
import dev.caravan.format.UpstreamRequest;

import java.util.ArrayList;
import java.util.List;

/**
 * Gemini's embeddings: {@code :embedContent} for one text, {@code :batchEmbedContents} for several (one request per
 * text, answered in order). {@code dimensions} is Gemini's {@code outputDimensionality}; {@code taskType} passes as
 * it is. Gemini reports no token usage for embeddings, so the gateway counts the input itself (marked estimated).
 */
public final class GeminiEmbeddings {

    private GeminiEmbeddings() {
    }

    public static UpstreamRequest toUpstream(EmbeddingRequest request, String providerModel, List<Warning> warnings) {
        if (request.user() != null) {
            warnings.add(Warning.unsupported("user", "google"));
        }
        request.extra().keySet().forEach(field -> warnings.add(Warning.unsupported(field, "google")));
        if (request.inputs().size() == 1) {
            return new UpstreamRequest(Json.write(embed(request, request.inputs().get(0), null)),
                    "/" + providerModel + ":embedContent", null);
        }
        List<EmbedContent> requests = request.inputs().stream()
                .map(text -> embed(request, text, "models/" + providerModel)).toList();
        return new UpstreamRequest(Json.write(new BatchEmbedContents(requests)),
                "/" + providerModel + ":batchEmbedContents", null);
    }

    private static EmbedContent embed(EmbeddingRequest request, String text, String model) {
        return new EmbedContent(model, new Content(List.of(new Part(text))), request.taskType(),
                request.dimensions());
    }

    /** {@code {"embedding":{"values":[...]}}} or {@code {"embeddings":[{"values":[...]}, ...]}}. */
    public static EmbeddingResult fromUpstream(byte[] body) {
        JsonNode tree = Json.tree(body);
        List<float[]> vectors = new ArrayList<>();
        if (tree.has("embedding")) {
            vectors.add(values(tree.get("embedding")));
        } else if (tree.path("embeddings").isArray()) {
            tree.get("embeddings").forEach(embedding -> vectors.add(values(embedding)));
        } else {
            throw new IllegalArgumentException("a Gemini embeddings answer without 'embedding' or 'embeddings'");
        }
        return new EmbeddingResult(vectors, null, null, null);
    }

    private static float[] values(JsonNode embedding) {
        JsonNode values = embedding.path("values");
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = values.get(i).floatValue();
        }
        return vector;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record EmbedContent(String model, Content content, String taskType, Integer outputDimensionality) {
    }

    record BatchEmbedContents(List<EmbedContent> requests) {
    }

    record Content(List<Part> parts) {
    }

    record Part(String text) {
    }
}
